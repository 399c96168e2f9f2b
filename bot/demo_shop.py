"""The demo shop's fixed parts: the clock the demo moves on, its staff's ids and chats, its orders' codes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from domain.ports import SystemClock


class MovableClock(SystemClock):
    """Real time, plus however far the demo has moved it (to show what jobs do later)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


ADMIN_ID = 1000
STAFF_CHAT = -100500  # the staff group's chat id (STAFF_CHAT_ID)
SUPPORT_CHAT = -100900  # the support group, a forum: a topic per customer (SUPPORT_CHAT_ID)
SHOP_ADDRESS = "Corner Gifts Ltd, 12 Market Street, Bath BA1 1AA"
SHOP_BANK = "Corner Gifts Ltd · sort code 20-00-00 · account 12345678"


def order_code(text: str) -> str:
    match = re.search(r"Order (\w{8})", text)
    return match.group(1) if match else ""
