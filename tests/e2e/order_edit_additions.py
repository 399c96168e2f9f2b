"""Set-ups and readers of test_order_edit_additions that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from storage import models as m


async def _unbalanced_entries(shop: RunningBot) -> int:
    """Journal entries whose lines do not add up to a balanced entry."""
    async with shop.runtime.sessions() as session:
        sums = (
            select(
                m.JournalLineRow.entry_id,
                func.sum(m.JournalLineRow.debit_minor).label("debits"),
                func.sum(m.JournalLineRow.credit_minor).label("credits"),
            )
            .group_by(m.JournalLineRow.entry_id)
            .subquery()
        )
        return int(await session.scalar(select(func.count()).where(sums.c.debits != sums.c.credits)) or 0)
