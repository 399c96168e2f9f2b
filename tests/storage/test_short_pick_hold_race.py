"""Two pickers, in the two warehouses an order was split between, each find its bin empty at the
same moment, on SQLite and PostgreSQL. The one in W1 looks for the rest in W2 first (every
counter of the item locked), finds too little and holds the order; the one in W2 finds nothing
elsewhere and holds it too. The first took the counters, then the order row; the second the order
row, then W2's counter: PostgreSQL ended one as a deadlock. The order row now comes first in both
(ARCHITECTURE.md, "Lock order"): one holds the order; the other finds it held already, sets its
lines aside (it was refused with "An order cannot go from on_hold to on_hold", stuck on the line),
and the counters agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.picking import PickRound, start_round
from domain.usecases.short_picks import report_short
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

PICKER_1, PICKER_2, CUSTOMER = 831, 832, 9_031


async def _split_between_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> str:
    """W1 has 3 mugs, W2 2; an order of 4 takes W1's 3 and one of W2's, and a round in each
    warehouse sends a picker to its bin. Returns the order's code."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 3)
        depot = await uow.warehouses.upsert(Warehouse("W2", "Depot", latitude=52.1, longitude=13.1))
        await uow.stock.set_bin_quantity(mug.id or 0, depot.id or 0, "B-01-01-1", 2, "count", "t", clock.now())
        customer = await uow.customers.add(Customer(telegram_id=CUSTOMER, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id or 0, 4, clock.now())
        await uow.staff.put(StaffMember(telegram_id=PICKER_1, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=PICKER_2, role=Role.PICKER, warehouse_code="W2"))
        await uow.commit()
    order = await place_order(
        SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer.id or 0, shop.id)
    )
    for picker in (PICKER_1, PICKER_2):
        await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
    assert await counters(engine) == {"W1": (3, 3), "W2": (2, 1)}
    return order.code


async def _short(engine: AsyncEngine, clock: FakeClock, picker: int) -> PickRound:
    """The picker's bin has none of what the line needs."""
    uow = SqlUnitOfWork(session_factory(engine))
    return await report_short(uow, clock, staff_id=picker, found=0, staff_chat_id=None)


async def _check(engine: AsyncEngine, code: str, results: list[object]) -> None:
    assert all(isinstance(r, PickRound) for r in results), results
    rounds = [r for r in results if isinstance(r, PickRound)]
    assert sorted((len(r.held), len(r.held_already)) for r in rounds) == [(0, 1), (1, 0)]
    assert all(r.done for r in rounds)  # neither picker is left on the held order's line
    async with session_factory(engine)() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))
        waiting = list(await session.scalars(select(m.BackorderRow.quantity)))
    assert status == "on_hold" and len(waiting) == 1  # held once, one part waiting
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


@pytest.mark.postgres
async def test_two_warehouses_short_picking_one_order_at_once_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: W1's short holds the item's counters; W2's goes as far as
    it can (it held the order row and waited for W2's counter); W1's goes on to the order row."""
    code = await _split_between_two_warehouses(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine, lambda: _short(pg_engine, clock, PICKER_1), lambda: _short(pg_engine, clock, PICKER_2)
    )
    await _check(pg_engine, code, results)


async def test_two_warehouses_short_picking_one_order_at_the_same_moment_hold_it_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _split_between_two_warehouses(engine, clock)
    results = await at_once(lambda: _short(engine, clock, PICKER_1), lambda: _short(engine, clock, PICKER_2))
    await _check(engine, code, results)
