"""The demo types the shop's days: run with ``TIMEZONE=Europe/Moscow`` at 00:30 there (21:30 UTC the
day before), its preorder is released on Moscow's tomorrow; UTC's tomorrow is Moscow's today, which
``/backorder … preorder`` refuses, and the demo's preorder scene had no preorder to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.demo_backorders import preorder_filled_by_a_purchase_order
from bot.harness import running_bot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, refused_calls
from tests.e2e.journeys import scalar


class MovableClock:
    """The demo's clock, moved by a timedelta."""

    def __init__(self, at: datetime) -> None:
        self.current = at

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


async def test_the_demos_preorder_is_released_on_the_shops_tomorrow(tmp_path: Path) -> None:
    clock = MovableClock(datetime(2026, 12, 9, 21, 30, tzinfo=UTC))  # 00:30 on the 10th in Moscow
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        admin_ids=[ADMIN],
        timezone="Europe/Moscow",
    ) as shop:
        ada = SandboxUser(shop.server, ADMIN, "Ada")
        transcript: list[str] = []
        await preorder_filled_by_a_purchase_order(shop, ada, transcript, lambda _scene: None)
        released = m.BackorderTermsRow.release_date
        assert await scalar(shop, select(released)) == date(2026, 12, 11)
        assert "Moon Lamp" in transcript[-1]  # Dana heard her preorder was allocated on the release day
        assert refused_calls(shop) == []
