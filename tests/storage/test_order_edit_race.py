"""Editing an order while someone else edits it or a picker starts on it, on SQLite and
PostgreSQL: one outcome each time, nothing half-done, stock counters equal to the rows."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.customers import Customer, Role, StaffMember
from domain.editing import EditConflict, LineChange, NotEditable, OrderChanges, PickingStarted
from domain.errors import DomainError, IllegalTransition
from domain.orders import Order, OrderStatus
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.edit_stock import NotEnoughForEdit
from domain.usecases.editing import EditPolicy, edit_order
from domain.usecases.orders import cancel_my_order
from domain.usecases.picking import start_round
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

MANAGERS = (601, 602)
PICKER = 701
POLICY = EditPolicy(CheckoutPolicy(), window_minutes=30)


async def _shop(engine: AsyncEngine, clock: FakeClock) -> tuple[async_sessionmaker[AsyncSession], Order, int]:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 10)
        customer = await uow.customers.add(Customer(telegram_id=8_001, first_name="Ann", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id or 0, 1, clock.now())
        for manager in MANAGERS:
            await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.commit()
    order = await place_order(
        SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer.id or 0, shop.id)
    )
    return sessions, order, mug.id or 0


async def _edit(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, order: Order, mug: int, quantity: int, staff_id: int
) -> object:
    """Staff set the order's (version 0) mug line to ``quantity``."""
    changes = OrderChanges((LineChange(mug, quantity),))
    return await edit_order(
        SqlUnitOfWork(sessions), clock, POLICY, code=order.code, version=0, changes=changes, staff_id=staff_id
    )


async def _state(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int, list[int], int]:
    """(reserved counter, allocated rows, order line quantities, edit history rows)."""
    async with sessions() as s:
        reserved = sum((await s.scalars(select(m.StockRow.reserved))).all())
        rows = sum((await s.scalars(select(m.ReservationRow.quantity))).all())
        lines = list((await s.scalars(select(m.OrderLineRow.quantity))).all())
        edits = len(
            (await s.scalars(select(m.OrderHistoryRow.id).where(m.OrderHistoryRow.reason.like("edited%")))).all()
        )
    return reserved, rows, lines, edits


async def test_two_staff_editing_at_once_one_wins_and_the_other_is_told(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions, order, mug = await _shop(engine, clock)
    start = asyncio.Event()

    async def edit(staff_id: int, quantity: int) -> object:
        await start.wait()
        try:
            return await _edit(sessions, clock, order, mug, quantity, staff_id)
        except EditConflict as refused:
            return refused

    tasks = [asyncio.create_task(edit(MANAGERS[0], 3)), asyncio.create_task(edit(MANAGERS[1], 5))]
    start.set()
    outcomes = await asyncio.gather(*tasks)

    refused = [o for o in outcomes if isinstance(o, EditConflict)]
    assert len(refused) == 1
    winner = 3 if isinstance(outcomes[1], EditConflict) else 5
    assert await _state(sessions) == (winner, winner, [winner], 1)
    async with sessions() as s:
        assert await s.scalar(select(m.OrderRow.version)) == 1


async def test_an_edit_racing_a_picker_either_comes_first_or_is_refused(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions, order, mug = await _shop(engine, clock)
    start = asyncio.Event()

    async def edit() -> object:
        await start.wait()
        try:
            return await _edit(sessions, clock, order, mug, 4, MANAGERS[0])
        except PickingStarted as refused:
            return refused

    async def pick() -> object:
        await start.wait()
        return await start_round(SqlUnitOfWork(sessions), clock, staff_id=PICKER, method=PickMethod.SINGLE)

    tasks = [asyncio.create_task(edit()), asyncio.create_task(pick())]
    start.set()
    edited, _ = await asyncio.gather(*tasks)

    async with sessions() as s:
        to_pick = sum((await s.scalars(select(m.PickLineRow.quantity))).all())
        status = await s.scalar(select(m.OrderRow.status))
    assert status == OrderStatus.PICKING.value
    if isinstance(edited, PickingStarted):  # the picker was first: nothing of the edit stands
        assert (await _state(sessions), to_pick) == ((1, 1, [1], 0), 1)
    else:  # the edit was first: the picker picks the edited order
        assert (await _state(sessions), to_pick) == ((4, 4, [4], 1), 4)


async def test_an_edit_beyond_stock_changes_nothing(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions, order, mug = await _shop(engine, clock)
    with pytest.raises(NotEnoughForEdit):
        await _edit(sessions, clock, order, mug, 11, MANAGERS[0])
    assert await _state(sessions) == (1, 1, [1], 0)
    async with sessions() as s:
        assert await s.scalar(select(m.OrderRow.version)) == 0


async def test_an_edit_racing_the_customers_cancel_has_one_outcome(engine: AsyncEngine, clock: FakeClock) -> None:
    """Both lock the order row before stock rows, so PostgreSQL never picks one as a deadlock victim."""
    sessions, order, mug = await _shop(engine, clock)
    start = asyncio.Event()

    async def edit() -> object:
        await start.wait()
        try:
            return await _edit(sessions, clock, order, mug, 3, MANAGERS[0])
        except (NotEditable, EditConflict) as refused:
            return refused

    async def cancel() -> object:
        await start.wait()
        try:
            return await cancel_my_order(
                SqlUnitOfWork(sessions), clock, customer_id=order.customer_id, code=order.code, staff_chat_id=None
            )
        except IllegalTransition as refused:
            return refused

    tasks = [asyncio.create_task(edit()), asyncio.create_task(cancel())]
    start.set()
    edited, cancelled = await asyncio.gather(*tasks)

    async with sessions() as s:
        status = await s.scalar(select(m.OrderRow.status))
    assert status == OrderStatus.CANCELLED.value  # an edit leaves the order cancellable
    assert isinstance(cancelled, Order)
    edits = 0 if isinstance(edited, DomainError) else 1
    assert await _state(sessions) == (0, 0, [3] if edits else [1], edits)
