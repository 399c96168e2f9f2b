"""The SQLAlchemy unit of work: one session, one transaction, one commit per use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, Generic, Self, TypeVar, cast, overload

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from domain.contention import Contention
from storage import models as m
from storage.cache import CacheView, ReadCache
from storage.db import (
    BASE_CURRENCY,
    IN_LOOP_SQL,
    READ_CACHE,
    READ_ONLY_BIND,
    SHOP_TIMEZONE,
    WRITE_TURNS,
    after_commit,
    forget_writes,
)
from storage.repositories import (
    SqlApi,
    SqlBackorders,
    SqlCallbacks,
    SqlCampaigns,
    SqlCarrierEvents,
    SqlCarriers,
    SqlCarts,
    SqlCreditNotes,
    SqlCustomers,
    SqlDebitNotes,
    SqlDemand,
    SqlFx,
    SqlInventory,
    SqlJobs,
    SqlJournal,
    SqlOrders,
    SqlOutbox,
    SqlPacking,
    SqlParcels,
    SqlPayments,
    SqlPicking,
    SqlPriceRules,
    SqlProducts,
    SqlPromotions,
    SqlPurchasing,
    SqlReturns,
    SqlSales,
    SqlShop,
    SqlStaff,
    SqlStock,
    SqlSubscriptions,
    SqlSupport,
    SqlWarehouses,
)
from storage.repositories.sql import _table, direct, run
from storage.sqlite_inline import DRIVER as INLINE_DRIVER
from storage.write_turns import WriteTurns


class _LazySession:
    """Stands in for the unit of work's session until a repository first uses it, so a
    read-only unit answered from the read cache never builds one (it runs on every update).
    It knows only how to make the session, not the unit of work: no reference cycle, so a
    finished unit is freed at once rather than by the garbage collector.

    On embedded SQLite (``engine`` given) Core statements begin the transaction on a pooled
    connection of the unit's own, without a session (``storage.repositories.sql``: the rule
    and what it saves); a session built after that joins the transaction (SQLAlchemy's
    ``join_transaction_mode="control_fully"``: its commit and rollback are the transaction's)."""

    __slots__ = ("_engine", "_make", "_shared", "built", "core", "turns")

    def __init__(
        self,
        make: Callable[..., AsyncSession],
        shared: dict[str, Any],
        engine: AsyncEngine | None = None,
        turns: WriteTurns | None = None,
    ) -> None:
        self._make, self._shared, self._engine, self.turns = make, shared, engine, turns
        self.built: AsyncSession | None = None
        self.core: Connection | None = None  # the transaction begun without a session, while it is open

    def materialise(self) -> AsyncSession:
        if self.built is None:
            if self.core is not None:
                assert self._engine is not None
                joined = AsyncConnection(self._engine, self.core)
                self.built = self._make(bind=joined, join_transaction_mode="control_fully")
                self.built.sync_session.connection()  # joined now (nothing to begin, so nothing waited for)
            else:
                self.built = self._make()
        return self.built

    @property
    def info(self) -> dict[str, Any]:
        """The session's ``info``; before it is built, what every session starts with."""
        return self.built.info if self.built is not None else self._shared

    @property
    def engine_without_session(self) -> AsyncEngine | None:
        """Where a transaction may begin without a session: embedded SQLite, nothing built or begun."""
        return self._engine if self.built is None and self.core is None else None

    def in_loop_connection(self) -> Connection | None:
        """The embedded-SQLite connection of the open transaction, without building the session."""
        if self.built is not None:
            return cast(Connection | None, self.built.sync_session.info.get(IN_LOOP_SQL))
        return self.core

    def begun(self, connection: Connection) -> None:
        self.core = connection

    def end(self, *, committed: bool) -> None:
        """Commit (or roll back) the transaction begun without a session and give its
        connection back; what a commit sets off is set off as a session's would."""
        core, self.core = self.core, None
        if core is None:
            return
        try:
            if committed:
                core.commit()
                after_commit(self._shared, core.info)
        finally:
            forget_writes(core.info)  # (a commit took them; a rollback's never happened)
            core.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.materialise(), name)


R = TypeVar("R")
# What PostgreSQL ends a transaction with to let another through: a deadlock's victim and a
# serialization failure. Nothing of it was written; the use case may run again (``Contention``).
GIVEN_UP = frozenset({"40P01", "40001"})


def given_up(error: BaseException) -> bool:
    """Whether ``error`` is the database ending the transaction for another's sake."""
    orig = getattr(error, "orig", None) if isinstance(error, DBAPIError) else None
    return (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) in GIVEN_UP


_INBOX = _table(m.UpdateInboxRow)
# Every write use case's commit marks its update: one row by id, a ``direct`` statement (on
# embedded SQLite straight to sqlite3; through the session's ORM execute it cost ~0.1 ms).
_MARK_HANDLED = direct(
    update(_INBOX)
    .where(_INBOX.c.bot_id == bindparam("handled_bot_id"), _INBOX.c.update_id == bindparam("handled_update_id"))
    .values(handled_at=bindparam("at"))
)


class _Repository(Generic[R]):
    """A repository of the open unit of work, built on first use: most units touch two or
    three of the twenty-one, and one opens for every update (building them all cost ~10 µs)."""

    def __init__(self, kind: Callable[..., R], cached: bool = False) -> None:
        self.kind, self.cached = kind, cached

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type | None = None) -> R: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type | None = None) -> R | _Repository[R]:
        if uow is None:
            return self
        if uow._session is None:
            raise RuntimeError("unit of work is not open")
        session = cast(AsyncSession, uow._session)
        built = self.kind(session, uow._cache_view) if self.cached else self.kind(session)
        uow.__dict__[self.name] = built  # found before this descriptor until the unit closes
        uow._built.append(self.name)
        return built


class SqlUnitOfWork:
    """Reusable: each ``async with`` opens a fresh session; leaving without ``commit()``
    rolls everything back, so a use case that raises leaves nothing half-written."""

    customers = _Repository(SqlCustomers, cached=True)
    staff = _Repository(SqlStaff)
    products = _Repository(SqlProducts, cached=True)
    warehouses = _Repository(SqlWarehouses, cached=True)
    stock = _Repository(SqlStock, cached=True)
    inventory = _Repository(SqlInventory)
    picking = _Repository(SqlPicking)
    packing = _Repository(SqlPacking)
    parcels = _Repository(SqlParcels)
    carrier_events = _Repository(SqlCarrierEvents)
    jobs = _Repository(SqlJobs)
    sales = _Repository(SqlSales)
    purchasing = _Repository(SqlPurchasing)
    returns = _Repository(SqlReturns)
    backorders = _Repository(SqlBackorders, cached=True)
    journal = _Repository(SqlJournal)
    demand = _Repository(SqlDemand)
    api = _Repository(SqlApi)
    callbacks = _Repository(SqlCallbacks)
    orders = _Repository(SqlOrders)
    fx = _Repository(SqlFx, cached=True)
    carts = _Repository(SqlCarts, cached=True)
    payments = _Repository(SqlPayments)
    credit_notes = _Repository(SqlCreditNotes)
    debit_notes = _Repository(SqlDebitNotes)
    carriers = _Repository(SqlCarriers, cached=True)
    outbox = _Repository(SqlOutbox)
    subscriptions = _Repository(SqlSubscriptions)
    campaigns = _Repository(SqlCampaigns)
    shop = _Repository(SqlShop, cached=True)
    support = _Repository(SqlSupport)
    promotions = _Repository(SqlPromotions)
    price_rules = _Repository(SqlPriceRules, cached=True)

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, update: tuple[int, int] | None = None) -> None:
        self._sessions = sessions
        # The Telegram update this unit works for (bot id, update id): its first commit also marks the update
        # handled in the inbox, in the same transaction, so a crash can never replay an
        # update whose work is committed (a replayed /receive would book the goods twice).
        self._update = update
        self.commits = 0  # transactions committed: a retry of the whole update only while none was
        self._writable = False
        self._session: _LazySession | None = None
        self._cache_view: CacheView | None = None
        self._read_only_next = False
        self._built: list[str] = []  # repositories of the open unit, dropped when it closes
        shared = self._shared = sessions.kw.get("info", {})
        self._turns: WriteTurns | None = shared.get(WRITE_TURNS)
        self._cache: ReadCache | None = shared.get(READ_CACHE)
        self._read_only_bind = shared.get(READ_ONLY_BIND)
        self.base_currency: str = shared.get(BASE_CURRENCY, "EUR")
        self.timezone: str = shared.get(SHOP_TIMEZONE, "UTC")

    def read_only(self) -> Self:
        """``async with uow.read_only():`` for use cases that only read: on SQLite they
        then run beside writers instead of queueing for the write lock, and they may be
        answered from the process's read cache without touching the database at all. A
        write inside raises ``storage.db.WriteInReadOnlyWork``."""
        self._read_only_next = True
        return self

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work is already in use; nest use cases by passing data, not transactions")
        cache: CacheView | None = None
        make: Callable[[], AsyncSession] = self._sessions
        self._writable = not self._read_only_next
        if self._read_only_next:
            self._read_only_next = False
            # The connection (and its BEGIN) comes only if a read misses the cache.
            make = partial(self._sessions, bind=self._read_only_bind)
            if self._cache is not None:
                cache = CacheView(self._cache, self._cache.generation)
        engine = self._read_only_bind if not self._writable else self._sessions.kw.get("bind")
        inline = isinstance(engine, AsyncEngine) and engine.dialect.driver == INLINE_DRIVER
        self._session = _LazySession(make, self._shared, engine if inline else None, self._turns)
        self._cache_view = cache
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()
        error = exc[1] if len(exc) > 1 else None
        if isinstance(error, BaseException) and given_up(error):
            raise Contention() from error

    async def _close(self) -> None:
        lazy, self._session = self._session, None
        for name in self._built:  # the next unit builds its own, on its own session
            del self.__dict__[name]
        self._built.clear()
        session = lazy.built if lazy is not None else None
        # A read answered from the cache never built a session: nothing to undo. Closing
        # rolls back (the pool resets a connection on its way back): one trip through
        # SQLAlchemy's transaction machinery instead of a rollback and then a close.
        try:
            if session is not None and session.in_transaction():
                if IN_LOOP_SQL in session.sync_session.info:
                    session.sync_session.close()  # embedded SQLite: nothing to wait for (``commit``)
                else:
                    await session.close()
        finally:
            if lazy is not None:
                lazy.end(committed=False)  # a transaction begun without a session: rolled back

    @property
    def session(self) -> AsyncSession:
        """The transaction's session, built on first use."""
        if self._session is None:
            raise RuntimeError("unit of work is not open")
        return self._session.materialise()

    async def commit(self) -> None:
        lazy = self._session
        if lazy is None:
            raise RuntimeError("unit of work is not open")
        marking = self._update is not None and self._writable
        if marking and self._update is not None:
            bot_id, update_id = self._update
            marked = {"handled_bot_id": bot_id, "handled_update_id": update_id, "at": datetime.now(UTC)}
            await run(cast(AsyncSession, lazy), _MARK_HANDLED, marked)
        await self._commit(lazy)
        self.commits += 1
        if marking:  # after the commit: a try given up and run again marks the update in its own
            self._update = None

    async def _commit(self, lazy: _LazySession) -> None:
        if lazy.built is None:
            lazy.end(committed=True)  # the transaction begun without a session, if any
            return
        session = lazy.built
        if IN_LOOP_SQL in session.sync_session.info:
            # Performance rule: a transaction that holds its embedded-SQLite connection commits
            # straight from the coroutine, not in SQLAlchemy's greenlet (~20 µs a hop): its
            # COMMIT, a flush of what the ORM holds and giving the connection back wait for
            # nothing (``storage.repositories.sql._first``). One with no connection yet would
            # begin in its flush, and a BEGIN may wait: that goes through the greenlet.
            session.sync_session.commit()
            return
        await session.commit()

    async def rollback(self) -> None:
        lazy = self._session
        if lazy is not None and lazy.built is None:
            lazy.end(committed=False)
            return
        await self.session.rollback()
