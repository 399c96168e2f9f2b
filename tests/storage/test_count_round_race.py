"""A /count confirmed while a pick round is planned in its warehouse, on SQLite and PostgreSQL: the round planned
between the count reading an order's pick lines and taking the order sent a picker for units the count then moved
away. Now they take turns, so no open pick line is left for units an order no longer holds there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.picking import PickMethod
from domain.usecases.bin_counts import count_item, record_count
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.picking import NothingToPick, start_round
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import WRITE_TURNS_OF, session_factory
from storage.repositories.backorders import SqlBackorders
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import ROLE, as_role, someone_waits_for_a_lock
from tests.storage.requests import a_depot_with, mugs_at_a_pickup_shop, pickup_cash_on_delivery

COUNTER, PICKER = 851, 852


async def _an_order_of_one(engine: AsyncEngine, clock: FakeClock) -> str:
    """W1's bin A-01-01-1 has 2 mugs, W2's one; Bo's order holds 1 of W1's (allocated, no round yet)."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        await a_depot_with(uow, clock, mug, 1)
        await uow.staff.put(StaffMember(telegram_id=COUNTER, role=Role.MANAGER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        bo = await uow.customers.add(Customer(telegram_id=9_051, first_name="Bo", created_at=clock.now()))
        await uow.carts.set(bo.id or 0, mug.id or 0, 1, clock.now())
        await uow.commit()
    request = pickup_cash_on_delivery(bo.id or 0, shop.id)
    return (await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)).code


async def _waits_for_the_count(engine: AsyncEngine) -> None:
    """Until another transaction waits behind the count: a lock on PostgreSQL, the write turn on SQLite."""
    turns = WRITE_TURNS_OF.get(engine.sync_engine)
    if turns is None:
        await someone_waits_for_a_lock(engine)
        return
    for _ in range(10_000):
        if turns.waiting:
            return
        await asyncio.sleep(0)  # the round's task runs until it queues for the turn
    raise AssertionError("the round never came to wait for the count")


async def _unheld_pick_lines(engine: AsyncEngine) -> list[tuple[str, str, int, int]]:
    """(order, warehouse, units open on its pick lines there, units it holds there) where the open lines
    send a picker for more than the order holds: what a count took and a round still plans."""
    async with session_factory(engine)() as session:
        pl, t, r = m.PickLineRow, m.PickListRow, m.ReservationRow
        open_units = await session.execute(
            select(pl.order_id, pl.product_id, t.warehouse_id, func.sum(pl.quantity - pl.picked - pl.short))
            .join(t, t.id == pl.pick_list_id)
            .group_by(pl.order_id, pl.product_id, t.warehouse_id)
        )
        held = dict(
            ((o, p, w), int(q))
            for o, p, w, q in await session.execute(
                select(r.order_id, r.product_id, r.warehouse_id, func.sum(r.quantity)).group_by(
                    r.order_id, r.product_id, r.warehouse_id
                )
            )
        )
        codes = dict((await session.execute(select(m.OrderRow.id, m.OrderRow.code))).all())
        places = dict((await session.execute(select(m.WarehouseRow.id, m.WarehouseRow.code))).all())
    return [
        (codes[o], places[w], int(units), held.get((o, p, w), 0))
        for o, p, w, units in open_units
        if units > held.get((o, p, w), 0)
    ]


async def _ordered_against_held(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Order → (units ordered, units allocated anywhere plus units waiting as a backorder)."""
    async with session_factory(engine)() as session:
        o = m.OrderRow
        ordered = dict(
            (
                await session.execute(
                    select(o.code, func.sum(m.OrderLineRow.quantity)).join(m.OrderLineRow).group_by(o.code)
                )
            ).all()
        )
        held: dict[str, int] = {}
        for row in (m.ReservationRow, m.BackorderRow):
            units = select(o.code, func.sum(row.quantity)).join(row, row.order_id == o.id).group_by(o.code)
            for code, quantity in await session.execute(units):
                held[code] = held.get(code, 0) + int(quantity)
    return {code: (int(units), held.get(code, 0)) for code, units in ordered.items()}


async def test_a_round_planned_while_a_count_takes_an_order_never_sends_a_picker_for_the_units_it_took(
    engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round is let go right after the count read Bo's pick lines (none) and before it takes his order: it
    waits for the count now, then finds nothing to pick at W1 (Bo's unit moved to W2); it planned 1 mug at W1 for
    an order holding none there, and the count left its picker to find the shelf empty."""
    bo = await _an_order_of_one(engine, clock)
    sessions = session_factory(engine)
    sku, shelf = await count_item(
        SqlUnitOfWork(sessions), staff_id=COUNTER, warehouse_id=1, bin_code="A-01-01-1", code="MUG"
    )
    rounds: list[asyncio.Task[Any]] = []
    try_lock = SqlBackorders.try_lock_order

    async def after_a_round(self: SqlBackorders, order_id: int) -> bool:
        if ROLE.get() == "count" and not rounds:
            planned = as_role(
                "round", lambda: start_round(SqlUnitOfWork(sessions), clock, staff_id=PICKER, method=PickMethod.SINGLE)
            )
            rounds.append(planned)
            waits = asyncio.create_task(_waits_for_the_count(engine))
            await asyncio.wait({planned, waits}, return_when=asyncio.FIRST_COMPLETED)
            waits.cancel()
        return await try_lock(self, order_id)

    monkeypatch.setattr(SqlBackorders, "try_lock_order", after_a_round)

    async def count() -> object:
        return await record_count(
            SqlUnitOfWork(sessions),
            clock,
            staff_id=COUNTER,
            warehouse_id=1,
            bin_code="A-01-01-1",
            counted={sku: (0, shelf)},  # both mugs gone: Bo's moves to W2
            started=clock.now(),
        )

    result = await as_role("count", count)
    assert len(rounds) == 1
    planned = (await asyncio.gather(rounds[0], return_exceptions=True))[0]
    assert isinstance(planned, NothingToPick), planned
    assert [(o.code, o.units, o.moved_to) for o in result.orders] == [(bo, 1, "W2")]  # type: ignore[attr-defined]
    assert await _unheld_pick_lines(engine) == []
    assert await _ordered_against_held(engine) == {bo: (1, 1)}
    assert await counters(engine) == {"W1": (0, 0), "W2": (1, 1)}
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
