"""The demo's support hours: a customer who asks for a person outside SUPPORT_HOURS is told when one answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.harness import running_bot
from domain.ports import SystemClock
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup

ZONE = "Europe/London"  # the demo's UK shop's
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SUPPORT_CHAT = -100901


async def after_hours_question(folder: Path, transcript: list[str], scene: Callable[[str], None]) -> None:
    """A shop of its own, started with SUPPORT_HOURS (a setting read at start): the demo runs on the
    real clock, so the hours are on the day after tomorrow, which now is always outside of."""
    clock = SystemClock()
    london = clock.now().astimezone(ZoneInfo(ZONE))
    hours = f"{DAYS[(london + timedelta(days=2)).weekday()]} 09:00-18:00"  # the shop's TIMEZONE: London
    scene(f"A shop with SUPPORT_HOURS={hours} (shop time): Dan asks for a person outside them, and is told when")
    async with running_bot(
        f"sqlite+aiosqlite:///{folder / 'support-hours.sqlite3'}",
        clock=clock,
        demo_catalog=False,
        support_chat_id=SUPPORT_CHAT,
        support_hours=hours,
        timezone=ZONE,
    ) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT_CHAT, forum=True)
        dan = SandboxUser(shop.server, 1011, "Dan", language_code="en", transcript=transcript)
        await dan.send("💬 Contact us")
        await dan.send("Is the Moon Lamp dimmable?")
        [topic] = shop.server.forums[SUPPORT_CHAT].values()
        header = next(m for m in shop.server.chat_messages(SUPPORT_CHAT) if m.thread_id == topic.thread_id)
        transcript.append("💬 in the topic: " + "\n    ".join(header.text.splitlines()))
