from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.harness import RunningBot, running_bot
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
        refused = [(c.method, c.description) for c in bot.server.calls if not c.ok]
        assert refused == [], "the sandbox refused calls the bot made"
