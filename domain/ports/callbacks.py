"""The port of the intake API channels' status callbacks: their URLs and the events waiting to be delivered."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from domain.callbacks import ChannelCallback, DueCallback, OrderEvent


class CallbackRepository(Protocol):
    async def set_url(self, channel: str, url: str, secret: str, at: datetime) -> None:
        """The channel's (an API key name's) callback URL and signing secret, replacing any before."""
        ...

    async def remove(self, channel: str) -> int | None:
        """No more events for the channel: its URL removed and the events waiting for it (neither delivered nor
        given up) dropped, how many returned; None if it had no URL."""
        ...

    async def of_channel(self, channel: str) -> ChannelCallback | None: ...
    async def record(self, order_id: int, event: OrderEvent) -> int | None:
        """In the change's transaction: the event, for the channel that placed the order if it has a
        callback URL (its id), else nothing (None: a chat's order, or a channel without one)."""
        ...

    async def due(self, now: datetime, limit: int, skip: Collection[str] = ()) -> list[DueCallback]:
        """Events neither delivered nor given up whose next try is due, oldest first, of channels
        that still have a URL (the one they have now), but those in ``skip``."""
        ...

    async def delivered(self, event_id: int, at: datetime) -> None: ...
    async def failed(self, event_id: int, error: str, at: datetime, retry_at: datetime | None) -> None:
        """A try that failed: tried again at ``retry_at``, or given up (None)."""
        ...
