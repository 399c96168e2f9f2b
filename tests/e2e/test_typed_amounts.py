"""An amount typed with a space between thousands ("1 000", "1 000,50") is read whole by every staff
command that takes one (/refund, /paid, /po pay), and an amount whose end is unclear ("2 50 late": £2
and "50 late", or £250?) is refused rather than read as the smaller number: nothing recorded, the
customer told nothing. English and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import order_of_invoice, payments, place_card_order
from tests.e2e.short_invoices import _invoice_order
from tests.fakes import FakeClock

SAID = {
    "en": {
        "given": "💸 Goodwill refund of {amount} on order {code} for “{reason}” recorded as owed back; "
        "the customer is told. It is paid back from /order {code} (💸 Refund paid back).",
        "thousand": "£1,000.00",
        "two": "£2.00",
        "unclear": "Where does the amount end in “{typed}”? Write it with its decimals ({amount}.00) or its "
        "thousands in groups of three digits (1 000). Nothing was recorded.",
        "over": "£1,000.50",
        "paid": "Payment of £2.50 recorded for order {code}; £4.66 is still to pay.",
    },
    "ru": {
        "given": "💸 Компенсация {amount} по заказу {code} за «{reason}» записана к выплате; покупателю сообщили. "
        "Выплата отмечается в /order {code} (💸 Деньги возвращены).",
        "thousand": "1\xa0000,00\xa0£",
        "two": "2,00\xa0£",
        "unclear": "Где кончается сумма в «{typed}»? Напишите её с дробной частью ({amount},00) или с тысячами "
        "группами по три цифры (1 000). Ничего не записано.",
        "over": "1\xa0000,50\xa0£",
        "paid": "Оплата 2,50\xa0£ по заказу {code} записана; осталось оплатить 4,66\xa0£.",
    },
}


async def _paid_order(shop: RunningBot, customer: SandboxUser, units: int) -> str:
    invoice = await place_card_order(customer, "85123A", units)  # £2.95 each, picked up
    await customer.pre_checkout(invoice)
    await customer.pay(invoice)
    return order_of_invoice(invoice)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_goodwill_amount_with_a_thousands_space_is_read_whole_and_an_unclear_one_is_refused(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        agent = await hire(shop, 77, "Sofia", "support", language=language)
        anna = SandboxUser(shop.server, 501, "Anna")
        code = await _paid_order(shop, anna, 400)  # £1,180.00
        assert await payments(shop, code) == [("payment", 118000)]

        done = await agent.send(f"/refund {code} 1 000 ошибка")
        assert done.last.text == said["given"].format(amount=said["thousand"], code=code, reason="ошибка")
        assert await payments(shop, code) == [("payment", 118000), ("goodwill", 100000)]
        assert "£1,000.00" in anna.messages()[-1].text  # the customer is told the amount typed
        screen = (await agent.send(f"/order {code}")).last.text
        assert "(ошибка)" in screen, screen  # the reason, without the thousands

        told = len(anna.messages())
        for typed, unclear, amount in [
            (f"/refund {code} 2 50 late", "2 50", "2"),
            (f"/refund {code} 1 000 5 boxes", "1 000 5", "1000"),
            (f"/refund {code} 1000 000 typo", "1000 000", "1000"),
        ]:
            refused = await agent.send(typed)
            assert refused.last.text == said["unclear"].format(typed=unclear, amount=amount), typed
        assert await payments(shop, code) == [("payment", 118000), ("goodwill", 100000)]  # nothing recorded
        assert len(anna.messages()) == told  # and the customer told nothing

        # Its decimals end the amount: the reason may then begin with a number.
        done = await agent.send(f"/refund {code} 2.00 50 late")
        assert done.last.text == said["given"].format(amount=said["two"], code=code, reason="50 late")
        assert await payments(shop, code) == [("payment", 118000), ("goodwill", 100000), ("goodwill", 200)]
        assert "(50 late)" in (await agent.send(f"/order {code}")).last.text
        long = (await agent.send(f"/refund {code} 3 " + "box crushed " * 20)).last.text  # the reply repeats 60 of it
        assert ("“box crushed box crushed" in long or "«box crushed box crushed" in long) and "crushed…" in long, long
        assert len(long) < len(said["given"]) + 80


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_paid_reads_an_amount_with_a_thousands_space_as_po_pay_does(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    async with staff_shop(tmp_path, clock) as shop:
        buyer, code = await _invoice_order(shop, 591, "en", 3)  # £7.16
        manager = await hire(shop, 592, "Mia", "manager", language=language)
        over = await manager.send(f"/paid {code} 1 000,5")  # read as £1,000.50: more than the invoice asks
        assert said["over"] in over.last.text, over.last.text
        unclear = await manager.send(f"/paid {code} 2 50")
        assert unclear.last.text == said["unclear"].format(typed="2 50", amount="2")
        assert await payments(shop, code) == []
        told = len(buyer.messages())
        assert (await manager.send(f"/paid {code} 2,50")).last.text == said["paid"].format(code=code)
        assert await payments(shop, code) == [("payment", 250)]
        assert len(buyer.messages()) == told + 1
