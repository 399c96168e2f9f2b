"""An order a bin count held before it was picked, cancelled by its customer on SQLite and PostgreSQL: cancelled as
before the hold, its unit left free, its waiting part cancelled, the counters agreeing with the movements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Role, StaffMember
from domain.usecases.orders import cancel_my_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import mug_count_recorded, mugs_counted
from tests.storage.lock_order_race import counters
from tests.storage.requests import mugs_at_a_pickup_shop, mugs_ordered

COUNTER, BUYER = 851, 9_051


async def test_an_order_a_count_held_before_picking_is_cancelled_by_its_customer_as_before_the_hold(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 4)
        await uow.staff.put(StaffMember(telegram_id=COUNTER, role=Role.MANAGER, warehouse_code="W1"))
        await uow.commit()
    order = await mugs_ordered(sessions, clock, shop, mug, BUYER, 2)
    counted = await mugs_counted(sessions, COUNTER, 1)  # 3 of the 4 gone: 1 of the order's 2 with them
    await mug_count_recorded(sessions, clock, COUNTER, counted)
    async with sessions() as session:
        row = await session.scalar(select(m.OrderRow).where(m.OrderRow.id == order.id))
        assert row is not None and (row.status, row.held_from) == ("on_hold", "allocated")
    assert await counters(engine) == {"W1": (1, 1)}

    cancelled = await cancel_my_order(
        SqlUnitOfWork(sessions), clock, customer_id=order.customer_id, code=order.code, staff_chat_id=None
    )
    assert cancelled.status.value == "cancelled"
    async with sessions() as session:
        assert await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id)) == "cancelled"
        parts = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity))).all()
        assert (await session.execute(select(m.ReservationRow.id))).all() == []
    assert [tuple(p) for p in parts] == [("cancelled", 0)]
    assert await counters(engine) == {"W1": (1, 0)}
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
