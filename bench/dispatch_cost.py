"""Ordergram's own cost per update, without HTTP: where `bot_throughput.py` says how fast,
this says where the time goes.

Updates are fed straight into the dispatcher (`Dispatcher.feed_update`); the bot's Bot API
calls are answered by the sandbox's method handlers in the same call, with no HTTP in
between. A bare aiogram echo bot fed the same way is the yardstick. Prints the median
µs per update of: echo, a product deep link, and each step of a checkout
(/add, /checkout, contact, pickup, point, payment, confirm).

    python bench/dispatch_cost.py [--products 2000] [--variants 1] [--rounds 300]

``--variants 4``: each product in four sizes, as in ``bot_throughput.py`` (the card then
shows option buttons).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message, Update
from bot_throughput import DEMO, catalog_csv  # the same catalog as the throughput bench

import bot.app
import bot.runtime
from bot.config import load_settings
from bot.polling import DurableDispatcher
from bot.telegram_session import JsonBodySession, json_text, request_body
from domain.usecases.imports.lists import import_carriers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from handlers.views.outgoing import OutgoingGuard
from sandbox import SandboxServer, SandboxUser


class InProcessSession(JsonBodySession):
    """Answers each Bot API call with the sandbox's own method handler, no HTTP. The request's
    body is made, and the reply read, as the bot's own session does (``JsonBodySession``: the
    keyboard sent is the one kept, not validated again from the reply)."""

    def __init__(self, server: SandboxServer) -> None:
        super().__init__()
        self.server = server

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("no downloads on this path")
        yield b""  # an async generator, as the base class declares

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        params = request_body(self, bot, method, files={})  # as the bot's own session sends it
        result = await self.server._methods[method.__api_method__.lower()](params)
        return self.checked(bot, method, 200, json_text({"ok": True, "result": result}), params)


async def feed(server: SandboxServer, bot: Bot, dp: Dispatcher) -> float:
    """Hand the dispatcher every update the users produced; seconds it took. Ordergram's
    updates are read from a ``getUpdates`` reply by its session and go through its inbox as
    polling takes them (recorded, handled, marked); the echo bot's are validated, as aiogram's
    own polling reads them."""
    pending, server.updates = server.updates, []
    started = time.perf_counter()
    if isinstance(dp, DurableDispatcher) and isinstance(bot.session, JsonBodySession):
        reply = json_text({"ok": True, "result": pending})
        updates: list[Update] = bot.session.checked(bot, GetUpdates(), 200, reply, {})
    else:
        updates = [Update.model_validate(raw, context={"bot": bot}) for raw in pending]
    if isinstance(dp, DurableDispatcher):
        for update in await dp.record(bot, updates):
            await dp.handle_recorded(bot, update)  # marks are batched in the background, as when polling
    else:
        for update in updates:
            await dp.feed_update(bot, update)
    return time.perf_counter() - started


def in_process_bot(server: SandboxServer) -> Bot:
    """The bot as ``bot.app.make_bot`` builds it (HTML, the outgoing guard), on the in-process session."""
    session = InProcessSession(server)
    session.middleware(OutgoingGuard())
    return Bot(server.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--variants", type=int, default=1, help="variants (sizes) per product, 1-6")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    server = SandboxServer()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            bot_token=server.token,
            default_currency="GBP",
            database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'cost.sqlite3'}",
            # Each simulated customer checks out again and again, paying at pickup: no cap on unpaid orders.
            max_unpaid_orders=0,
        )
        bot.app.make_bot = lambda _settings: in_process_bot(server)  # type: ignore[assignment]
        runtime = await bot.runtime.start_runtime(settings)
        products_csv, stock_csv, skus = catalog_csv(args.products, args.variants)
        await import_warehouses(runtime.uow(), (DEMO / "warehouses.csv").read_text(encoding="utf-8"))
        await import_products(runtime.uow(), runtime.clock, products_csv)
        await import_stock(runtime.uow(), runtime.clock, stock_csv)
        await import_carriers(runtime.uow(), (DEMO / "carriers.csv").read_text(encoding="utf-8"))
        ours, tg = runtime.dp, runtime.bot
        echo = Dispatcher()

        @echo.message()
        async def answer(message: Message) -> None:
            await message.answer(message.text or "?")

        users = [SandboxUser(server, 5000 + i, f"U{i}", wait=False) for i in range(20)]
        for user in users:
            await user.send("/start")
            await feed(server, tg, ours)
        rng = random.Random(1)
        timings: dict[str, list[float]] = {}

        async def measure(label: str, act: Callable[[], Awaitable[object]], dp: Dispatcher) -> None:
            await act()
            timings.setdefault(label, []).append(await feed(server, tg, dp))

        for i in range(args.rounds):
            user = users[i % len(users)]
            await measure("echo bot", lambda u=user: u.send("hello"), echo)  # type: ignore[misc]
            await measure("deep link", lambda u=user: u.send(f"/start p_{rng.choice(skus)}"), ours)  # type: ignore[misc]
        steps: list[tuple[str, Callable[[SandboxUser], Awaitable[object]]]] = [
            ("/add", lambda u: u.send(f"/add {rng.choice(skus)} 1")),
            ("/checkout", lambda u: u.send("/checkout")),
            ("contact", lambda u: u.share_contact("+44 7911 123456")),
            ("pickup", lambda u: u.press(server.last_message(u.id), "Pick up")),  # type: ignore[arg-type]
            ("point", lambda u: u.press(server.last_message(u.id), "Manchester")),  # type: ignore[arg-type]
            ("payment", lambda u: u.press(server.last_message(u.id), "Pay at pickup")),  # type: ignore[arg-type]
            ("confirm", lambda u: u.press(server.last_message(u.id), "Confirm order")),  # type: ignore[arg-type]
        ]
        for i in range(args.rounds // 3):
            user = users[i % len(users)]
            for label, step in steps:
                await measure(f"checkout: {label}", lambda u=user, s=step: s(u), ours)  # type: ignore[misc]
        await runtime.close()
    echo_us = statistics.median(timings["echo bot"]) * 1e6
    print(f"{'update':22s} {'median µs':>10s} {'× echo':>8s}")
    checkout = 0.0
    for label, values in timings.items():
        us = statistics.median(values) * 1e6
        checkout += us if label.startswith("checkout") else 0.0
        print(f"{label:22s} {us:10.0f} {us / echo_us:8.1f}")
    print(f"{'checkout, 7 updates':22s} {checkout:10.0f} {checkout / echo_us:8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
