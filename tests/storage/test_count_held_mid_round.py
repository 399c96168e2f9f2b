"""An order a /count holds while another warehouse's round is sent for its other item, on SQLite and PostgreSQL: the
picker finishes the line (those units are still the order's) and the round's end sends the tote to the hold shelf,
not to packing, as for an order a manager held; the counters agree with the reservations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import OrderStatus
from domain.picking import PickMethod
from domain.usecases.bin_counts import count_item, record_count
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.picking import confirm_pick, start_round
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import a_depot_with, mugs_at_a_pickup_shop, pickup_cash_on_delivery

COUNTER, DEPOT_PICKER = 871, 872


async def test_a_count_held_orders_line_in_another_warehouses_round_is_picked_to_the_hold_shelf(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 1)
        cup = await uow.products.upsert(Product("CUP", "Cup", "C", {"EUR": Money(500, "EUR")}))
        depot = await a_depot_with(uow, clock, cup, 1)
        await uow.staff.put(StaffMember(telegram_id=COUNTER, role=Role.MANAGER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=DEPOT_PICKER, role=Role.PICKER, warehouse_code="W2"))
        dee = await uow.customers.add(Customer(telegram_id=9_071, first_name="Dee", created_at=clock.now()))
        await uow.carts.set(dee.id or 0, mug.id or 0, 1, clock.now())
        await uow.carts.set(dee.id or 0, cup.id or 0, 1, clock.now())
        await uow.commit()
    request = pickup_cash_on_delivery(dee.id or 0, shop.id)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=DEPOT_PICKER, method=PickMethod.SINGLE)  # the cup
    sku, shelf = await count_item(
        SqlUnitOfWork(sessions), staff_id=COUNTER, warehouse_id=shop.id or 0, bin_code="A-01-01-1", code="MUG"
    )
    result = await record_count(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=COUNTER,
        warehouse_id=shop.id or 0,
        bin_code="A-01-01-1",
        counted={sku: (0, shelf)},  # the mug is gone, and nowhere else has one: the order is held
        started=clock.now(),
    )
    assert [(o.code, o.units, o.moved_to) for o in result.orders] == [(order.code, 1, "")]
    done = await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=DEPOT_PICKER, scanned="CUP")
    assert done.done and done.set_aside == {order.id}  # ⛔ to the hold shelf, not packing
    assert done.orders[order.id or 0].status is OrderStatus.ON_HOLD
    async with sessions() as session:
        held = (
            await session.execute(
                select(m.ReservationRow.product_id, m.ReservationRow.warehouse_id, m.ReservationRow.quantity)
            )
        ).all()
        waiting = (await session.execute(select(m.BackorderRow.product_id, m.BackorderRow.quantity))).all()
    assert [tuple(r) for r in held] == [(cup.id, depot.id, 1)]  # the cup in the tote, still the order's
    assert [tuple(w) for w in waiting] == [(mug.id, 1)]
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
