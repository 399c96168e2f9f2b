"""A goodwill refund on an order while a return of it is resolved (a refund, or an exchange owing a difference), or
while the replacement of an exchange is cancelled (what its units were paid owed back on the order), on PostgreSQL.
The goodwill refund locks the order, then takes a credit note's number; the others took the number, then wrote the
order (their payment rows move ``orders.updated_at``): each held what the other wanted next, and PostgreSQL ended one
as a deadlock. One rule now: an order before its credit note's number (ARCHITECTURE.md, "Lock order")."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.goodwill import give_goodwill
from domain.usecases.orders import cancel_for_customer
from domain.usecases.return_handling import resolve_return
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import placed
from tests.fakes import FakeClock
from tests.storage.lock_waits import someone_waits_for_a_lock, worst_interleaving
from tests.storage.returned import delivered_tshirts, received_return

STAFF, RETURNING = 771, 772
CODE = "DFGHJKLR"


def takes_a_number(statement: str) -> bool:
    return statement.startswith("UPDATE document_counters")


async def _received(engine: AsyncEngine, clock: FakeClock, swapped: bool) -> str:
    """Two L / Navy T-shirts (£26.00 paid by card) delivered; one sent back (for the money, or ``swapped`` for the M
    at £12.00), received and written off. The return's RMA."""
    placed, products, _ = await delivered_tshirts(
        engine, clock, CODE, staff=STAFF, customer=RETURNING, units={"TEE-L-NVY": 2}
    )
    swap_to = products["TEE-M-NVY"] if swapped else None
    return await received_return(engine, clock, placed, "TEE-L-NVY", staff=STAFF, swap_to=swap_to)


async def _goodwill(engine: AsyncEngine, clock: FakeClock) -> object:
    uow = SqlUnitOfWork(session_factory(engine))
    return await give_goodwill(uow, clock, staff_id=STAFF, code=CODE, amount_text="5", reason="late delivery")


async def _owed_and_noted(engine: AsyncEngine) -> tuple[list[tuple[str, int]], list[tuple[int, int]]]:
    """The order's rows of money given back (kind, amount), and the credit notes (number, amount)."""
    async with session_factory(engine)() as session:
        p, n = m.PaymentRow, m.CreditNoteRow
        given = await session.execute(
            select(p.kind, p.amount_minor).where(p.kind.in_(["goodwill", "refund_owed"])).order_by(p.kind, p.id)
        )
        notes = await session.execute(select(n.number, n.amount_minor).order_by(n.number))
        return [(k, a) for k, a in given], [(x, a) for x, a in notes]


@pytest.mark.postgres
@pytest.mark.parametrize(("swapped", "owed"), [(False, 1300), (True, 100)], ids=["refund", "exchange"])
async def test_a_goodwill_refund_and_a_return_of_its_order_resolved_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock, swapped: bool, owed: int
) -> None:
    """The worst interleaving, forced: the return's refund (or the exchange's £1.00 difference owed back) holds the
    credit note's number it takes; the goodwill refund holds the order and waits for the sequence; the return goes
    on."""
    rma = await _received(pg_engine, clock, swapped)

    async def resolve() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await resolve_return(uow, clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy())

    results = await worst_interleaving(pg_engine, resolve, lambda: _goodwill(pg_engine, clock), takes_a_number)
    assert [type(r).__name__ for r in results] == ["tuple", "ReturnRequest"], results
    given, notes = await _owed_and_noted(pg_engine)
    assert sorted(given) == [("goodwill", 500), ("refund_owed", owed)]
    assert sorted(a for _, a in notes) == sorted([500, owed]) and [x for x, _ in notes] == [1, 2]  # each its number


@pytest.mark.postgres
async def test_a_goodwill_refund_and_a_cancelled_replacement_owing_back_on_its_order_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the replacement's cancellation holds the credit note's number of the £12.00
    its unit was paid on the first order; the goodwill refund holds that order and waits for the sequence; the
    cancellation goes on."""
    rma = await _received(pg_engine, clock, swapped=True)
    swapped = await resolve_return(
        SqlUnitOfWork(session_factory(pg_engine)), clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy()
    )
    async with session_factory(pg_engine)() as session:
        code = await session.scalar(select(m.OrderRow.code).where(m.OrderRow.id == swapped.replacement_order_id))
    assert code is not None

    async def cancel() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await cancel_for_customer(uow, clock, staff_id=STAFF, code=code, staff_chat_id=None)

    results = await worst_interleaving(pg_engine, cancel, lambda: _goodwill(pg_engine, clock), takes_a_number)
    assert [type(r).__name__ for r in results] == ["tuple", "tuple"], results
    given, notes = await _owed_and_noted(pg_engine)
    assert sorted(given) == [("goodwill", 500), ("refund_owed", 100), ("refund_owed", 1200)]
    assert sorted(a for _, a in notes) == [100, 500, 1200] and [x for x, _ in notes] == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.parametrize("sequence", ["credit_note", "debit_note", "invoice"])
async def test_a_document_number_is_taken_only_once_its_order_is_held(pg_engine: AsyncEngine, sequence: str) -> None:
    """While another transaction holds the order, its credit note, debit note or invoice waits for the order without
    holding the sequence: another document takes the next number meanwhile, and this one the number after it."""
    order = await placed(SqlUnitOfWork(session_factory(pg_engine)))
    assert order.id is not None
    async with pg_engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO document_counters (name, last) VALUES (:name, 0)"), {"name": sequence}
        )

    async def issue() -> int:
        async with (uow := SqlUnitOfWork(session_factory(pg_engine))):
            assert order.id is not None
            if sequence == "credit_note":
                number = (await uow.credit_notes.issue(order.id, Money(100, "EUR"), "late delivery", NOW)).number
            elif sequence == "debit_note":
                number = (await uow.debit_notes.issue(order.id, Money(100, "EUR"), NOW)).number
            else:
                number = await uow.orders.number_invoice(order.id)
            await uow.commit()
            return number

    async with pg_engine.connect() as holder:
        await holder.execute(text("SELECT id FROM orders WHERE id = :id FOR UPDATE"), {"id": order.id})
        issuing = asyncio.create_task(issue())
        await someone_waits_for_a_lock(pg_engine)
        async with pg_engine.begin() as other:  # NOWAIT: refused at once if the waiting issuer held the counter
            taken = "UPDATE document_counters SET last = last + 1 WHERE name = :name RETURNING last"
            locked = "SELECT last FROM document_counters WHERE name = :name FOR UPDATE NOWAIT"
            await other.execute(text(locked), {"name": sequence})
            assert await other.scalar(text(taken), {"name": sequence}) == 1
        await holder.rollback()
    assert await issuing == 2
