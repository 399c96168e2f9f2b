"""Process start-up shared by ``run`` and ``demo``: database, migrations, admins, bot.

The bot's modules (aiogram, handlers, charts, documents) are imported by ``start_runtime``
only: the commands that just open the database (``import``, ``migrate``, ``apikey``) start
without them (bench/cli_startup.py)."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import ConfigError, Settings
from bot.dbtools import backup_before_migrating
from domain.ports import Clock, SystemClock
from domain.usecases.bookkeeping import BooksCurrencyChanged, books_currency_refused, pin_books_currency
from storage.db import create_engine, session_factory
from storage.migrate import (
    at_head,
    books_before_upgrade,
    migrations_between,
    missing_from_schema,
    stamped_revisions,
    upgrade_to_head,
)
from storage.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.utils.i18n import I18n

    from bot.metrics import BotApiCalls
    from bot.notifier import Notifier
    from bot.polling import DurableDispatcher


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    i18n: I18n
    bot: Bot
    dp: DurableDispatcher
    notifier: Notifier
    bot_api: BotApiCalls  # counts calls, knows when Telegram last answered

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    async def close(self) -> None:
        await self.bot.session.close()
        await self.dp.storage.close()
        await self.engine.dispose()


async def open_database(
    settings: Settings, *, whole_schema: bool = False
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """The shop's database, migrated. What this version reads is checked after a migration and,
    with ``whole_schema`` (the bot, ``migrate``), every time: a start that refused a database left
    it stamped at head, and the restart after it would otherwise serve customers from it. One-off
    commands skip that (~30 ms of their start-up, bench/cli_startup.py)."""
    engine, sessions, _ = await _opened(settings, whole_schema=whole_schema)
    return engine, sessions


async def open_migrated(
    settings: Settings, *, verbose: bool = False
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession], str | None]:
    """``open_database`` for the bot and ``migrate`` (the whole schema checked), and the one line that says from which
    schema to which it migrated (None: nothing to run). Alembic's own line a migration only when ``verbose``: a new
    shop's ~70, or an upgraded bot's start, hid the line that mattered."""
    alembic = logging.getLogger("alembic")
    level = alembic.level
    if not verbose:
        alembic.setLevel(logging.WARNING)
    try:
        engine, sessions, before = await _opened(settings, whole_schema=True)
    finally:
        alembic.setLevel(level)  # as it was for whoever opens a database next (an application embedding it, a test)
    if before is None:
        return engine, sessions, None
    try:
        after = await stamped_revisions(engine)
    except BaseException:
        await engine.dispose()
        raise
    ran = migrations_between(before, after)
    if not ran:  # stamped otherwise than the scripts' chain reaches, yet nothing ran: as `migrate` always said
        return engine, sessions, None
    was = f"schema {', '.join(sorted(before))}" if before else "none (a new database)"
    now = ", ".join(sorted(after))
    return engine, sessions, f"database migrated from {was} to schema {now}: {ran} migration{'s' * (ran != 1)}"


async def _opened(
    settings: Settings, *, whole_schema: bool
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession], frozenset[str] | None]:
    """``open_database``, and the revisions the database was stamped at before it migrated (None: it was at head)."""
    engine = create_engine(settings.database_url)
    upgrading = not await at_head(engine)
    before = await stamped_revisions(engine) if upgrading else None
    if upgrading:  # a setting the shop's books refuse is said before anything changes
        refused = books_currency_refused(*await books_before_upgrade(engine), settings.default_currency)
        if refused is not None:
            stamped = ", ".join(sorted(await stamped_revisions(engine)))
            await engine.dispose()
            raise _another_books_currency(
                refused, settings, f" Nothing was migrated (the database is still at schema {stamped})."
            )
    backup_before_migrating(settings.database_url, json_logs=settings.log_format == "json")
    await upgrade_to_head(engine)
    if upgrading or whole_schema:
        await require_whole_schema(engine)
    sessions = session_factory(engine, base_currency=settings.default_currency, timezone=settings.timezone)
    try:
        await pin_books_currency(SqlUnitOfWork(sessions), settings.default_currency)
    except BooksCurrencyChanged as changed:
        await engine.dispose()
        raise _another_books_currency(changed, settings, "") from None
    return engine, sessions, before


def _another_books_currency(changed: BooksCurrencyChanged, settings: Settings, migrated: str) -> ConfigError:
    kept = changed.params["kept"]
    return ConfigError(
        f"DEFAULT_CURRENCY: {changed} Set it back to {kept}, or keep books in "
        f"{settings.default_currency} in a new database.{migrated}"
    )


async def require_whole_schema(engine: AsyncEngine) -> None:
    """Stop (the engine disposed) when the database lacks a table or column this version reads:
    said once at start, not as "something went wrong" to every customer whose order it reads."""
    missing = await missing_from_schema(engine)
    if missing:
        await engine.dispose()
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise ConfigError(
            f"DATABASE_URL: the database lacks what this version reads ({shown}) although its migrations ran; "
            "restore the backup taken before the upgrade and report it to Ordergram's maintainers"
        )


GC_YOUNG_THRESHOLD = 20_000  # Python's default is 700 allocations


def settle_heap() -> None:
    """Tune the garbage collector for a long-running bot (measured with
    bench/bot_throughput.py, where it was a fifth of the time before):

    * what start-up loaded (aiogram's types, SQLAlchemy's mappers, templates, Babel's data)
      lives as long as the process: frozen, so no collection scans it again;
    * updates allocate many short-lived objects that reference counting frees; collecting
      every 700 allocations mostly re-scans the survivors (the read cache, sessions in the
      pool), so the young generation is collected every 20,000 and the older ones 20 times
      less often than that. Units of work make no reference cycles (``storage.uow``), so
      little waits for the collector in between."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


async def start_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    from bot.app import make_bot, make_dispatcher
    from bot.i18n import make_i18n
    from bot.metrics import BotApiCalls, watch_engine
    from bot.notifier import Notifier, SendLimits, SharedPacer
    from bot.shop_file import apply_settings_file
    from domain.usecases.staff import all_staff, make_admins
    from handlers.context import HandlerData
    from handlers.menu import register_commands, register_staff_menu
    from storage.db import on_outbox_written
    from storage.outbox import OutboxStore

    i18n = make_i18n(settings.default_locale, settings.locales_dir)
    engine, sessions, migrated = await open_migrated(settings)
    if migrated:  # the one line `migrate` prints: an upgraded bot's start says it too
        logging.getLogger(__name__).info(migrated)
    watch_engine(engine)
    clock = clock or SystemClock()
    bot = make_bot(settings)
    bot_api = BotApiCalls()
    bot.session.middleware(bot_api)
    try:
        await apply_settings_file(SqlUnitOfWork(sessions), settings.shop_settings_file, i18n.available_locales)
        if settings.admin_ids:
            await make_admins(SqlUnitOfWork(sessions), list(settings.admin_ids))
        dp = make_dispatcher(settings, sessions, clock, i18n)
        await register_commands(bot, i18n)
        for member in await all_staff(SqlUnitOfWork(sessions)):
            await register_staff_menu(bot, i18n, member)
    except BaseException:
        await bot.session.close()
        await engine.dispose()
        raise
    redis = getattr(dp.storage, "redis", None)  # several processes (REDIS_URL) share one pace
    shared = SharedPacer(redis, bot.id, settings.notify_rate) if redis and settings.notify_rate > 0 else None
    limits = SendLimits(settings.notify_rate, settings.notify_chat_interval, shared=shared)
    notifier = Notifier(OutboxStore(sessions), bot, dp["renderer"], i18n, clock, limits)
    on_outbox_written(sessions, notifier.wake)
    sends_now: HandlerData = {"notifier": notifier}  # handlers whose answer is an outbox message send it at once
    dp.workflow_data.update(sends_now)
    settle_heap()
    return Runtime(settings, engine, sessions, clock, i18n, bot, dp, notifier, bot_api)
