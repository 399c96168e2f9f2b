"""The read cache's rules: read-only work cannot write, cached values cannot be changed by
those they are handed to, and every table a cached read reads invalidates what it feeds."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.imports import import_products, import_stock, import_warehouses
from storage import models as m
from storage.db import WriteInReadOnlyWork, session_factory
from storage.repositories.sql import run
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

PRODUCTS = (
    "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
    "A1,Mug,Kitchen,4.50,GBP,,300,,,,A mug\n"
)
WAREHOUSES = "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n"


async def _shop(engine: AsyncEngine) -> SqlUnitOfWork:
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    await import_warehouses(uow, WAREHOUSES)
    await import_products(uow, PRODUCTS)
    await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
    return uow


async def _names(uow: SqlUnitOfWork) -> list[str]:
    async with uow._sessions() as session:
        return list(await session.scalars(select(m.ProductRow.name)))


async def test_a_core_write_inside_read_only_work_raises_and_writes_nothing(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            assert await uow.products.get_by_sku("A1") is not None
            await run(uow.session, update(m.ProductRow.__table__).values(name="Changed"))
            await uow.commit()
    assert await _names(uow) == ["Mug"]


async def test_an_orm_write_inside_read_only_work_raises_at_the_flush_and_writes_nothing(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            uow.session.add(m.CategoryRow(name="Garden"))
            await uow.commit()
    async with uow._sessions() as session:
        assert list(await session.scalars(select(m.CategoryRow.name))) == ["Kitchen"]


async def test_a_repository_write_inside_read_only_work_raises(engine: AsyncEngine) -> None:
    uow = await _shop(engine)
    with pytest.raises(WriteInReadOnlyWork):
        async with uow.read_only():
            await uow.stock.try_reserve(1, 1, 1)
    async with uow:  # the same unit writes as usual once it is not read-only
        assert await uow.stock.try_reserve(1, 1, 1)
        await uow.commit()
    async with uow._sessions() as session:
        assert await session.scalar(select(m.StockRow.reserved)) == 1


async def test_postgresql_refuses_even_a_raw_sql_write_inside_read_only_work(engine: AsyncEngine) -> None:
    """The statement check above sees INSERT, UPDATE and DELETE built with SQLAlchemy;
    PostgreSQL's READ ONLY transaction refuses the rest (SQLite has no such mode)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's read-only transactions")
    uow = await _shop(engine)
    with pytest.raises(DBAPIError, match="read-only transaction"):
        async with uow.read_only():
            await uow.session.execute(text("UPDATE products SET name = 'Changed'"))
    assert await _names(uow) == ["Mug"]
