"""Calls a person is waiting on, tried again after the wait Telegram names when refused for flood control."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import TelegramRetryAfter

T = TypeVar("T")
FLOOD_RETRIES = 5  # a call refused for flood control is tried again after the wait Telegram names
MAX_FLOOD_WAIT_S = 10  # longer than this, the person is better told to try again than kept waiting


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, waiting out Telegram's retry-after: several messages in a row to one chat
    outpace what Telegram lets a bot post there (about one a second), and each refused one
    would otherwise be answered "something went wrong" and never arrive."""
    for attempt in range(FLOOD_RETRIES + 1):
        try:
            return await call()
        except TelegramRetryAfter as flood:
            if attempt == FLOOD_RETRIES or flood.retry_after > MAX_FLOOD_WAIT_S:
                raise
            await asyncio.sleep(flood.retry_after)
    raise AssertionError("unreachable")
