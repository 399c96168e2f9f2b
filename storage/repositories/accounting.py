"""The journal (double-entry books) and FX rates."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Executable, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounting import Account, JournalEntry, JournalLine
from domain.fx import FxRate
from domain.memos import Memo
from storage import models as m
from storage.cache import CacheView
from storage.repositories.cached import fills
from storage.repositories.sql import _chunks, _table, _upsert, fetch

BOOKS_CURRENCY = "books_currency"


class SqlJournal:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def post(self, entry: JournalEntry) -> None:
        row = m.JournalEntryRow(
            at=entry.at,
            source=entry.source,
            memo=entry.memo[:256],
            memo_key=entry.keyed.key if entry.keyed is not None else None,
            memo_params=entry.keyed.params() if entry.keyed is not None else None,
            currency=entry.currency,
            debit_total=sum(x.debit for x in entry.lines),
            credit_total=sum(x.credit for x in entry.lines),
        )
        self.s.add(row)
        await self.s.flush()
        self.s.add_all(
            m.JournalLineRow(entry_id=row.id, account=x.account.value, debit_minor=x.debit, credit_minor=x.credit)
            for x in entry.lines
        )
        await self.s.flush()

    async def entries(
        self, start: datetime, end: datetime, *, after: tuple[datetime, int] | None = None, limit: int | None = None
    ) -> list[JournalEntry]:
        """Entries in time order; a page of ``limit`` of them after the entry ``after`` (its
        time and id) when given. Read as plain rows: a whole export pages through here in one
        session, which must not keep what it has handed out."""
        e = m.JournalEntryRow
        query = select(e.id, e.at, e.source, e.memo, e.memo_key, e.memo_params, e.currency)
        query = query.where(e.at >= start, e.at < end)
        if after is not None:
            query = query.where(or_(e.at > after[0], and_(e.at == after[0], e.id > after[1])))
        return await self._read(query.order_by(e.at, e.id).limit(limit))

    async def of_sources(self, sources: Sequence[str]) -> list[JournalEntry]:
        e = m.JournalEntryRow
        query = select(e.id, e.at, e.source, e.memo, e.memo_key, e.memo_params, e.currency)
        return await self._read(query.where(e.source.in_(list(sources))).order_by(e.at, e.id)) if sources else []

    async def _read(self, query: Executable) -> list[JournalEntry]:
        """The entries ``query`` selects (their id, time, source, memo, key, params and currency), with their lines."""
        line = m.JournalLineRow
        rows = (await self.s.execute(query)).all()
        lines: dict[int, list[JournalLine]] = defaultdict(list)
        of_entries = select(line.entry_id, line.account, line.debit_minor, line.credit_minor).order_by(line.id)
        for chunk in _chunks([r.id for r in rows]):  # a year's export without pages: PostgreSQL's limit
            for x in await self.s.execute(of_entries.where(line.entry_id.in_(chunk))):
                lines[x.entry_id].append(JournalLine(Account(x.account), x.debit_minor, x.credit_minor))
        return [
            JournalEntry(
                r.at, r.source, r.memo, r.currency, tuple(lines[r.id]), r.id, _keyed(r.memo_key, r.memo_params)
            )
            for r in rows
        ]

    async def books_currency(self) -> str | None:
        return await self.s.scalar(select(m.ShopSettingRow.value).where(m.ShopSettingRow.key == BOOKS_CURRENCY))

    async def keep_books_in(self, currency: str) -> None:
        await _upsert(self.s, m.ShopSettingRow, {"key": BOOKS_CURRENCY, "value": currency}, "key")

    async def entry_count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(m.JournalEntryRow)) or 0)

    async def balances(self, until: datetime) -> dict[tuple[str, str], tuple[int, int]]:
        """Debits and credits per (account, currency) up to ``until``."""
        e, line = m.JournalEntryRow, m.JournalLineRow
        rows = await self.s.execute(
            select(line.account, e.currency, func.sum(line.debit_minor), func.sum(line.credit_minor))
            .join(e, e.id == line.entry_id)
            .where(e.at < until)
            .group_by(line.account, e.currency)
            .order_by(line.account, e.currency)
        )
        return {(account, currency): (int(d or 0), int(c or 0)) for account, currency, d, c in rows}

    async def credit_balance(self, source: str, account: str, currency: str) -> int:
        e, line = m.JournalEntryRow, m.JournalLineRow
        found = await self.s.scalar(
            select(func.sum(line.credit_minor - line.debit_minor))
            .join(e, e.id == line.entry_id)
            .where(e.source == source, line.account == account, e.currency == currency)
        )
        return int(found or 0)


_FX = _table(m.FxRateRow)
_NEWEST_RATES = (
    select(func.max(_FX.c.id).label("id"))
    .where(or_(_FX.c.base == bindparam("base"), _FX.c.quote == bindparam("base")))
    .group_by(_FX.c.base, _FX.c.quote)
    .subquery()
)
_LATEST_AGAINST = fills("reference", select(_FX).join(_NEWEST_RATES, _NEWEST_RATES.c.id == _FX.c.id))


class SqlFx:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def lock(self, currency: str) -> None:
        if self.s.get_bind().dialect.name == "sqlite":  # SQLite's writers are serial already
            return
        key = zlib.crc32(f"fx:{currency}".encode())  # no row per currency to lock: one is made up of its code
        await self.s.execute(select(func.pg_advisory_xact_lock(key)))

    async def add(self, rate: FxRate, actor: str) -> None:
        self.s.add(m.FxRateRow(base=rate.base, quote=rate.quote, rate=rate.rate_text, set_at=rate.set_at, set_by=actor))
        await self.s.flush()

    async def latest(self, base: str, quote: str) -> FxRate | None:
        row = await self.s.scalar(
            select(m.FxRateRow)
            .where(m.FxRateRow.base == base, m.FxRateRow.quote == quote)
            .order_by(m.FxRateRow.set_at.desc(), m.FxRateRow.id.desc())
            .limit(1)
        )
        return _fx(row) if row else None

    async def latest_against(self, base: str) -> list[FxRate]:
        if self.cache is not None and (cached := self.cache.get("reference", ("fx", base))) is not None:
            return list(cast(tuple[FxRate, ...], cached))
        rates = [_fx(row) for row in await fetch(self.s, _LATEST_AGAINST, {"base": base})]
        if self.cache is not None:
            self.cache.put("reference", ("fx", base), tuple(rates))  # FxRate is frozen
        return rates

    async def history(self, base: str, quote: str, limit: int) -> list[tuple[FxRate, str]]:
        pair = or_(
            and_(m.FxRateRow.base == base, m.FxRateRow.quote == quote),
            and_(m.FxRateRow.base == quote, m.FxRateRow.quote == base),
        )
        rows = await self.s.scalars(
            select(m.FxRateRow).where(pair).order_by(m.FxRateRow.set_at.desc(), m.FxRateRow.id.desc()).limit(limit)
        )
        return [(_fx(row), row.set_by) for row in rows]


def _keyed(key: str | None, params: str | None) -> Memo | None:
    return Memo.read(key, params or "{}") if key is not None else None


def _fx(row: Any) -> FxRate:  # ORM or Core row
    return FxRate(row.base, row.quote, Decimal(row.rate), row.set_at)
