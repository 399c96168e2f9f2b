"""``ordergram copy``: a SQLite shop moved whole into PostgreSQL, as README's Deployment says."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from storage.db import create_engine
from storage.models import Base
from tests.cli import Result
from tests.conftest import empty_database
from tests.storage.seeding import load_seeder

pytestmark = pytest.mark.postgres


async def _every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table; change_seq, available_seq and status_seq aside: each engine numbers changes its own
    way (PostgreSQL: the writing transaction's id), and the copy's are the copying transaction's (or none)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in await connection.execute(
                        select(
                            *(c for c in table.columns if c.name not in ("change_seq", "available_seq", "status_seq"))
                        ).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


async def _sqlite_shop(path: Path) -> str:
    """A year of a small shop: orders, variants, price lists, returns, the journal."""
    url = f"sqlite+aiosqlite:///{path}"
    await load_seeder().seed(url, scale=0.001, seed=7, end=date(2026, 12, 1), data=None)
    engine = create_engine(url)
    async with engine.begin() as connection:  # a price list the seeder leaves out
        await connection.execute(
            text("INSERT INTO product_prices (product_id, currency, amount_minor) SELECT id, 'USD', 1999 FROM products")
        )
    await engine.dispose()
    return url


async def _empty_target(url: str) -> None:
    await (await empty_database(url)).dispose()


async def _next_order_id(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            largest = (await connection.execute(select(func.max(Base.metadata.tables["orders"].c.id)))).scalar_one()
            following = (
                await connection.execute(text("SELECT nextval(pg_get_serial_sequence('orders', 'id'))"))
            ).scalar_one()
            return int(largest), int(following)
    finally:
        await engine.dispose()


def test_copy_moves_every_row_of_a_sqlite_shop_into_postgresql(pg_database: str, tmp_path: Path, ordergram) -> None:
    source = asyncio.run(_sqlite_shop(tmp_path / "shop.sqlite3"))
    asyncio.run(_empty_target(pg_database))

    result: Result = ordergram("copy", str(tmp_path / "shop.sqlite3"), env={"DATABASE_URL": pg_database})

    assert result.returncode == 0, result.stderr
    assert "1,000 orders" in result.stdout
    before, after = asyncio.run(_every_row(source)), asyncio.run(_every_row(pg_database))
    for table in ("orders", "order_lines", "product_groups", "product_prices", "journal_entries", "journal_lines"):
        assert before[table], f"the seeded shop has no {table}: the test proves nothing about them"
    assert after == before
    largest, following = asyncio.run(_next_order_id(pg_database))
    assert following == largest + 1  # the next order gets a new id, not a copied one's


async def _identity(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return str((await connection.execute(text("SELECT value FROM database_identity"))).scalar_one())
    finally:
        await engine.dispose()


def test_the_copy_keeps_a_name_of_its_own_so_the_sources_stock_feed_tokens_are_refused_there(
    pg_database: str, tmp_path: Path, ordergram
) -> None:
    source = asyncio.run(_sqlite_shop(tmp_path / "shop.sqlite3"))
    asyncio.run(_empty_target(pg_database))
    named = asyncio.run(_identity(source)), asyncio.run(_identity(pg_database))

    assert ordergram("copy", str(tmp_path / "shop.sqlite3"), env={"DATABASE_URL": pg_database}).returncode == 0

    assert (asyncio.run(_identity(source)), asyncio.run(_identity(pg_database))) == named
    assert named[0] != named[1] and all(len(name) == 32 for name in named)


def test_copy_refuses_a_target_that_already_holds_a_shop_and_changes_nothing(
    pg_database: str, tmp_path: Path, ordergram
) -> None:
    asyncio.run(_sqlite_shop(tmp_path / "shop.sqlite3"))
    asyncio.run(_empty_target(pg_database))
    assert ordergram("copy", str(tmp_path / "shop.sqlite3"), env={"DATABASE_URL": pg_database}).returncode == 0
    copied = asyncio.run(_every_row(pg_database))

    again: Result = ordergram("copy", str(tmp_path / "shop.sqlite3"), env={"DATABASE_URL": pg_database})

    assert again.returncode == 2
    assert "already holds a shop" in again.stderr and "new, empty database" in again.stderr
    assert asyncio.run(_every_row(pg_database)) == copied


def test_copy_from_a_missing_file_says_so_and_creates_none(pg_database: str, tmp_path: Path, ordergram) -> None:
    asyncio.run(_empty_target(pg_database))

    result: Result = ordergram("copy", str(tmp_path / "typo.sqlite3"), env={"DATABASE_URL": pg_database})

    assert result.returncode == 2
    assert "there is no database at" in result.stderr
    assert not (tmp_path / "typo.sqlite3").exists()
