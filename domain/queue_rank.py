"""The fulfilment queue's priority rule, as sort keys that Python and the database both apply."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from domain.orders import Order

PRIORITY_FLAGS = frozenset({"VIP", "GIFT", "REPLACEMENT"})


class RankKey(Enum):
    """One ascending sort key of the queue. The storage turns each into an ORDER BY term
    (``storage/repositories/orders.py``), so the database ranks a page without loading the
    warehouse's orders; a test compares the two orders on both engines."""

    FLAGGED = "flagged"  # 0 when the order carries a priority flag (VIP, gift, replacement), else 1
    UNPROMISED = "unpromised"  # 0 when its delivery has a promised date (the carrier cut-off to meet), else 1
    PROMISED = "promised"  # that date, earliest first; all the same when there is none
    PLACED = "placed"  # when the order was placed, oldest first
    ID = "id"  # last, so that ties have one order


# Flagged orders first, then the earliest promised date, then the oldest.
QUEUE_RANK = (RankKey.FLAGGED, RankKey.UNPROMISED, RankKey.PROMISED, RankKey.PLACED, RankKey.ID)
_NEVER = datetime.min  # an order not saved yet has no time placed


def promised(order: Order) -> date | None:
    """The date the order's delivery was promised for, if any."""
    return order.delivery.eta if order.delivery and order.delivery.eta else None


def rank_value(key: RankKey, order: Order) -> int | date | datetime:
    if key is RankKey.FLAGGED:
        return 0 if order.flags & PRIORITY_FLAGS else 1
    if key is RankKey.UNPROMISED:
        return 0 if promised(order) else 1
    if key is RankKey.PROMISED:
        return promised(order) or date.min
    if key is RankKey.PLACED:
        return order.created_at or _NEVER
    return order.id or 0


def queue_key(order: Order) -> tuple[int | date | datetime, ...]:
    """Where an order stands in its warehouse's queue: ``sorted(orders, key=queue_key)``."""
    return tuple(rank_value(key, order) for key in QUEUE_RANK)
