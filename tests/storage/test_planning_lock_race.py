"""A warehouse's planning lock (rounds, order edits and /count take it first) against a writer that names the warehouse
in a row it inserts while holding a stock counter (PostgreSQL, the worst interleaving): both go through. Taken
FOR UPDATE it blocked the insert's foreign key check (KEY SHARE), and a holder waiting for the counter deadlocked."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.editing import LineChange, OrderChanges
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.editing import EditPolicy, edit_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import worst_interleaving
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

pytestmark = pytest.mark.postgres

MANAGER = 881


async def test_a_checkout_holding_a_counter_and_an_edit_holding_the_planning_lock_both_go_through(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 10)
        ann = await uow.customers.add(Customer(telegram_id=8_081, first_name="Ann", created_at=clock.now()))
        bo = await uow.customers.add(Customer(telegram_id=8_082, first_name="Bo", created_at=clock.now()))
        await uow.carts.set(ann.id or 0, mug.id or 0, 1, clock.now())
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        await uow.commit()
    order = await place_order(
        SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(ann.id or 0, shop.id)
    )
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.carts.set(bo.id or 0, mug.id or 0, 1, clock.now())
        await uow.commit()

    async def checkout() -> object:  # holds the mug's counter, then inserts its reservation naming W1
        return await place_order(
            SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(bo.id or 0, shop.id)
        )

    async def edit() -> object:  # W1's planning lock, Ann's order, then the mug's counter
        changes = OrderChanges((LineChange(mug.id or 0, 2),))
        policy = EditPolicy(CheckoutPolicy(), window_minutes=30)
        return await edit_order(
            SqlUnitOfWork(sessions), clock, policy, code=order.code, version=0, changes=changes, staff_id=MANAGER
        )

    edited, placed = await worst_interleaving(pg_engine, checkout, edit)
    assert not isinstance(edited, BaseException), edited
    assert not isinstance(placed, BaseException), placed
    async with sessions() as session:
        lines = sorted((await session.scalars(select(m.OrderLineRow.quantity))).all())
        reserved = await session.scalar(select(m.StockRow.reserved))
    assert (lines, reserved) == ([1, 2], 3)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
