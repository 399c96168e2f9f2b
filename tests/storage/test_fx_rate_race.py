"""Two managers setting one currency's rate at once (PostgreSQL, where they interleave): the stock costed in it is
revalued from the rate each finds to the rate it sets, one after the other, so 1200 Inventory ends at the stock
value at the rate set last, never counted twice."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.money import Money
from domain.usecases.rate_changes import set_rate
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import as_role, pauses_after_first_stock_lock, someone_waits_for_a_lock
from tests.storage.po_receipt_race import inventory_and_stock_value

pytestmark = pytest.mark.postgres
MANAGERS = (811, 812)


async def _cups_costed_in_dollars(engine: AsyncEngine, clock: FakeClock) -> None:
    """Three cups on hand at $10 a unit (no dollar rate yet, so valued at nothing), and two managers."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        dollars = Money(1000, "USD")
        cup = await uow.products.upsert(Product("CUP", "Cup", "C", {"EUR": Money(1500, "EUR")}, cost=dollars))
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop"))
        await uow.stock.set_bin_quantity(cup.id or 0, shop.id or 0, "A-01-01-1", 3, "count", "t", clock.now())
        for manager in MANAGERS:
            await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.commit()


async def test_two_rates_set_at_once_revalue_the_stock_once(pg_engine: AsyncEngine, clock: FakeClock) -> None:
    """The first rate's setting stops once its rate is written; the second is set meanwhile (or waits for the first):
    each read the stock as worth nothing and brought it all in, inventory twice the stock's value."""
    await _cups_costed_in_dollars(pg_engine, clock)
    sessions = session_factory(pg_engine)

    def setting(manager: int, rate: str) -> asyncio.Task[object]:
        return as_role(
            "first" if manager == MANAGERS[0] else "second",
            lambda: set_rate(SqlUnitOfWork(sessions), clock, staff_id=manager, args=["USD", rate]),
        )

    async with pauses_after_first_stock_lock(pg_engine, "first", lambda s: "INSERT INTO fx_rates" in s) as (held, go):
        first = setting(MANAGERS[0], "1.25")
        await held.wait()
        second = setting(MANAGERS[1], "1.30")
        waits = asyncio.create_task(someone_waits_for_a_lock(pg_engine))
        await asyncio.wait({second, waits}, return_when=asyncio.FIRST_COMPLETED)  # done unlocked, or waiting
        go.set()
        results = await asyncio.gather(first, second, return_exceptions=True)
        waits.cancel()
    assert not [r for r in results if isinstance(r, BaseException)], results
    inventory, worth = await inventory_and_stock_value(pg_engine, "USD")
    assert worth == 3 * 769  # $10 at 1.30 a unit, the rate set last
    assert inventory == worth
