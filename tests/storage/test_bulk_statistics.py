"""PostgreSQL's statistics after a big import: current for the import's own later statements and the next."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from storage.db import session_factory
from storage.repositories.sql import ANALYZE_AFTER_ROWS, fetch
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ROWS = ANALYZE_AFTER_ROWS + 200
_ANALYSED = text(
    "SELECT relname, analyze_count FROM pg_stat_user_tables"
    " WHERE relname IN ('products', 'product_groups', 'product_prices', 'stock', 'bins', 'bin_stock')"
)
_COUNTED = text("SELECT reltuples FROM pg_class WHERE relname = 'products'")


def _products(first: int, count: int) -> str:
    rows = [f"P{i:06d},Item {i},Kitchen,{i % 90 + 1}.50,GBP" for i in range(first, first + count)]
    return "\n".join(["sku,name,category,price,currency", *rows]) + "\n"


def _stock(count: int) -> str:
    rows = [f"P{i:06d},LON,A-{i // 100:03d}-{i % 100:02d}-1,{i % 7 + 1}" for i in range(count)]
    return "\n".join(["sku,warehouse,bin,quantity", *rows]) + "\n"


async def _analysed(engine: AsyncEngine) -> dict[str, int]:
    """ANALYZE runs by the statement (autovacuum's are counted apart), per table."""
    async with engine.connect() as connection:
        return {name: count for name, count in (await connection.execute(_ANALYSED)).all()}


async def test_a_big_import_analyses_the_tables_it_grew_before_its_next_statements(pg_engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(pg_engine))
    clock = FakeClock(NOW)
    await import_warehouses(uow, "code,name\nLON,London\n")
    before = await _analysed(pg_engine)
    await import_products(uow, clock, _products(0, ROWS))
    await import_stock(uow, clock, _stock(ROWS))
    after = await _analysed(pg_engine)
    grown = ("products", "product_groups", "product_prices", "stock", "bins", "bin_stock")
    assert {name: after[name] - before[name] for name in grown} == dict.fromkeys(grown, 1)


async def test_statistics_count_the_transactions_own_rows_before_it_commits(pg_engine: AsyncEngine) -> None:
    """What lets the import's re-read by SKU, in the same transaction, use the index."""
    uow = SqlUnitOfWork(session_factory(pg_engine))
    await import_products(uow, FakeClock(NOW), "sku,name,category,price,currency\nP000000,Mug,Kitchen,1,GBP\n")
    async with uow:
        (stored,) = await uow.products.get_many(list((await uow.products.ids_by_sku(["P000000"])).values()))
        await uow.products.upsert_many([replace(stored, id=None, sku=f"P{i:06d}", parent="") for i in range(1, ROWS)])
        assert (await fetch(uow.session, _COUNTED))[0][0] == ROWS
        await uow.rollback()


async def test_a_file_small_against_the_table_leaves_its_statistics_to_autovacuum(pg_engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(pg_engine))
    clock = FakeClock(NOW)
    await import_products(uow, clock, _products(0, 6 * ANALYZE_AFTER_ROWS))
    before = await _analysed(pg_engine)
    await import_products(uow, clock, _products(6 * ANALYZE_AFTER_ROWS, ANALYZE_AFTER_ROWS))  # 1/6 more
    await import_products(uow, clock, _products(0, 10))
    assert (await _analysed(pg_engine))["products"] == before["products"]
