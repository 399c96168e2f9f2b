"""An order whose one item is allocated in two warehouses, picked in each, on SQLite and PostgreSQL: a warehouse
that picked its part plans no second round for it, and the order is ready to pack only when both parts are in hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.picking import NothingToPick, confirm_pick, start_round
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.requests import a_depot_with, mugs_at_a_pickup_shop, pickup_cash_on_delivery

SHOP_PICKER, DEPOT_PICKER = 861, 862


async def _three_mugs_from_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> int:
    """Cy's order of 3 mugs: W1 (the pickup shop) gives 2, W2 the third. Returns the order's id."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        await a_depot_with(uow, clock, mug, 1)
        await uow.staff.put(StaffMember(telegram_id=SHOP_PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=DEPOT_PICKER, role=Role.PICKER, warehouse_code="W2"))
        cy = await uow.customers.add(Customer(telegram_id=9_061, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(cy.id or 0, mug.id or 0, 3, clock.now())
        await uow.commit()
    order = await place_order(
        SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(cy.id or 0, shop.id)
    )
    assert await counters(engine) == {"W1": (2, 2), "W2": (1, 1)}
    return order.id or 0


async def _status(engine: AsyncEngine, order_id: int) -> str:
    async with session_factory(engine)() as session:
        return str(await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order_id)))


async def _planned(engine: AsyncEngine) -> list[tuple[str, int, int]]:
    """(warehouse, units planned, units picked) of each pick line, in the order planned."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.PickLineRow.quantity, m.PickLineRow.picked)
            .join(m.PickListRow, m.PickListRow.id == m.PickLineRow.pick_list_id)
            .join(m.WarehouseRow, m.WarehouseRow.id == m.PickListRow.warehouse_id)
            .order_by(m.PickLineRow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("first", ["W1", "W2"])
async def test_a_warehouse_that_picked_its_part_of_a_split_item_plans_no_second_round_for_it(
    engine: AsyncEngine, clock: FakeClock, first: str
) -> None:
    order_id = await _three_mugs_from_two_warehouses(engine, clock)
    sessions = session_factory(engine)
    pickers = {"W1": (SHOP_PICKER, 2), "W2": (DEPOT_PICKER, 1)}
    picker, units = pickers[first]
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
    await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=picker, scanned="MUG", quantity=units)
    assert await _status(engine, order_id) == "picking"  # the other warehouse's part is not in hand yet
    with pytest.raises(NothingToPick):  # its part is in a tote: nothing more to pick here
        await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
    other, rest = pickers["W2" if first == "W1" else "W1"]
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=other, method=PickMethod.SINGLE)
    await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=other, scanned="MUG", quantity=rest)
    assert await _status(engine, order_id) == "picked"
    second = "W2" if first == "W1" else "W1"
    assert await _planned(engine) == [(first, units, units), (second, rest, rest)]
    assert await counters(engine) == {"W1": (2, 2), "W2": (1, 1)}  # in totes, held until the parcel leaves
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
