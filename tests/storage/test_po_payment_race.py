"""Races on SQLite and PostgreSQL: two managers record paying the same purchase order's supplier
at the same instant: one payment is recorded, the other refused, the supplier never overpaid."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.purchasing import PoOverpayment
from domain.usecases.purchasing import receive_po
from domain.usecases.supplier_payments import pay_po
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.po_receipt_race import mug_orders

MANAGERS = (711, 712)


async def test_two_payments_of_one_purchase_order_at_once_never_overpay_the_supplier(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    base = SqlUnitOfWork(sessions).base_currency
    (number,) = await mug_orders(SqlUnitOfWork(sessions), clock, MANAGERS, (10,), base)
    await receive_po(SqlUnitOfWork(sessions), clock, staff_id=MANAGERS[0], number=number)  # 30.00 owed

    start = asyncio.Event()

    async def pay(staff_id: int) -> str:
        await start.wait()
        try:
            await pay_po(SqlUnitOfWork(sessions), clock, staff_id=staff_id, number=number, amount="20")
        except PoOverpayment as refused:
            return f"refused: {refused.params['owed']}"
        return "paid"

    tasks = [asyncio.create_task(pay(staff_id)) for staff_id in MANAGERS]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["paid", f"refused: {Money(1000, base)}"]
    async with sessions() as session:
        paid = await session.scalar(select(m.PurchaseOrderRow.paid_minor))
        line_rows = m.JournalLineRow
        payable_debits = await session.scalar(
            select(func.sum(line_rows.debit_minor)).where(line_rows.account == "2000 Accounts payable")
        )
        kept = (await session.execute(select(m.PoPaymentRow.amount_minor, m.PoPaymentRow.paid_by))).all()
    assert (paid, payable_debits) == (2000, 2000)  # one payment recorded and booked
    assert len(kept) == 1 and kept[0].amount_minor == 2000 and kept[0].paid_by in MANAGERS  # and kept once
