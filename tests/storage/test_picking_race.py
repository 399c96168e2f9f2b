"""Two pickers starting a round at the same instant, on SQLite and PostgreSQL: each gets
orders of their own, none is picked twice, and neither gets an error."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.picking import start_round
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery

ORDERS = 4
PICKERS = (501, 502, 503)


async def test_pickers_starting_together_never_share_an_order(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(1000, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 50, "count", "t", clock.now())
        customers = []
        for i in range(ORDERS):
            customer = await uow.customers.add(
                Customer(telegram_id=9_000 + i, first_name=f"C{i}", created_at=clock.now())
            )
            await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        for picker in PICKERS:
            await uow.staff.put(StaffMember(telegram_id=picker, role=Role.PICKER, warehouse_code="W1"))
        await uow.commit()
    for customer_id in customers:
        request = pickup_cash_on_delivery(customer_id, shop.id)
        await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)

    start = asyncio.Event()

    async def pick(staff_id: int) -> set[int]:
        await start.wait()
        found = await start_round(SqlUnitOfWork(sessions), clock, staff_id=staff_id, method=PickMethod.SINGLE)
        return set(found.orders)

    tasks = [asyncio.create_task(pick(staff_id)) for staff_id in PICKERS]
    start.set()
    rounds = await asyncio.gather(*tasks)

    assert all(len(r) == 1 for r in rounds)  # a single-order round each, and no error
    assert len(set().union(*rounds)) == len(PICKERS)  # three different orders
    async with sessions() as session:
        statuses = dict(
            (await session.execute(select(m.OrderRow.status, func.count()).group_by(m.OrderRow.status))).all()
        )
        lists = await session.scalar(select(func.count()).select_from(m.PickListRow))
    assert statuses == {"picking": len(PICKERS), "allocated": ORDERS - len(PICKERS)}
    assert lists == len(PICKERS)
