"""Two staff record one invoice's payment at the same instant, on SQLite and PostgreSQL: it is paid once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.usecases.orders import cancel_for_customer
from domain.usecases.payments import InvoiceAlreadyPaid, NotAnInvoice, PaymentOverInvoice, record_invoice_payment
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.invoice_payment_race import invoice_order

BOOKKEEPERS = (611, 612)


async def _invoice(engine: AsyncEngine, clock: FakeClock) -> str:
    """An invoice of EUR 50.00, nothing paid, and two managers who may record payments."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("INV-2", "Crate", "C", {"EUR": Money(1000, "EUR")}))
        customer = await uow.customers.add(Customer(telegram_id=613, first_name="Corp", created_at=clock.now()))
        for staff_id in BOOKKEEPERS:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER))
        order = invoice_order("CDFGHJKN", customer, product, 5, clock)
        await uow.orders.add(order)
        await uow.commit()
    return order.code


async def _paid_at_once(engine: AsyncEngine, clock: FakeClock, code: str, amounts: tuple[str, str]) -> list[str]:
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def pay(staff_id: int, amount: str) -> str:
        await start.wait()
        try:
            _, paid, left, _ = await record_invoice_payment(
                SqlUnitOfWork(sessions), clock, staff_id=staff_id, code=code, amount=amount
            )
        except (InvoiceAlreadyPaid, PaymentOverInvoice) as refused:
            return f"refused: {type(refused).__name__}"
        return f"paid {paid.amount}, left {left.amount}"

    tasks = [asyncio.create_task(pay(staff_id, amount)) for staff_id, amount in zip(BOOKKEEPERS, amounts, strict=True)]
    start.set()
    return sorted(await asyncio.gather(*tasks))


async def _recorded(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        paid = select(func.coalesce(func.sum(m.PaymentRow.amount_minor), 0)).where(m.PaymentRow.kind == "payment")
        return int(await session.scalar(paid) or 0)


async def test_an_invoice_paid_by_two_staff_at_once_is_recorded_paid_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _invoice(engine, clock)
    assert await _paid_at_once(engine, clock, code, ("", "")) == ["paid 5000, left 0", "refused: InvoiceAlreadyPaid"]
    assert await _recorded(engine) == 5000


async def test_two_parts_of_an_invoice_recorded_at_once_never_take_more_than_it_asks(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _invoice(engine, clock)
    outcomes = await _paid_at_once(engine, clock, code, ("30", "30"))  # 60.00 of a 50.00 invoice
    assert outcomes == ["paid 3000, left 2000", "refused: PaymentOverInvoice"]
    assert await _recorded(engine) == 3000


@pytest.mark.postgres
async def test_an_invoice_cancelled_while_its_payment_is_recorded_takes_no_payment(
    pg_database: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bookkeeper records the transfer; between reading the order and taking its lock, a
    manager cancels it (its invoice taken down by a credit note) and commits. The payment is
    then refused as for any cancelled order: none recorded, none booked."""
    from storage.repositories.parcels import SqlParcels
    from tests.conftest import empty_database

    engine = await empty_database(pg_database)
    try:
        code = await _invoice(engine, clock)
        sessions = session_factory(engine)
        lock_order = SqlParcels.lock_order
        cancelled: list[str] = []

        async def cancelled_meanwhile(self: SqlParcels, order_id: int) -> None:
            if not cancelled:
                cancelled.append(code)
                await cancel_for_customer(
                    SqlUnitOfWork(sessions), clock, staff_id=BOOKKEEPERS[1], code=code, staff_chat_id=None
                )
            await lock_order(self, order_id)

        monkeypatch.setattr(SqlParcels, "lock_order", cancelled_meanwhile)
        with pytest.raises(NotAnInvoice):
            await record_invoice_payment(SqlUnitOfWork(sessions), clock, staff_id=BOOKKEEPERS[0], code=code)
        assert cancelled == [code]
        assert await _recorded(engine) == 0
        async with sessions() as session:
            received = select(func.coalesce(func.sum(m.JournalLineRow.debit_minor), 0)).where(
                m.JournalLineRow.account.like("1000%")
            )
            assert await session.scalar(received) == 0  # no transfer booked into the bank
    finally:
        await engine.dispose()
