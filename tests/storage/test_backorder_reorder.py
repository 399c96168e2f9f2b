"""The reorder scan on real SQLite and PostgreSQL counts what customers wait for: units owed
to backorders are bought even for a product never stocked and without a reorder point."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BACKORDER_FLAG, Backorder
from domain.catalog import Product, ProductStatus
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.purchasing import Supplier, SupplyTerms
from domain.usecases.reorder_scan import reorder_scan
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def _waiting_shop(engine: AsyncEngine, clock: FakeClock, waiting: list[int]) -> None:
    """Two products bought from one supplier in packs of 6, no stock, no reorder points;
    customers wait for ``waiting`` units of LAMP, nobody waits for MUG."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        lamp = await uow.products.upsert(Product("LAMP", "Lamp", "C", {"EUR": Money(900, "EUR")}))
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(500, "EUR")}))
        main = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        await uow.purchasing.upsert_suppliers([Supplier("LIGHT", "Light Ltd")])
        [supplier] = await uow.purchasing.suppliers()
        assert lamp.id and mug.id and main.id and supplier.id
        await uow.purchasing.set_terms(
            [SupplyTerms(p, main.id, supplier.id, 6, 0, Money(300, "EUR")) for p in (lamp.id, mug.id)]
        )
        for i, quantity in enumerate(waiting):
            who = Customer(telegram_id=700 + i, first_name=f"C{i}", created_at=clock.now())
            customer = await uow.customers.add(who)
            line = OrderLine(lamp.id, "LAMP", "Lamp", quantity, Money(900, "EUR"))
            order = Order.place(
                code=f"BCDFGH{'23456789'[i]}K", customer_id=customer.id or 0, currency="EUR", lines=[line],
                now=clock.now(), actor="test",
            )  # fmt: skip
            order.flags = frozenset({BACKORDER_FLAG})
            await uow.orders.add(order)
            await uow.backorders.add(Backorder(order.id or 0, lamp.id, customer.id or 0, quantity, clock.now()))
        await uow.commit()


async def test_a_reorder_scan_buys_the_units_customers_wait_for_once(engine: AsyncEngine, clock: FakeClock) -> None:
    await _waiting_shop(engine, clock, [4, 3])
    uow = SqlUnitOfWork(session_factory(engine))
    drafted = await reorder_scan(uow, clock, staff_chat_id=None)
    assert [(line.sku, line.quantity) for po in drafted for line in po.lines] == [("LAMP", 12)]  # 7 owed, packs of 6
    assert await reorder_scan(uow, clock, staff_chat_id=None) == []  # the draft brings what is owed now


async def test_a_discontinued_product_is_bought_only_for_what_its_customers_still_wait_for(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _waiting_shop(engine, clock, [4, 3])
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        lamp, mug = (await uow.products.get_by_sku("LAMP")), (await uow.products.get_by_sku("MUG"))
        [main] = await uow.warehouses.all()
        assert lamp and mug and lamp.id and mug.id and main.id
        for product in (lamp, mug):
            await uow.inventory.set_reorder(product.id or 0, main.id, 5, 10)  # both low: no stock at all
            product.status = ProductStatus.DISCONTINUED
            await uow.products.upsert(product)
        await uow.commit()
    drafted = await reorder_scan(uow, clock, staff_chat_id=None)
    # LAMP: the 7 owed (packs of 6), not up to 10; MUG, owed nothing: not bought again
    assert [(line.sku, line.quantity) for po in drafted for line in po.lines] == [("LAMP", 12)]
