"""A small shop for the stock feed's storage tests: eight products in two warehouses, a key that reads stock."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.apikeys import ApiKey, Scope
from domain.ports import SystemClock
from domain.stock import StockLevel
from domain.usecases.api_keys import create_api_key
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.intake_stock import FeedPoint, StockChanges, api_stock_changes
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

SKUS = [f"F-{n:02d}" for n in range(8)]
Levels = dict[str, list[tuple[str, int, int]]]  # SKU -> (warehouse, on hand, reserved) each


async def feed_shop(engine: AsyncEngine) -> tuple[SqlUnitOfWork, ApiKey, dict[str, int]]:
    """Eight products with 50 on hand in London and Manchester each, and a key that reads stock."""
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    clock = SystemClock()
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    rows = "".join(f"{sku},Product {sku},Feed,2.50,GBP\n" for sku in SKUS)
    await import_products(uow, clock, "sku,name,category,price,currency\n" + rows)
    counts = "".join(f"{sku},{w},A-01-01-1,50\n" for sku in SKUS for w in ("LON", "MAN"))
    await import_stock(uow, clock, "sku,warehouse,bin,quantity\n" + counts)
    _, key = await create_api_key(uow, clock, name="web shop", scopes=frozenset({Scope.STOCK_READ}))
    async with engine.connect() as connection:
        found = (await connection.execute(select(m.ProductRow.sku, m.ProductRow.id))).all()
    ids = {sku: product_id for sku, product_id in found}
    return uow, key, ids


def seen_levels(stock: list[tuple[str, list[tuple[str, StockLevel]]]]) -> Levels:
    return {sku: [(w, lv.on_hand, lv.reserved) for w, lv in levels] for sku, levels in stock}


async def read_feed(uow: SqlUnitOfWork, key: ApiKey, point: FeedPoint, limit: int = 100) -> tuple[Levels, FeedPoint]:
    """Every page of one read of the feed, as a client follows it; the point to ask from next."""
    seen: Levels = {}
    while True:
        page: StockChanges = await api_stock_changes(uow, key=key, point=point, limit=limit)
        seen |= seen_levels(page.stock)
        point = page.point
        if not page.more:
            return seen, point


async def hold(uow: SqlUnitOfWork, product_id: int, quantity: int) -> None:
    async with uow:
        assert await uow.stock.try_reserve(product_id, 1, quantity) or await uow.stock.try_reserve(product_id, 2, 1)
        await uow.commit()
