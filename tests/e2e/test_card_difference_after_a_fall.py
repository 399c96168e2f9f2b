"""A card order raised by an edit, its difference's invoice sent, then lowered before that invoice was paid: paying
the stale invoice pays what the order asks now and the rest of the charge is owed back, recorded, booked and told
(en/ru), not kept silently as if the order had asked for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.accounting import Account
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.invoice_returns import account
from tests.e2e.journeys import order_of_invoice, place_card_order, scalar
from tests.e2e.variants import journal_totals
from tests.fakes import FakeClock

WORDS = {
    "en": (
        "💳 Pay the difference",
        "Order {code} was changed before your payment arrived and asked only £2.95 of it. "
        "We will refund the other £2.95 the way you paid.",
    ),
    "ru": (
        "💳 Оплатить разницу",
        "Заказ {code} изменили до того, как пришла ваша оплата: к оплате было только 2,95 £. "
        "Остальные 2,95 £ мы вернём тем же способом.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_stale_difference_paid_after_the_order_fell_owes_the_rest_back(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    pay, told = WORDS[language]
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        olga = SandboxUser(shop.server, 744, "Olga", language_code=language)
        first = await place_card_order(olga, "85123A", 1)
        code = order_of_invoice(first)
        await olga.pay(first, charge_id="tg-first")  # £2.95
        manager = await hire(shop, 745, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 3")  # £8.85: £5.90 to pay
        await shop.runtime.notifier.drain()
        sent = await olga.press(shop.server.chat_messages(744)[-1], pay)
        stale = next(msg for msg in sent.new if msg.kind == "invoice")
        await manager.send(f"/edit {code} 85123A 2")  # £5.90: only £2.95 to pay now
        await olga.pay(stale, charge_id="tg-stale")  # the £5.90 invoice sent before
        await shop.runtime.notifier.drain()

        assert told.format(code=code) in [msg.text.replace("\xa0", " ") for msg in shop.server.chat_messages(744)][-1]
        p = m.PaymentRow
        kinds = select(p.kind, func.sum(p.amount_minor)).where(p.order_id == m.OrderRow.id, m.OrderRow.code == code)
        async with shop.runtime.sessions() as session:
            sums = dict((await session.execute(kinds.group_by(p.kind))).all())
        assert sums == {"payment": 590, "duplicate": 295}  # the order's £5.90 paid; £2.95 received too much
        assert await account(shop, Account.CASH) == 885
        assert await account(shop, Account.REFUNDS_PAYABLE) == -295  # owed back, to the penny
        debit, credit = await journal_totals(shop)
        assert debit == credit > 0  # every entry balances
        listed = (await manager.send("/refunds")).last.text
        assert code in listed and ("£2.95" in listed or "2,95" in listed), listed
        assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)) == 590
