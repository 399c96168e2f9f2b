"""Set-ups and readers of test_backorder_fill that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BackorderTerms
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def _shop(engine: AsyncEngine, clock: FakeClock, on_hand: int, terms: str = "on") -> tuple[int, int]:
    """One product (SKU ``P``) with ``on_hand`` units at pickup point W1, taking backorders."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("P", "Lamp", "C", {"EUR": Money(1000, "EUR")}))
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        assert product.id and shop.id
        if on_hand:
            await uow.stock.set_bin_quantity(product.id, shop.id, "A-01-01-1", on_hand, "count", "t", clock.now())
        limit = int(terms.split()[1]) if len(terms.split()) > 1 else None
        await uow.backorders.set_terms(product.id, BackorderTerms(product.id, True, limit))
        await uow.commit()
    return product.id, shop.id


async def _customers(engine: AsyncEngine, clock: FakeClock, quantities: list[int]) -> list[int]:
    """Customers, a minute apart, each with ``quantity`` of P in the cart."""
    uow = SqlUnitOfWork(session_factory(engine))
    ids = []
    async with uow:
        product = await uow.products.get_by_sku("P")
        assert product and product.id
        for i, quantity in enumerate(quantities):
            customer = await uow.customers.add(
                Customer(telegram_id=500 + i, first_name=f"C{i}", created_at=clock.now())
            )
            await uow.carts.set(customer.id or 0, product.id, quantity, clock.now())
            ids.append(customer.id or 0)
        await uow.commit()
    return ids


async def _parts(engine: AsyncEngine) -> list[tuple[int, str, int, int]]:
    """Each waiting part, in the order they were placed: (customer, status, waiting, filled)."""
    b = m.BackorderRow
    async with session_factory(engine)() as session:
        rows = await session.execute(select(b.customer_id, b.status, b.quantity, b.filled).order_by(b.id))
    return [tuple(r) for r in rows]  # type: ignore[misc]
