"""Variants in the database: the last units of one variant under a rush; a parent for every migrated product."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.errors import InsufficientStock
from domain.money import Money
from domain.usecases.cart import add_to_cart
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import create_engine, session_factory
from storage.migrate import alembic_config, upgrade_to_head
from storage.uow import SqlUnitOfWork
from tests.conftest import PG_ADMIN_URL, REQUIRE_PG, _pg_admin
from tests.fakes import FakeClock

BUYERS = 50
LAST_UNITS = 5
SIBLING_UNITS = 100


def _tee(sku: str, size: str) -> Product:
    return Product(
        sku, "Tee", "Clothes", {"EUR": Money(1500, "EUR")}, parent="TEE", option_names=("Size",), options=(size,)
    )


async def test_fifty_buyers_for_the_last_five_of_a_variant_leave_its_sibling_alone(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        small, medium = _tee("TEE-S", "S"), _tee("TEE-M", "M")
        await uow.products.upsert_many([small, medium])
        warehouse = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        for product, units in ((small, LAST_UNITS), (medium, SIBLING_UNITS)):
            await uow.stock.set_bin_quantity(
                product.id or 0, warehouse.id or 0, "A-01-01-1", units, "count", "test", clock.now()
            )
        customers = [
            await uow.customers.add(Customer(telegram_id=i + 1, first_name=f"C{i}", created_at=clock.now()))
            for i in range(BUYERS)
        ]
        await uow.commit()
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def buyer(customer_id: int) -> bool:
        await start.wait()
        try:
            await add_to_cart(
                SqlUnitOfWork(sessions),
                clock,
                customer_id=customer_id,
                product_id=small.id or 0,
                quantity=1,
                hold_minutes=30,
            )
        except InsufficientStock:
            return False
        return True

    tasks = [asyncio.create_task(buyer(c.id or 0)) for c in customers]
    start.set()
    results = await asyncio.gather(*tasks)
    assert sum(results) == LAST_UNITS
    async with sessions() as session:
        stock = {
            pid: (on_hand, reserved)
            for pid, on_hand, reserved in await session.execute(
                select(m.StockRow.product_id, m.StockRow.on_hand, m.StockRow.reserved)
            )
        }
        holds = list(await session.execute(select(m.ReservationRow.product_id, m.ReservationRow.quantity)))
    assert stock == {small.id: (LAST_UNITS, LAST_UNITS), medium.id: (SIBLING_UNITS, 0)}
    assert sorted(holds) == [(small.id, 1)] * LAST_UNITS


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def unmigrated(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[AsyncEngine]:
    """An empty database of its own, not migrated at all."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        await engine.dispose()
        return
    name = f"ordergram_test_{secrets.token_hex(4)}"
    try:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    engine = create_engine(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    yield engine
    await engine.dispose()
    await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_the_migration_gives_every_existing_product_a_parent_coded_as_its_sku(unmigrated: AsyncEngine) -> None:
    config = alembic_config(unmigrated.url.render_as_string(hide_password=False))

    def to_0016(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "0016")

    async with unmigrated.connect() as connection:
        await connection.run_sync(to_0016)
        await connection.execute(text("INSERT INTO categories (name) VALUES ('Kitchen')"))
        await connection.execute(
            text(
                "INSERT INTO products (sku, name, description, category_id, weight_g, active) VALUES "
                "('MUG-1', 'Mug', '', 1, 300, true), ('MUG-2', 'Big mug', '', 1, 400, true)"
            )
        )
        await connection.execute(
            text("INSERT INTO product_prices (product_id, currency, amount_minor) VALUES (1, 'EUR', 450)")
        )
        await connection.execute(
            text("INSERT INTO warehouses (code, name, address, is_pickup_point) VALUES ('W1', 'Main', '', false)")
        )
        await connection.execute(
            text("INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES (1, 1, 7, 0)")
        )
        await connection.commit()
    await upgrade_to_head(unmigrated)
    uow = SqlUnitOfWork(session_factory(unmigrated))
    async with uow:
        mug = await uow.products.get_by_sku("MUG-1")
        assert [(p.sku, p.parent_code, p.options) for p in await uow.products.variants("MUG-2")] == [
            ("MUG-2", "MUG-2", ())
        ]
        await uow.products.upsert(Product("NEW-1", "New", "Kitchen", {"EUR": Money(100, "EUR")}))  # ids go on
        await uow.commit()
    assert mug is not None and (mug.parent, mug.prices) == ("", {"EUR": Money(450, "EUR")})
    async with session_factory(unmigrated)() as session:
        codes = list(await session.execute(select(m.ProductGroupRow.code).order_by(m.ProductGroupRow.id)))
        stock = list(await session.execute(select(m.StockRow.product_id, m.StockRow.on_hand)))
        enforced = await session.scalar(text("PRAGMA foreign_keys")) if unmigrated.dialect.name == "sqlite" else 1
    assert [c for (c,) in codes] == ["MUG-1", "MUG-2", "NEW-1"]
    assert stock == [(1, 7)] and enforced == 1  # rows referring to products survive the rebuild


async def test_a_product_moved_under_a_parent_is_among_its_cached_variants_at_once(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        await uow.products.upsert_many([_tee("TEE-S", "S"), _tee("TEE-M", "M"), Product("TEE-L", "Tee L", "Clothes")])
        await uow.commit()
    async with uow.read_only():  # the catalog snapshot, with its lists of variants, is loaded
        assert [v.sku for v in await uow.products.variants("TEE")] == ["TEE-S", "TEE-M"]
    async with uow:
        await uow.products.upsert(_tee("TEE-L", "L"))  # written by id: an existing row changes parent
        await uow.commit()
    async with uow.read_only():
        assert [v.sku for v in await uow.products.variants("TEE")] == ["TEE-S", "TEE-M", "TEE-L"]
        assert await uow.products.variants("TEE-L") == []
