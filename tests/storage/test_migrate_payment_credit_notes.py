"""0067 links the refund owed, goodwill and invoice-taken-down rows written before it to their credit note by the rule
documents read them by until then (the order's note issued within 5 seconds), where exactly one note matches; a row no
note or several notes match is left unlinked, as are payments; on both engines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.payments import Payment, PaymentKind
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up

K = PaymentKind
EUR = "EUR"


async def test_rows_from_before_are_linked_to_the_one_note_issued_with_them_and_no_guess_is_kept(
    engine: AsyncEngine,
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        ids = []
        for code in ("BCDFGHJA", "BCDFGHJB", "BCDFGHJC", "BCDFGHJD"):
            line = OrderLine(mug, "MUG-1", "Mug", 1, Money(1000, EUR))
            order = Order.place(code=code, customer_id=customer, currency=EUR, lines=[line], now=NOW, actor="c")
            await uow.orders.add(order)
            ids.append(order.id or 0)
        one, two, far, none = ids
        later = NOW + timedelta(hours=1)
        single = await uow.credit_notes.issue(one, Money(500, EUR), "order changed", NOW)
        first = await uow.credit_notes.issue(two, Money(150, EUR), "late delivery", later)
        await uow.credit_notes.issue(two, Money(40, EUR), "box dented", later)  # the same second: which is whose?
        await uow.credit_notes.issue(far, Money(70, EUR), "late delivery", NOW)
        rows = [
            (one, K.PAYMENT, 1000, NOW - timedelta(hours=1)),
            (one, K.CREDIT_NOTE, 300, NOW),
            (one, K.REFUND_OWED, 200, NOW + timedelta(milliseconds=400)),  # the clock read twice
            (two, K.GOODWILL, 150, later),
            (two, K.GOODWILL, 40, later),
            (far, K.GOODWILL, 70, NOW + timedelta(seconds=10)),  # not issued with it
            (none, K.REFUND_OWED, 90, NOW),  # another order's note at the instant is not its own
        ]
        for order_id, kind, minor, at in rows:
            await uow.payments.add(Payment(order_id, kind, "card", Money(minor, EUR), at))
        await uow.commit()
    await down_and_up(engine, "0066")

    p = m.PaymentRow
    async with engine.connect() as connection:
        found = (await connection.execute(select(p.order_id, p.amount_minor, p.credit_note_id).order_by(p.id))).all()
    assert [tuple(row) for row in found] == [
        (one, 1000, None),
        (one, 300, single.id),
        (one, 200, single.id),
        (two, 150, None),
        (two, 40, None),
        (far, 70, None),
        (none, 90, None),
    ]
    assert first.id is not None
    async with uow:  # and a row written now keeps its link
        await uow.payments.add(Payment(two, K.GOODWILL, "goodwill", Money(10, EUR), later, credit_note_id=first.id))
        assert (await uow.payments.for_order(two))[-1].credit_note_id == first.id
