"""A purchase order in a currency the shop has no rate for, received while a manager sets that currency's first rate
(PostgreSQL, where they interleave): its units are in 1200 Inventory once, at that rate, whichever commits first."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.purchasing import receive_po
from domain.usecases.rate_changes import set_rate
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import as_role, pauses_after_first_stock_lock, someone_waits_for_a_lock
from tests.storage.po_receipt_race import inventory_and_stock_value, mug_orders

pytestmark = pytest.mark.postgres
BUYER, MANAGER = 821, 822


async def test_a_receipt_without_a_rate_and_the_first_rate_at_once_bring_its_units_in_once(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The receipt stops once it has read the rates (none for dollars); the first dollar rate is set meanwhile (or
    waits for it): the rate's revaluation, not seeing the units yet, left them out of inventory for good."""
    sessions = session_factory(pg_engine)
    [number] = await mug_orders(SqlUnitOfWork(sessions), clock, (BUYER, MANAGER), (10,), "USD")

    def reads_rates(statement: str) -> bool:
        return "FROM fx_rates" in statement

    async with pauses_after_first_stock_lock(pg_engine, "first", reads_rates) as (held, go):
        receipt = as_role("first", lambda: receive_po(SqlUnitOfWork(sessions), clock, staff_id=BUYER, number=number))
        stopped = asyncio.create_task(held.wait())
        await asyncio.wait({receipt, stopped}, return_when=asyncio.FIRST_COMPLETED)  # ended early: said below
        assert held.is_set(), receipt.result()
        rate = as_role(
            "second", lambda: set_rate(SqlUnitOfWork(sessions), clock, staff_id=MANAGER, args=["USD", "1.25"])
        )
        waits = asyncio.create_task(someone_waits_for_a_lock(pg_engine))
        await asyncio.wait({rate, waits}, return_when=asyncio.FIRST_COMPLETED)  # done unlocked, or waiting
        go.set()
        results = await asyncio.gather(receipt, rate, return_exceptions=True)
        waits.cancel()
    assert not [r for r in results if isinstance(r, BaseException)], results
    inventory, worth = await inventory_and_stock_value(pg_engine, "USD")
    assert worth == 10 * 240  # $3.00 a mug at 1.25
    assert inventory == worth
