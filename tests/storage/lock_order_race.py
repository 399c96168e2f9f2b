"""Set-ups and readers of test_lock_order_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.purchasing import Supplier, SupplyTerms
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

MANAGER = 801


CUSTOMER = 9001


async def _mugs_in_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> tuple[int, int]:
    """W1 (far, 3 mugs at €4 a unit) made before W2 (the pickup shop, 2 mugs at €5): W2 has the
    higher id but is nearer, so a checkout of 4 there reserves at W2 first, then W1. A customer
    with 4 mugs in the cart, and a manager. Returns (customer id, W2's id)."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}))
        far = await uow.warehouses.upsert(Warehouse("W1", "Far", latitude=60.0, longitude=30.0))
        shop = await uow.warehouses.upsert(Warehouse("W2", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        assert mug.id is not None and far.id is not None and shop.id is not None and far.id < shop.id
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0].id or 0
        await uow.purchasing.set_terms(
            [
                SupplyTerms(mug.id, far.id, supplier, 1, 1, Money(400, "EUR")),
                SupplyTerms(mug.id, shop.id, supplier, 1, 1, Money(500, "EUR")),
            ]
        )
        for warehouse, units in ((far, 3), (shop, 2)):
            await uow.stock.set_bin_quantity(mug.id, warehouse.id or 0, "A-01-01-1", units, "count", "t", clock.now())
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        customer = await uow.customers.add(Customer(telegram_id=CUSTOMER, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id, 4, clock.now())
        await uow.commit()
    return customer.id or 0, shop.id


async def counters(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Each warehouse's code: its (on hand, reserved) of the one product stocked."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.StockRow.on_hand, m.StockRow.reserved)
            .join(m.StockRow, m.StockRow.warehouse_id == m.WarehouseRow.id)
            .order_by(m.WarehouseRow.code)
        )
        return {code: (on_hand, reserved) for code, on_hand, reserved in rows}
