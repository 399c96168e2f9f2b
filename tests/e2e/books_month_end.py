"""Set-ups and readers of test_books_month_end that other test modules use too."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.harness import RunningBot
from tests.e2e.conftest import ADMIN, shop_on
from tests.fakes import FakeClock


def books_shop(database_url: str, clock: FakeClock, **settings: Any) -> AbstractAsyncContextManager[RunningBot]:
    """The demo shop with an admin and a staff chat on each engine (the books are rows both keep)."""
    return shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN], **settings)
