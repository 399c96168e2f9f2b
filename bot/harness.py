"""The bot and the sandbox in one process: used by the demo and the end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.catalog_files import files_next_to
from bot.config import Settings, load_settings
from bot.runtime import Runtime, start_runtime
from bot.sample import replayed_until
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.usecases.imports.lists import import_boxes, import_carriers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.purchasing import import_reorder, import_suppliers
from domain.usecases.imports.stock import import_demand, import_stock
from sandbox.server import SandboxServer
from storage.migrate import start_migrated

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


@dataclass
class RunningBot:
    server: SandboxServer
    runtime: Runtime


async def load_demo_catalog(uow: Callable[[], UnitOfWork], clock: Clock, timezone: str = "UTC") -> None:
    """The demo shop's files, its sales history replayed up to the shop's today (``timezone``)."""
    await import_warehouses(uow(), (DEMO_DATA / "warehouses.csv").read_text(encoding="utf-8"))
    await import_products(
        uow(),
        clock,
        (DEMO_DATA / "products.csv").read_text(encoding="utf-8"),
        files_next_to(DEMO_DATA / "products.csv"),
    )
    await import_carriers(uow(), (DEMO_DATA / "carriers.csv").read_text(encoding="utf-8"))
    await import_boxes(uow(), (DEMO_DATA / "boxes.csv").read_text(encoding="utf-8"))
    await import_suppliers(uow(), (DEMO_DATA / "suppliers.csv").read_text(encoding="utf-8"))
    await import_reorder(uow(), clock, (DEMO_DATA / "reorder.csv").read_text(encoding="utf-8"))
    # After the supply terms: the opening stock is booked at the cost the stock value counts it at.
    await import_stock(uow(), clock, (DEMO_DATA / "stock.csv").read_text(encoding="utf-8"))
    history = (DEMO_DATA / "demand.csv").read_text(encoding="utf-8")
    await import_demand(uow(), clock, replayed_until(history, shop_day(clock.now(), timezone)))


@contextlib.asynccontextmanager
async def running_bot(
    database_url: str,
    *,
    flood_limits: bool = False,
    clock: Clock | None = None,
    demo_catalog: bool = True,
    token: str | None = None,
    **settings: object,
) -> AsyncIterator[RunningBot]:
    """Start the sandbox, migrate the database, start the bot polling the sandbox.

    Updates are handled one at a time (``handle_as_tasks=False``), so when the bot asks
    for the next update the previous one is fully handled — the driver relies on that.
    ``token``: another bot's (its own update ids, from 1), as a shop moved to a new bot.
    """
    server = SandboxServer(token, flood_limits=flood_limits) if token else SandboxServer(flood_limits=flood_limits)
    url = await server.start()
    if not flood_limits:  # a sandbox without Telegram's limits needs no pacing (tests stay fast)
        settings = {"notify_rate": 0, "notify_chat_interval": 0, **settings}
    config: Settings = load_settings(
        bot_token=server.token, telegram_api_url=url, database_url=database_url, **settings
    )
    try:
        await start_migrated(database_url)
        runtime = await start_runtime(config, clock)
    except BaseException:
        await server.stop()
        raise
    try:
        if demo_catalog:
            await load_demo_catalog(runtime.uow, runtime.clock, runtime.settings.timezone)
    except BaseException:
        await runtime.close()
        await server.stop()
        raise
    server.settle = runtime.notifier.drain
    polling = asyncio.create_task(
        runtime.dp.start_polling(
            runtime.bot, handle_signals=False, handle_as_tasks=False, close_bot_session=False, polling_timeout=1
        )
    )
    try:
        yield RunningBot(server, runtime)
    finally:
        with contextlib.suppress(RuntimeError):
            await runtime.dp.stop_polling()
        await server.release_pollers()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 5)
        await runtime.close()
        await server.stop()
