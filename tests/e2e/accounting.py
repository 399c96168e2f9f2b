"""Set-ups and readers of test_accounting that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from storage import models as m


async def balances(shop: RunningBot) -> dict[str, tuple[int, int]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(
                m.JournalLineRow.account,
                func.sum(m.JournalLineRow.debit_minor),
                func.sum(m.JournalLineRow.credit_minor),
            ).group_by(m.JournalLineRow.account)
        )
        return {a: (int(d), int(c)) for a, d, c in rows}


async def _by_source(shop: RunningBot, source: str) -> dict[str, tuple[int, int]]:
    async with shop.runtime.sessions() as session:
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = await session.execute(
            select(line.account, func.sum(line.debit_minor), func.sum(line.credit_minor))
            .join(e, e.id == line.entry_id)
            .where(e.source == source)
            .group_by(line.account)
        )
        return {a: (int(d), int(c)) for a, d, c in rows}
