"""An exchange for a cheaper size (the difference owed back, on a credit note) while another transaction holds the
new size's stock counter and goes on to take a credit note's number (a cancellation or a short pick of an invoice
order), on PostgreSQL. The exchange took its credit note's number, then locked the counter its replacement reserves:
each held what the other wanted next, and PostgreSQL ended one as a deadlock. A number is taken last (ARCHITECTURE.md,
"Lock order"): the exchange's credit note now comes after its replacement's counters."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import OrderStatus
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.return_handling import resolve_return
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import worst_interleaving
from tests.storage.returned import delivered_tshirts, received_return

STAFF, RETURNING = 761, 762
S = OrderStatus


async def _received_swap(engine: AsyncEngine, clock: FakeClock) -> tuple[str, int, int]:
    """A delivered L / Navy T-shirt (£13.00, paid by card) sent back for the M (£12.00), received and written off:
    the return's RMA, the M's and the warehouse's ids."""
    placed, products, shop = await delivered_tshirts(
        engine, clock, "DFGHJKLQ", staff=STAFF, customer=RETURNING, units={"TEE-L-NVY": 1}
    )
    medium = products["TEE-M-NVY"]
    return await received_return(engine, clock, placed, "TEE-L-NVY", staff=STAFF, swap_to=medium), medium, shop


@pytest.mark.postgres
async def test_an_exchange_owing_a_difference_and_a_counter_then_a_credit_note_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the exchange holds the first sequence number it takes; the other holds the
    M's counter and waits for the credit notes' sequence; the exchange goes on."""
    rma, medium, shop = await _received_swap(pg_engine, clock)

    async def exchange() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await resolve_return(uow, clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy())

    async def counter_then_credit_note() -> object:
        async with pg_engine.begin() as connection:
            where = "product_id = :product AND warehouse_id = :warehouse"
            await connection.execute(
                text(f"SELECT on_hand FROM stock WHERE {where} FOR UPDATE"), {"product": medium, "warehouse": shop}
            )
            await connection.execute(text("UPDATE document_counters SET last = last + 1 WHERE name = 'credit_note'"))
        return "done"

    results = await worst_interleaving(
        pg_engine,
        exchange,
        counter_then_credit_note,
        lambda statement: statement.startswith("UPDATE document_counters"),
    )
    assert [type(r).__name__ for r in results] == ["str", "ReturnRequest"], results
    async with session_factory(pg_engine)() as session:
        owed = await session.scalars(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "refund_owed"))
        assert list(owed) == [100]  # the £1.00 difference owed back, on its credit note
        assert list(await session.scalars(select(m.CreditNoteRow.amount_minor))) == [100]
        assert await session.scalar(select(m.DocumentCounterRow.last)) == 2  # each took its number
