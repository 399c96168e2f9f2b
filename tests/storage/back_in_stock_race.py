"""Set-ups and readers of test_back_in_stock_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

STAFF = (701, 702)


WAITING = (801, 802, 803)


async def _sold_out(engine: AsyncEngine, clock: FakeClock) -> tuple[int, list[int]]:
    """A mug sold out in both warehouses, its customers not yet asking."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        product = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(900, "EUR")}))
        for code in ("W1", "W2"):
            await uow.warehouses.upsert(Warehouse(code, code))
        for staff_id in STAFF:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER))
        customers = [
            (await uow.customers.add(Customer(telegram_id=t, first_name="C", created_at=clock.now()))).id or 0
            for t in WAITING
        ]
        await uow.commit()
    return product.id or 0, customers
