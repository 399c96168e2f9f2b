"""The notifier against the sandbox Bot API with Telegram's flood limits on.

2,000 notifications to 500 chats are written to the outbox, then one notifier delivers them
with its default limits (``NOTIFY_RATE`` 29/s overall, ``NOTIFY_CHAT_INTERVAL`` 1.05 s per
chat). Prints the achieved messages/s, its ratio to Telegram's ~30/s, and how many calls the
sandbox refused with 429 (targets: ≥ 95 % and zero).

    python bench/notifications.py [--messages 2000] [--chats 500]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.i18n import make_i18n
from bot.notifier import Notifier, SendLimits
from domain.customers import Customer
from domain.notifications import Notification
from domain.ports import SystemClock
from handlers.views.rendering import Renderer
from sandbox import SandboxServer, SandboxUser
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.outbox import OutboxStore
from storage.uow import SqlUnitOfWork

TELEGRAM_RATE = 30.0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=500)
    args = parser.parse_args()
    defaults = Settings.model_fields
    rate, interval = float(defaults["notify_rate"].default), float(defaults["notify_chat_interval"].default)
    server = SandboxServer(flood_limits=True)
    await server.start()
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        chats = [10_000 + i for i in range(args.chats)]
        for chat_id in chats:
            SandboxUser(server, chat_id, f"C{chat_id}", wait=False)
        uow = SqlUnitOfWork(sessions)
        async with uow:
            for chat_id in chats:
                await uow.customers.add(Customer(telegram_id=chat_id, first_name="C", created_at=clock.now()))
            for n in range(args.messages):
                chat_id = chats[n % len(chats)]
                params = {"code": f"N{n:05d}", "status": "shipped", "reason": ""}
                await uow.outbox.add(Notification(chat_id, "order_status", "en", params), clock.now())
            await uow.commit()
        bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
        notifier = Notifier(OutboxStore(sessions), bot, Renderer(), make_i18n("en"), clock, SendLimits(rate, interval))
        started = time.perf_counter()
        try:
            while await notifier.drain():
                pass
        finally:
            await bot.session.close()
            await engine.dispose()
    elapsed = time.perf_counter() - started
    sent = sum(1 for c in server.calls if c.method == "sendMessage" and c.ok)
    refused = server.flood.refused if server.flood else 0
    await server.stop()
    achieved = sent / elapsed
    print(f"{sent:,} of {args.messages:,} notifications to {args.chats} chats in {elapsed:.1f} s")
    print(f"achieved {achieved:.1f} messages/s = {achieved / TELEGRAM_RATE:.1%} of Telegram's {TELEGRAM_RATE:.0f}/s")
    print(f"429 responses: {refused}   (limits: {rate:g}/s overall, {interval:g} s per chat)")
    print("targets: ≥ 95 % of 30 messages/s, zero 429")


if __name__ == "__main__":
    asyncio.run(main())
