"""Set-ups and readers of test_stockout_days that other test modules use too."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from domain.stockouts import StockTrail

MONDAY = date(2026, 3, 2)


ZONES = ("UTC", "Europe/Moscow", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/London")


def random_trail(rng: random.Random) -> StockTrail:
    """Up to 25 movements over 90 days around ``MONDAY`` (across DST changes), at any time of day."""
    start = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 60))
    moves, on_hand = [], 0
    for _ in range(rng.randint(0, 25)):
        delta = rng.choice([rng.randint(1, 6), -rng.randint(1, 6), 0])
        delta = max(delta, -on_hand)
        on_hand += delta
        moves.append((start + timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 24 * 60 - 1)), delta))
    moves.sort()
    first = moves[0][0] if moves else start
    return StockTrail(sum(delta for _, delta in moves) + rng.choice([0, 0, -1, 2]), first, moves)
