"""The journal export pages through the period: every entry once, in time order, also across
pages that split entries made at the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account, entry
from domain.memos import Memo
from domain.usecases.accounts import journal, journal_pages
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


async def test_pages_hold_every_entry_once_in_time_order(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        for i in range(11):  # three entries at each moment: pages of 4 split them
            made = entry(
                T0 + timedelta(hours=i // 3),
                f"order:{i}",
                Memo.of("sale"),
                "EUR",
                (Account.CASH, Account.REVENUE, 100 + i),
            )
            assert made is not None
            await uow.journal.post(made)
        outside = entry(T0 + timedelta(days=40), "order:99", Memo.of("sale"), "EUR", (Account.CASH, Account.REVENUE, 1))
        assert outside is not None
        await uow.journal.post(outside)
        await uow.commit()
    end = T0 + timedelta(days=30)
    pages = [page async for page in journal_pages(uow, start=T0, end=end, size=4)]
    assert [len(p) for p in pages] == [4, 4, 3]
    whole = await journal(uow, start=T0, end=end)
    assert [e for p in pages for e in p] == whole
    assert [e.source for e in whole] == [f"order:{i}" for i in range(11)]
    assert sum(line.debit for e in whole for line in e.lines) == sum(100 + i for i in range(11))
