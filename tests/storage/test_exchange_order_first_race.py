"""An exchange resolved on an order (its replacement reserving the M / Navy) while another transaction goes from that
order to the same stock counter, on PostgreSQL: a write-off of another return of it, or the cancellation of an earlier
exchange's replacement (its M given back, then what its unit was paid owed back on the order). The exchange took the
counter, then the order (its difference's credit note and payment row): against the write-off, which takes the order,
then the counter, each held what the other wanted next and PostgreSQL ended one as a deadlock. The order now comes
before the counters (ARCHITECTURE.md, "Lock order"): the exchange takes its order first, and a replacement's cancel
takes the order it replaces right after its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.editing import OrderChanges
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.editing import EditPolicy, edit_order
from domain.usecases.orders import cancel_for_customer
from domain.usecases.return_handling import inspect_line, resolve_return
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import locks_stock, worst_interleaving
from tests.storage.returned import delivered_tshirts, received_return

STAFF, RETURNING = 781, 782


def writes_stock(statement: str) -> bool:
    return locks_stock(statement) or statement.startswith("UPDATE stock")


def _resolving(engine: AsyncEngine, clock: FakeClock, rma: str) -> Callable[[], Awaitable[object]]:
    async def resolve() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await resolve_return(uow, clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy())

    return resolve


async def _owed(engine: AsyncEngine) -> list[int]:
    async with session_factory(engine)() as session:
        p = m.PaymentRow
        return sorted(await session.scalars(select(p.amount_minor).where(p.kind == "refund_owed")))


@pytest.mark.postgres
async def test_an_exchange_and_a_write_off_of_another_return_of_its_order_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the exchange of the L for an M holds the M's counter it reserves; the M sent
    back for the money is written off meanwhile (its order, then the same counter); the exchange goes on."""
    units = {"TEE-L-NVY": 1, "TEE-M-NVY": 1}
    placed, products, _ = await delivered_tshirts(
        pg_engine, clock, "DFGHJKLS", staff=STAFF, customer=RETURNING, units=units
    )
    swap = await received_return(pg_engine, clock, placed, "TEE-L-NVY", staff=STAFF, swap_to=products["TEE-M-NVY"])
    refund = await received_return(pg_engine, clock, placed, "TEE-M-NVY", staff=STAFF, inspected=False)
    async with session_factory(pg_engine)() as session:
        line = await session.scalar(select(m.ReturnLineRow.id).join(m.ReturnRow).where(m.ReturnRow.rma_code == refund))
    assert line is not None

    async def write_off() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await inspect_line(uow, clock, staff_id=STAFF, rma=refund, line_id=line, restock=False)

    results = await worst_interleaving(pg_engine, _resolving(pg_engine, clock, swap), write_off, writes_stock)
    assert [type(r).__name__ for r in results] == ["Inspected", "ReturnRequest"], results
    assert await _owed(pg_engine) == [100]  # the L's £1.00 over the M owed back
    async with session_factory(pg_engine)() as session:
        written = await session.scalars(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "write_off"))
        assert sorted(written) == [1200, 1300]  # the L of the exchange, then the M


@pytest.mark.postgres
@pytest.mark.parametrize(("edited", "given_back"), [(False, 2400), (True, 1200)], ids=["cancel", "edit"])
async def test_an_exchange_and_an_earlier_replacement_of_its_order_cancelled_or_edited_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock, edited: bool, given_back: int
) -> None:
    """The worst interleaving, forced: the first exchange's replacement (two M for two L), cancelled or edited down to
    one M, holds the M's counter; the second exchange of the order takes the order, then that counter; the cancel or
    edit goes on to owe what the Ms it no longer sends were paid back on the order."""
    placed, products, _ = await delivered_tshirts(
        pg_engine, clock, "DFGHJKLT", staff=STAFF, customer=RETURNING, units={"TEE-L-NVY": 3}
    )
    medium = products["TEE-M-NVY"]
    first = await received_return(pg_engine, clock, placed, "TEE-L-NVY", staff=STAFF, swap_to=medium, units=2)
    second = await received_return(pg_engine, clock, placed, "TEE-L-NVY", staff=STAFF, swap_to=medium)
    swapped = await _resolving(pg_engine, clock, first)()
    async with session_factory(pg_engine)() as session:
        replaced = getattr(swapped, "replacement_order_id", None)
        code = await session.scalar(select(m.OrderRow.code).where(m.OrderRow.id == replaced))
        version = await session.scalar(select(m.OrderRow.version).where(m.OrderRow.id == replaced))
    assert code is not None and version is not None

    async def cancel_or_edit() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        if edited:
            one = OrderChanges(by_sku=(("TEE-M-NVY", 1),))
            policy = EditPolicy(CheckoutPolicy())
            return await edit_order(uow, clock, policy, code=code, version=version, changes=one, staff_id=STAFF)
        return await cancel_for_customer(uow, clock, staff_id=STAFF, code=code, staff_chat_id=None)

    results = await worst_interleaving(pg_engine, cancel_or_edit, _resolving(pg_engine, clock, second), writes_stock)
    assert [type(r).__name__ for r in results] == ["ReturnRequest", "EditOutcome" if edited else "tuple"], results
    assert await _owed(pg_engine) == sorted([200, 100, given_back])  # each exchange's £1.00 a unit, and the Ms' price
