"""The carrier events' repository port (``domain.ports`` imports it: that module keeps under 700 lines)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class CarrierEventRepository(Protocol):
    async def record(self, order_id: int, tracking: str, event: str, location: str, at: datetime) -> bool:
        """Record a carrier's tracking update for this transaction: False when the same one
        (tracking, event and location) was recorded already, by a committed or a concurrent
        transaction (which it waits for), so a repeated callback is told once."""
        ...
