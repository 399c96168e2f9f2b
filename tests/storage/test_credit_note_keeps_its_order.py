"""An order with a numbered credit note cannot be deleted: the note would go with it and leave a gap
in a sequence that must be gapless; on both engines."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import deleting_is_refused, placed


async def test_deleting_an_order_with_a_credit_note_is_refused_and_the_note_stays(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.credit_notes.issue(order.id, Money(300, "EUR"), "order cancelled", NOW)
        await uow.commit()
    await deleting_is_refused(engine, order.id)
    async with uow:
        kept = await uow.credit_notes.for_order(order.id)
    assert [(n.number, n.amount) for n in kept] == [(1, Money(300, "EUR"))]


async def test_an_order_without_a_credit_note_can_still_be_deleted(engine: AsyncEngine) -> None:
    order = await placed(SqlUnitOfWork(session_factory(engine)))
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM orders WHERE id = :id"), {"id": order.id})
        left = await connection.scalar(text("SELECT count(*) FROM orders WHERE id = :id"), {"id": order.id})
    assert left == 0
