"""PostgreSQL: a customer's search for a text of three or more characters reads names by trigram index, not whole."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import SystemClock
from domain.usecases.imports.products import import_products
from storage.db import create_engine, session_factory
from storage.migrate import script_heads, upgrade_to_head
from storage.uow import SqlUnitOfWork
from tests.conftest import PG_ADMIN_URL, _pg_admin

pytestmark = pytest.mark.postgres

PRODUCTS = "sku,name,name_ru,category,price,currency\n" + "".join(
    f"P{i},Product {i} {'Ceramic mug' if i % 50 == 0 else 'Bath towel'},Ёлка {i},Decor,3.00,GBP\n" for i in range(3000)
)


async def _searched_sql(engine: AsyncEngine, needle: str) -> dict[str, tuple[Any, ...]]:
    """The statements a search sends PostgreSQL, with their parameters."""
    captured: dict[str, tuple[Any, ...]] = {}

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "LIKE" in statement:
            captured.setdefault(statement, tuple(parameters or ()))

    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with uow.read_only():
            products, total = await uow.products.search(needle, 0, 10)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert total == 60 and all("mug" in p.name for p in products)  # what it finds is what it found before
    return captured


async def test_a_search_of_three_or_more_characters_reads_product_names_and_translations_by_trigram_index(
    pg_engine: AsyncEngine,
) -> None:
    await import_products(SqlUnitOfWork(session_factory(pg_engine, base_currency="GBP")), SystemClock(), PRODUCTS)
    statements = await _searched_sql(pg_engine, "ceramic")
    async with pg_engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.execute(text("SET enable_seqscan = off"))  # a plan that still scans has no index to use
        raw = await connection.get_raw_connection()
        plans = ["\n".join(r[0] for r in await raw.driver_connection.fetch(f"EXPLAIN {s}", *p))  # type: ignore[union-attr]
                 for s, p in statements.items()]  # fmt: skip
    assert plans and all(
        "ix_products_name_trgm" in plan and "ix_product_translations_name_trgm" in plan for plan in plans
    ), "\n\n".join(plans)
    assert not any("Seq Scan on product" in plan for plan in plans), "\n\n".join(plans)


async def test_a_database_whose_role_may_not_create_pg_trgm_still_upgrades_with_a_warning_and_its_search_unindexed(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A managed PostgreSQL's shop role: tables in its schema, no CREATE on the database (which
    pg_trgm, a trusted extension, needs)."""
    name = f"ordergram_test_{secrets.token_hex(4)}"
    await _pg_admin(f'CREATE DATABASE "{name}"')  # beside the migrated one: this one's role is another
    admin = make_url(PG_ADMIN_URL).set(database=name)
    await _pg_admin(f'CREATE ROLE "{name}" LOGIN')
    engine = create_engine(admin.render_as_string(hide_password=False))
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'GRANT ALL ON SCHEMA public TO "{name}"'))
        shop = create_engine(admin.set(username=name, password=None).render_as_string(hide_password=False))
        with caplog.at_level(logging.WARNING):
            await upgrade_to_head(shop)
        await shop.dispose()
        async with engine.connect() as connection:
            indexes = await connection.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm'"))
            assert indexes.all() == []
            head = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        assert head == max(script_heads())
        assert "pg_trgm could not be created" in caplog.text
    finally:
        await engine.dispose()
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _pg_admin(f'DROP ROLE IF EXISTS "{name}"')
