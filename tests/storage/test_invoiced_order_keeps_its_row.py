"""An order whose invoice took a number cannot be deleted, by any path, plain SQL included: the number would go
with it and leave a gap in a sequence that must be gapless (as a credit-noted order is kept, 0060); on both
engines. An order never invoiced can still be deleted."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import PaymentMethod
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.orders import deleting_is_refused, placed


async def test_deleting_an_order_with_an_invoice_number_is_refused_and_its_number_stays(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    order = await placed(uow, payment_method=PaymentMethod.INVOICE)
    assert order.id is not None
    async with uow:
        assert await uow.orders.number_invoice(order.id) == 1
        await uow.commit()
    await deleting_is_refused(engine, order.id)
    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT code, invoice_number FROM orders"))).all()
    assert [tuple(row) for row in kept] == [("BCDFGHJK", 1)]


async def test_an_order_never_invoiced_can_still_be_deleted(engine: AsyncEngine) -> None:
    order = await placed(SqlUnitOfWork(session_factory(engine)), payment_method=PaymentMethod.INVOICE)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM orders WHERE id = :id"), {"id": order.id})
        left = await connection.scalar(text("SELECT count(*) FROM orders WHERE id = :id"), {"id": order.id})
    assert left == 0
