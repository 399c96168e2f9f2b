"""The ports of the books: the journal and exchange rates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.accounting import JournalEntry
from domain.fx import FxRate


class JournalRepository(Protocol):
    async def post(self, entry: JournalEntry) -> None: ...
    async def entries(
        self, start: datetime, end: datetime, *, after: tuple[datetime, int] | None = None, limit: int | None = None
    ) -> list[JournalEntry]: ...
    async def of_sources(self, sources: Sequence[str]) -> list[JournalEntry]:
        """Every entry of these documents (``order:CODE``, ``return:RMA``…), in time order."""
        ...

    async def balances(self, until: datetime) -> dict[tuple[str, str], tuple[int, int]]: ...
    async def credit_balance(self, source: str, account: str, currency: str) -> int:
        """Credits less debits to ``account`` in ``currency`` by the entries of ``source``."""
        ...

    async def books_currency(self) -> str | None: ...
    async def keep_books_in(self, currency: str) -> None: ...
    async def entry_count(self) -> int: ...


class FxRepository(Protocol):
    async def add(self, rate: FxRate, actor: str) -> None: ...
    async def lock(self, currency: str) -> None:
        """Until the transaction ends, no other takes ``currency``'s lock: a rate set revalues the stock from the
        rate it found, so two at once each revalued from the same one (PostgreSQL; SQLite's writers are serial). Who
        takes it, and when (after every row lock): ``domain.usecases.stock_books.hold_rates``."""
        ...

    async def latest(self, base: str, quote: str) -> FxRate | None: ...
    async def latest_against(self, base: str) -> list[FxRate]:
        """The newest rate of every pair with ``base`` on either side."""
        ...

    async def history(self, base: str, quote: str, limit: int) -> list[tuple[FxRate, str]]:
        """Rates of the pair (either direction), newest first, with who set each."""
        ...
