from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def running(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The bot on the demo catalog, card payments on, a staff chat, and a clock we control.

    After each test, every call the bot made must have been accepted by the sandbox:
    no message broke Telegram's limits or HTML rules on the way.
    """
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        payment_provider_token="sandbox:provider",
        staff_chat_id=-100500,
    ) as bot:
        yield bot
        assert refused_calls(bot) == [], "the sandbox refused calls the bot made"


ADMIN = 1
NOT_MODIFIED = "Bad Request: message is not modified"


def refused_calls(bot: RunningBot) -> list[tuple[str, str]]:
    """Calls the sandbox refused. An edit to what the message already shows is Telegram's
    "message is not modified": the bot takes it as done (a double tap), so it is no refusal."""
    return [
        (c.method, c.description) for c in bot.server.calls if not c.ok and not c.description.startswith(NOT_MODIFIED)
    ]


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The demo shop with an admin (``ADMIN``) and a staff chat; every call accepted."""
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'staff.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
    ) as bot:
        yield bot
        assert refused_calls(bot) == []


def invite_token(text: str) -> str:
    match = re.search(r"start=inv_([\w-]+)", text)
    assert match, text
    return match.group(1)


async def hire(shop: RunningBot, user_id: int, name: str, role: str, warehouse: str = "") -> SandboxUser:
    """Someone the admin invited for ``role`` and who opened the link."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    token = invite_token((await admin.send(f"/invite {role} {warehouse}".strip())).last.text)
    member = SandboxUser(shop.server, user_id, name)
    await member.send(f"/start inv_{token}")
    return member
