"""Each contract runs against the in-memory fake and against SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.ports import UnitOfWork
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_database
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """ "fake", or the database URL (a sync fixture: the PostgreSQL one runs its own loop)."""
    if request.param == "fake":
        return "fake"
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'contract.sqlite3'}"
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
async def uow(backend: str) -> AsyncIterator[UnitOfWork]:
    if backend == "fake":
        yield FakeUnitOfWork()
        return
    engine = await empty_database(backend)
    yield SqlUnitOfWork(session_factory(engine))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """For a contract no fake implements: SQLite's or PostgreSQL's URL (a sync fixture: the
    PostgreSQL one runs its own loop)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'contract.sqlite3'}"
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
async def sql(sql_url: str) -> AsyncIterator[UnitOfWork]:
    """SQL's unit of work alone, the same contract on both engines."""
    engine = await empty_database(sql_url)
    yield SqlUnitOfWork(session_factory(engine))
    await engine.dispose()


async def a_customer(uow: UnitOfWork, telegram_id: int = 1001) -> int:
    """A committed customer's id (holds, carts and orders belong to one)."""
    async with uow:
        customer = await uow.customers.add(Customer(telegram_id=telegram_id, first_name="Ann", created_at=NOW))
        await uow.commit()
    assert customer.id is not None
    return customer.id


async def a_product(uow: UnitOfWork, sku: str = "MUG-1", category: str = "Kitchen") -> int:
    async with uow:
        product = await uow.products.upsert(Product(sku, f"Mug {sku}", category, {"EUR": Money(500, "EUR")}))
        await uow.commit()
    assert product.id is not None
    return product.id


async def a_warehouse(uow: UnitOfWork, code: str = "LON") -> int:
    async with uow:
        warehouse = await uow.warehouses.upsert(Warehouse(code, f"{code} depot"))
        await uow.commit()
    assert warehouse.id is not None
    return warehouse.id
