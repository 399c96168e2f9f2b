from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.harness import RunningBot, running_bot


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'e2e.sqlite3'}", default_currency="GBP") as bot:
        yield bot
