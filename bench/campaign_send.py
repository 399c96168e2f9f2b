"""A campaign to 10,000 customers through the sandbox Bot API with Telegram's flood limits on.

The campaign is sent with the use cases (one outbox row per recipient, at the campaign
priority); one notifier delivers it with its default limits while, every few seconds, an
order's notification is written for another customer (as a shipped order would be). Prints
the achieved messages/s as a share of Telegram's ~30/s ceiling, the 429s the sandbox answered,
and how long the order notifications waited (targets: ≥ 95 %, zero 429, ≤ 5 s).

    python bench/campaign_send.py [--recipients 10000] [--order-every 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, insert, select

from bot.config import Settings
from bot.i18n import make_i18n
from bot.notifier import Notifier, SendLimits
from domain.campaigns import SegmentKind
from domain.customers import Role, StaffMember
from domain.notifications import Notification
from domain.ports import SystemClock
from domain.usecases.campaigns import choose_segment, send_campaign, start_campaign
from handlers.views.rendering import Renderer
from sandbox import SandboxServer, SandboxUser
from storage import models as m
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.outbox import OutboxStore
from storage.uow import SqlUnitOfWork

TELEGRAM_RATE = 30.0
MANAGER = 7
FIRST_CHAT = 100_000
BUYERS = 50  # customers outside the campaign who get order notifications meanwhile


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--order-every", type=float, default=5.0, help="seconds between order notifications")
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
        recipients = [FIRST_CHAT + i for i in range(args.recipients)]
        buyers = [FIRST_CHAT - 1 - i for i in range(BUYERS)]
        for chat_id in (*recipients, *buyers):
            SandboxUser(server, chat_id, f"C{chat_id}", wait=False)
        async with sessions() as session, session.begin():
            rows = [
                {"telegram_id": chat, "first_name": "C", "language": "en", "created_at": clock.now()}
                for chat in recipients
            ]
            await session.execute(insert(m.CustomerRow), rows)
        uow = SqlUnitOfWork(sessions)
        async with uow:
            await uow.staff.put(StaffMember(MANAGER, Role.MANAGER))
            await uow.commit()
        draft = await start_campaign(
            uow, clock, staff_id=MANAGER, text="<b>Winter sale</b>", plain_length=11, photo=None
        )
        assert draft.id is not None
        await choose_segment(uow, clock, staff_id=MANAGER, campaign_id=draft.id, kind=SegmentKind.EVERYONE)
        await send_campaign(uow, clock, staff_id=MANAGER, campaign_id=draft.id)

        bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
        notifier = Notifier(OutboxStore(sessions), bot, Renderer(), make_i18n("en"), clock, SendLimits(rate, interval))

        async def campaign_left() -> int:
            async with sessions() as session:
                o = m.OutboxRow
                pending = select(func.count()).where(
                    o.campaign_id == draft.id, o.sent_at.is_(None), o.failed_at.is_(None)
                )
                return int(await session.scalar(pending) or 0)

        started = time.perf_counter()
        delivering = asyncio.create_task(notifier.run(interval=0.2))
        orders = 0
        try:
            while await campaign_left():
                await asyncio.sleep(args.order_every)
                async with uow:
                    params = {"code": f"ORD{orders:05d}", "status": "shipped", "reason": ""}
                    await uow.outbox.add(
                        Notification(buyers[orders % BUYERS], "order_status", "en", params), clock.now()
                    )
                    await uow.commit()
                orders += 1
                notifier.wake()
            elapsed = time.perf_counter() - started
            while True:  # the last order notifications
                async with sessions() as session:
                    o = m.OutboxRow
                    if not await session.scalar(select(func.count()).where(o.sent_at.is_(None), o.failed_at.is_(None))):
                        break
                await asyncio.sleep(0.2)
        finally:
            notifier.stop()
            await delivering
            await bot.session.close()
        async with sessions() as session:
            o = m.OutboxRow
            waits = [
                (sent - created).total_seconds()
                for created, sent in await session.execute(  # only sent rows: sent_at is set
                    select(o.created_at, o.sent_at).where(o.campaign_id.is_(None), o.sent_at.is_not(None))
                )
                if sent is not None
            ]
            first, last = (
                await session.execute(select(func.min(o.sent_at), func.max(o.sent_at)).where(o.campaign_id == draft.id))
            ).one()
        await engine.dispose()
    sent = sum(1 for c in server.calls if c.method == "sendMessage" and c.ok)
    refused = server.flood.refused if server.flood else 0
    await server.stop()
    span = (last - first).total_seconds() if first and last else elapsed
    achieved = sent / span
    print(f"{sent:,} messages sent ({args.recipients:,} campaign + {len(waits)} order notifications) in {span:.1f} s")
    print(f"achieved {achieved:.1f} messages/s = {achieved / TELEGRAM_RATE:.1%} of Telegram's {TELEGRAM_RATE:.0f}/s")
    print(f"429 responses: {refused}   (limits: {rate:g}/s overall, {interval:g} s per chat)")
    if waits:
        print(
            f"order notifications during the campaign: {len(waits)}, waited median {statistics.median(waits):.2f} s, "
            f"max {max(waits):.2f} s"
        )
    print("targets: ≥ 95 % of 30 messages/s, zero 429, order notifications within 5 s")


if __name__ == "__main__":
    asyncio.run(main())
