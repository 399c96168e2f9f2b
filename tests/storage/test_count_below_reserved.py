"""A bin count below what orders hold there, on SQLite and PostgreSQL: the count is recorded as counted; the
newest order takes its part from another warehouse that has it, the older one, with nowhere to take it from, is
held (its part waiting as a backorder, its customer asked); the counters, reservations and books agree."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.picking import PickMethod
from domain.usecases.bin_counts import Counted, count_differences
from domain.usecases.held_stock import HeldForOrders
from domain.usecases.picking import start_round
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import mug_count_recorded, mugs_counted
from tests.storage.lock_order_race import counters
from tests.storage.requests import mugs_at_a_pickup_shop, mugs_ordered

COUNTER, STAFF_CHAT = 841, -100500


async def _two_orders(engine: AsyncEngine, clock: FakeClock) -> tuple[str, str]:
    """W1's bin A-01-01-1 has 4 mugs, W2 one; Ada's order takes 2 of W1's, then Bo's 1."""
    sessions = session_factory(engine)
    mug, shop = await _mugs_in_two_warehouses(sessions, clock, 4, 1)
    codes = []
    for telegram_id, units in ((9_041, 2), (9_042, 1)):
        codes.append((await mugs_ordered(sessions, clock, shop, mug, telegram_id, units)).code)
        clock.advance(minutes=1)
    return codes[0], codes[1]


async def _mugs_in_two_warehouses(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, in_w1: int, in_w2: int
) -> tuple[Product, Warehouse]:
    """``in_w1`` mugs in the pickup shop W1's bin A-01-01-1, ``in_w2`` in the depot W2's B-01-01-1; W1's counter."""
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, in_w1)
        depot = await uow.warehouses.upsert(Warehouse("W2", "Depot", latitude=60.0, longitude=30.0))
        await uow.stock.set_bin_quantity(mug.id or 0, depot.id or 0, "B-01-01-1", in_w2, "count", "t", clock.now())
        await uow.staff.put(StaffMember(telegram_id=COUNTER, role=Role.MANAGER, warehouse_code="W1"))
        await uow.commit()
    return mug, shop


async def _shorts(
    sessions: async_sessionmaker[AsyncSession], counted: Counted
) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """What COUNTER's count of W1's bin A-01-01-1 says is short: each item, its units in carts, then the orders'."""
    summary = await count_differences(
        SqlUnitOfWork(sessions), staff_id=COUNTER, warehouse_id=1, bin_code="A-01-01-1", counted=counted
    )
    return [(s.sku, s.in_carts, [(c, u) for _, c, u in s.orders]) for s in summary.shorts]


async def test_a_count_below_what_orders_hold_moves_the_newest_order_and_holds_the_one_with_nowhere_to_go(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    ada, bo = await _two_orders(engine, clock)
    sessions = session_factory(engine)
    assert await counters(engine) == {"W1": (4, 3), "W2": (1, 0)}
    counted = await mugs_counted(sessions, COUNTER, 1)  # 3 of the 4 are gone: 2 of them were held for orders
    assert await _shorts(sessions, counted) == [("MUG", 0, [(bo, 1), (ada, 1)])]  # the newest order first
    result = await mug_count_recorded(sessions, clock, COUNTER, counted, staff_chat_id=STAFF_CHAT)
    assert [(o.code, o.units, o.moved_to) for o in result.orders] == [(bo, 1, "W2"), (ada, 1, "")]
    assert await counters(engine) == {"W1": (1, 1), "W2": (1, 1)}
    async with sessions() as session:
        statuses = dict((await session.execute(select(m.OrderRow.code, m.OrderRow.status))).all())
        held = {
            (code, warehouse, quantity)
            for code, warehouse, quantity in (
                await session.execute(
                    select(m.OrderRow.code, m.WarehouseRow.code, m.ReservationRow.quantity)
                    .join(m.ReservationRow, m.ReservationRow.order_id == m.OrderRow.id)
                    .join(m.WarehouseRow, m.WarehouseRow.id == m.ReservationRow.warehouse_id)
                )
            ).all()
        }
        waiting = (await session.execute(select(m.BackorderRow.order_id, m.BackorderRow.quantity))).all()
        moved = await session.scalar(
            select(func.sum(m.InventoryMovementRow.delta)).where(
                m.InventoryMovementRow.reason == "count: bin A-01-01-1"
            )
        )
        debit, credit = (
            await session.execute(
                select(func.sum(m.JournalLineRow.debit_minor), func.sum(m.JournalLineRow.credit_minor))
            )
        ).one()
        told = list(await session.scalars(select(m.OutboxRow.template)))
    assert statuses[ada] == "on_hold" and statuses[bo] != "on_hold"
    assert held == {(ada, "W1", 1), (bo, "W2", 1)}
    assert [q for _, q in waiting] == [1]
    assert moved == -3 and (debit or 0) == (credit or 0)
    assert told.count("staff_count_short") == 2 and "order_short" in told
    assert await stock_drift(SqlUnitOfWork(sessions)) == []


async def test_units_a_pick_round_is_sent_for_are_left_to_its_picker_and_such_a_count_is_refused(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Bo's order is in a round, its picker on the way to the bin: its units are the picker's to report short (the
    short pick moves or holds them); taken by the count too, they were moved twice. The count is refused, naming
    the order, and nothing is changed."""
    _, bo = await _two_orders(engine, clock)
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.staff.put(StaffMember(telegram_id=842, role=Role.PICKER, warehouse_code="W1"))
        await uow.commit()
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=842, method=PickMethod.SINGLE)  # Ada's, the oldest
    counted = await mugs_counted(sessions, COUNTER, 0)
    assert await _shorts(sessions, counted) == [("MUG", 0, [(bo, 1)])]  # Ada's 2 left to the picker
    with pytest.raises(HeldForOrders):
        await mug_count_recorded(sessions, clock, COUNTER, counted)
    assert await counters(engine) == {"W1": (4, 3), "W2": (1, 0)}


async def test_units_an_order_is_picked_for_in_another_warehouse_do_not_keep_this_warehouses_part_from_a_count(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Cy's order takes W1's 2 mugs and W2's 3, and W2's picker is sent for those 3: the round is W2's, so W1's
    2 are no picker's to report short. Counted gone at W1, they leave the order (held, nowhere has them free) and
    the count is recorded; it was refused, the 3 at W2 reckoned against W1's 2."""
    sessions = session_factory(engine)
    mug, shop = await _mugs_in_two_warehouses(sessions, clock, 2, 3)
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.staff.put(StaffMember(telegram_id=843, role=Role.PICKER, warehouse_code="W2"))
        await uow.commit()
    cy = (await mugs_ordered(sessions, clock, shop, mug, 9_043, 5)).code
    assert await counters(engine) == {"W1": (2, 2), "W2": (3, 3)}
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=843, method=PickMethod.SINGLE, warehouse_code="W2")
    counted = await mugs_counted(sessions, COUNTER, 0)
    assert await _shorts(sessions, counted) == [("MUG", 0, [(cy, 2)])]
    result = await mug_count_recorded(sessions, clock, COUNTER, counted)
    assert [(o.code, o.units, o.moved_to) for o in result.orders] == [(cy, 2, "")]
    assert await counters(engine) == {"W1": (0, 0), "W2": (3, 3)}
    async with sessions() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == cy))
        waiting = (await session.execute(select(m.BackorderRow.quantity))).scalars().all()
    assert status == "on_hold" and list(waiting) == [2]
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
