"""A size swap's price difference, told and settled: the customer who chose a dearer size hears
what it costs more and pays it (a card order by the invoice its button sends, cash on delivery
at the door), the one who chose a cheaper size hears what is owed back; in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from domain.usecases.accounts import receivables
from domain.usecases.jobs import dun_invoices
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.exchange_refunds import balanced, lines_of, through
from tests.e2e.invoice_returns import account
from tests.e2e.journeys import (
    business_customer,
    order_code,
    order_of_invoice,
    payments,
    place_card_order,
    place_invoice_order,
    scalar,
)
from tests.e2e.returns import deliver, delivered
from tests.e2e.variants import exchange, tshirts
from tests.fakes import FakeClock

TOLD = {
    ("en", "card"): "The item you chose costs £1.00 more than the one you sent back: please pay the difference.",
    ("ru", "card"): "Выбранный товар дороже возвращённого на 1,00\xa0£: пожалуйста, оплатите разницу.",
    ("en", "cod"): "The item you chose costs £1.00 more than the one you sent back: please pay it on delivery.",
    ("ru", "cod"): "Выбранный товар дороже возвращённого на 1,00\xa0£: пожалуйста, оплатите эту сумму при получении.",
    ("en", "invoice"): "The item you chose costs £1.00 more than the one you sent back: it is added to your invoice.",
    ("en", "less"): "The item you chose costs less than the one you sent back: we will refund £1.00.",
    ("ru", "less"): "Выбранный товар дешевле возвращённого: мы вернём 1,00\xa0£.",
}
PAY = {"en": "💳 Pay the difference", "ru": "💳 Оплатить разницу"}
RECEIVED = {"en": "Payment of the difference received for order", "ru": "Доплата по заказу"}


async def revenue(shop: RunningBot) -> int:
    """Sales (credit less debit), in minor units."""
    line = m.JournalLineRow
    total = await scalar(
        shop, select(func.sum(line.credit_minor - line.debit_minor)).where(line.account == Account.REVENUE.value)
    )
    return int(total or 0)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_order_swapped_for_a_dearer_size_is_told_the_difference_and_pays_it_by_the_button(
    paying_shop: RunningBot, language: str
) -> None:
    shop = paying_shop
    await tshirts(shop)
    customer = SandboxUser(shop.server, 950, "Eli", language_code=language)
    invoice = await place_card_order(customer, "TEE-M-NVY", 1)  # £12.00, paid
    await customer.pay(invoice)
    code = order_of_invoice(invoice)
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    replacement = await exchange(customer, shop, code, "TEE-M-NVY", "L / Navy", language)  # L is £13.00
    await shop.runtime.notifier.drain()

    told = shop.server.chat_messages(950)[-1]
    assert replacement in told.text and TOLD[(language, "card")] in told.text
    asked = await customer.press(told, PAY[language])
    difference = next(msg for msg in asked.new if msg.kind == "invoice")
    assert difference.invoice is not None and difference.invoice["total_amount"] == 100
    assert (await customer.pre_checkout(difference)).pre_checkout_answer == {"ok": True, "error_message": None}
    paid = await customer.pay(difference)
    assert RECEIVED[language] in paid.last.text and replacement in paid.last.text
    assert await payments(shop, replacement) == [("payment", 100)]
    assert await revenue(shop) == 1300  # the L sold for £12.00 and £1.00 more
    assert await balanced(shop)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cash_on_delivery_order_swapped_for_a_dearer_size_is_told_to_pay_the_difference_at_the_door(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    code = await delivered(shop, 951, {"TEE-M-NVY": 1})
    customer = SandboxUser(shop.server, 951, "Eli", language_code=language)
    replacement = await exchange(customer, shop, code, "TEE-M-NVY", "L / Navy", language)
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(951)[-1]
    assert replacement in told.text and TOLD[(language, "cod")] in told.text
    assert told.button_texts() == []  # nothing to pay now
    await deliver(shop, replacement)
    assert await revenue(shop) == 1300
    assert await balanced(shop)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_swap_to_a_cheaper_size_tells_the_customer_what_is_owed_back(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    code = await delivered(shop, 952, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 952, "Eli", language_code=language)
    replacement = await exchange(customer, shop, code, "TEE-L-NVY", "M / Navy", language)
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(952)[-1]
    assert replacement in told.text and TOLD[(language, "less")] in told.text
    assert await payments(shop, code) == [("payment", 1670), ("refund_owed", 100)]


async def test_a_free_replacement_says_nothing_of_money(shop: RunningBot) -> None:
    await tshirts(shop)
    code = await delivered(shop, 953, {"TEE-M-NVY": 1})
    replacement = await exchange(SandboxUser(shop.server, 953, "Eli"), shop, code, "TEE-M-NVY", "The same again")
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(953)[-1]
    assert told.text.endswith(f"Your replacement is order {replacement}; you will hear when it ships.")
    assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == replacement)) == 0


async def test_a_business_swap_for_a_dearer_size_adds_the_difference_to_what_its_invoices_ask(
    shop: RunningBot,
) -> None:
    await tshirts(shop)
    buyer = await business_customer(shop, 954)
    code = order_code(await place_invoice_order(buyer, "TEE-M-NVY", pickup=True))
    await deliver(shop, code)
    before = await account(shop, Account.RECEIVABLE)
    line = (await lines_of(shop, code))["TEE-M-NVY"][0]
    await through(shop, 954, code, ReturnKind.EXCHANGE, {line: "TEE-L-NVY"})
    await shop.runtime.notifier.drain()
    assert TOLD[("en", "invoice")] in shop.server.chat_messages(954)[-1].text
    assert await account(shop, Account.RECEIVABLE) == before + 100  # the L's £1.00 more, on account
    assert await revenue(shop) == 1300
    assert await balanced(shop)


async def test_a_business_swap_for_a_dearer_size_is_due_on_its_terms_and_reminded(
    shop: RunningBot, clock: FakeClock
) -> None:
    await tshirts(shop)
    buyer = await business_customer(shop, 955)
    code = order_code(await place_invoice_order(buyer, "TEE-M-NVY", pickup=True))
    await deliver(shop, code)
    clock.advance(days=2)  # the swap comes later than the order
    line = (await lines_of(shop, code))["TEE-M-NVY"][0]
    await through(shop, 955, code, ReturnKind.EXCHANGE, {line: "TEE-L-NVY"})
    c, o = m.CustomerRow, m.OrderRow
    swapped = select(o.code, o.invoice_due).join(c, c.id == o.customer_id).where(c.telegram_id == 955, o.code != code)
    async with shop.runtime.sessions() as session:
        [(replacement, due)] = (await session.execute(swapped)).all()
    assert due == (clock.now() + timedelta(days=14)).date()  # the shop's 14 days, from the swap
    on_account = await receivables(shop.runtime.uow(), clock, staff_id=ADMIN)  # what /ar lists
    assert [(r.order.code, r.owed.amount) for r in on_account if r.order.code == replacement] == [(replacement, 100)]
    clock.advance(days=14)
    await dun_invoices(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=None)
    await shop.runtime.notifier.drain()
    assert any(replacement in (m.text or "") and "is due" in (m.text or "") for m in shop.server.chat_messages(955))


async def test_a_business_swap_for_a_dearer_size_is_invoiced_under_the_next_invoice_number(shop: RunningBot) -> None:
    await tshirts(shop)
    buyer = await business_customer(shop, 956)
    code = order_code(await place_invoice_order(buyer, "TEE-M-NVY", pickup=True))
    await deliver(shop, code)
    line = (await lines_of(shop, code))["TEE-M-NVY"][0]
    await through(shop, 956, code, ReturnKind.EXCHANGE, {line: "TEE-L-NVY"})
    c, o = m.CustomerRow, m.OrderRow
    numbered = select(o.code, o.invoice_number).join(c, c.id == o.customer_id).where(c.telegram_id == 956)
    async with shop.runtime.sessions() as session:
        numbers = {code_: number for code_, number in (await session.execute(numbered)).all()}
    assert numbers.pop(code) == 1 and list(numbers.values()) == [2]  # the replacement's £1.00 more: INV-000002
