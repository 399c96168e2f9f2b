"""Two reorder files naming the same products in opposite orders, imported at once, on SQLite and
PostgreSQL: both import (one after the other, never a deadlock), the file imported last wins every
row, and the books value the stock at the costs that won."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.catalog import Product
from domain.money import Money
from domain.purchasing import Supplier
from domain.usecases.imports.purchasing import import_reorder
from domain.usecases.imports.report import ImportReport
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import at_once, worst_interleaving

HEADER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"
FORWARD = HEADER + "A,W1,10,20,ACME,1,1,1.00,EUR\nB,W1,10,20,ACME,1,1,1.00,EUR\nC,W1,10,20,ACME,1,1,1.00,EUR\n"
BACKWARD = HEADER + "C,W1,30,40,ACME,1,1,2.00,EUR\nB,W1,30,40,ACME,1,1,2.00,EUR\nA,W1,30,40,ACME,1,1,2.00,EUR\n"


async def _three_products(engine: AsyncEngine, clock: FakeClock) -> None:
    """A, B and C at W1, 5 of each in a bin, no supply terms yet; supplier ACME."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        w1 = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        for sku in "ABC":
            product = await uow.products.upsert(Product(sku, sku, "C", {"EUR": Money(900, "EUR")}))
            await uow.stock.set_bin_quantity(product.id or 0, w1.id or 0, "A-01-01-1", 5, "count", "t", clock.now())
        await uow.commit()


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    assert all(isinstance(r, ImportReport) for r in results), results
    async with session_factory(engine)() as session:
        points = set(await session.execute(select(m.StockRow.reorder_point, m.StockRow.max_level)))
        costs = set(await session.scalars(select(m.SupplyTermsRow.unit_cost_minor)))
        inventory = await session.scalar(
            select(func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor)).where(
                m.JournalLineRow.account == Account.INVENTORY.value
            )
        )
    # Whichever file came last set all three rows, none is half one file and half the other.
    assert (points, costs) in (({(30, 40)}, {200}), ({(10, 20)}, {100})), (points, costs)
    # 15 units in stock, valued at the cost that won.
    assert inventory == 15 * next(iter(costs))


@pytest.mark.postgres
async def test_two_reorder_files_of_the_same_products_in_opposite_orders_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """Forced: the first file holds A's counter; the second runs until it waits; the first goes
    on to B. A second file that locked C and B first (its own row order) held B by then."""
    await _three_products(pg_engine, clock)
    sessions = session_factory(pg_engine)
    results = await worst_interleaving(
        pg_engine,
        lambda: import_reorder(SqlUnitOfWork(sessions), clock, FORWARD),
        lambda: import_reorder(SqlUnitOfWork(sessions), clock, BACKWARD),
    )
    await _check(pg_engine, results)
    async with session_factory(pg_engine)() as session:  # the second waited for the first: it came last
        assert set(await session.scalars(select(m.SupplyTermsRow.unit_cost_minor))) == {200}


async def test_two_reorder_files_in_opposite_orders_at_once_both_import(engine: AsyncEngine, clock: FakeClock) -> None:
    await _three_products(engine, clock)
    sessions = session_factory(engine)
    results = await at_once(
        lambda: import_reorder(SqlUnitOfWork(sessions), clock, FORWARD),
        lambda: import_reorder(SqlUnitOfWork(sessions), clock, BACKWARD),
    )
    await _check(engine, results)
