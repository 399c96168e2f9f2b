"""A currency's first /fx rate racing a stock move of goods costed in it, and the books read after both."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.usecases.rate_changes import set_rate
from domain.usecases.reports import stock_report
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import as_role, at_once, pauses_after_first_stock_lock, someone_waits_for_a_lock


def reads_rates(statement: str) -> bool:
    return "FROM fx_rates" in statement


async def against_the_first_rate(
    engine: AsyncEngine, clock: FakeClock, manager: int, move: Callable[[], Awaitable[object]]
) -> list[object]:
    """``move`` and the first dollar rate (1 EUR = 1.25 USD) set by ``manager``, both committed; their outcomes.
    PostgreSQL: the move stops right after it first reads the rates (none for dollars yet), the rate is set meanwhile
    (or waits for the move), then the move goes on. SQLite: both let go at once (its writers take turns)."""
    rate = lambda: set_rate(SqlUnitOfWork(session_factory(engine)), clock, staff_id=manager, args=["USD", "1.25"])  # noqa: E731
    if engine.dialect.name != "postgresql":
        return await at_once(move, rate)
    async with pauses_after_first_stock_lock(engine, "first", reads_rates) as (held, go):
        moving = as_role("first", move)
        stopped = asyncio.create_task(held.wait())
        await asyncio.wait({moving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        assert held.is_set(), moving.result()  # it read no rate at all: the race is not the one meant
        setting = as_role("second", rate)
        waits = asyncio.create_task(someone_waits_for_a_lock(engine))
        await asyncio.wait({setting, waits}, return_when=asyncio.FIRST_COMPLETED)  # done unlocked, or waiting
        go.set()
        results = list(await asyncio.gather(moving, setting, return_exceptions=True))
        waits.cancel()
    return results


async def books_after(engine: AsyncEngine, staff_id: int) -> tuple[int, int, dict[str, int]]:
    """1200 Inventory's balance, the stock value /stockvalue counts (every warehouse), and the journal's debits less
    credits in each currency where they differ (none: it balances)."""
    line, entry = m.JournalLineRow, m.JournalEntryRow
    async with session_factory(engine)() as session:
        inventory = await session.scalar(
            select(func.sum(line.debit_minor - line.credit_minor)).where(line.account == Account.INVENTORY.value)
        )
        sums = await session.execute(
            select(entry.currency, func.sum(line.debit_minor - line.credit_minor))
            .join(entry, entry.id == line.entry_id)
            .group_by(entry.currency)
        )
        unbalanced = {currency: int(left) for currency, left in sums if left}
    values = await stock_report(SqlUnitOfWork(session_factory(engine)), staff_id=staff_id)
    return int(inventory or 0), sum(v.value.amount for v in values), unbalanced


async def settled(engine: AsyncEngine, results: list[object], units: int, staff_id: int) -> None:
    """Both committed, and the books agree with the ``units`` of $3.00 mugs left: 1200 Inventory is /stockvalue's
    worth of them (at 1.25), and the journal balances."""
    assert not [r for r in results if isinstance(r, BaseException)], results
    inventory, worth, unbalanced = await books_after(engine, staff_id)
    assert worth == units * 240  # $3.00 at 1.25
    assert inventory == worth, (inventory, worth)
    assert unbalanced == {}
