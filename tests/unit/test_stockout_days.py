"""Days out of stock from summed days (what SQL hands back) equal the walk over every movement."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from domain.shop_days import shop_day
from domain.stockout_days import EPOCH, StockDays, days_out_of, summed_days
from domain.stockouts import StockTrail, days_out
from tests.unit.stockout_days import MONDAY, ZONES, random_trail


def as_days(trail: StockTrail, zone: str, since: datetime | None = None) -> StockDays:
    """What the SQL reader hands back, made in Python: only days that began or ended with none."""
    read = [(at, delta) for at, delta in trail.moves if since is None or at >= since]
    summed = summed_days([((shop_day(at, zone) - EPOCH).days, delta) for at, delta in read], trail.on_hand)
    kept = [d for d in summed if d.began <= 0 or d.began + d.net <= 0]
    return StockDays(trail.on_hand, (shop_day(trail.first_moved, zone) - EPOCH).days, bool(read), kept)


def test_days_out_from_the_days_that_began_or_ended_with_none_equal_the_walk_over_every_movement() -> None:
    rng = random.Random(6)
    for _ in range(3000):
        trail, zone, weeks = random_trail(rng), rng.choice(ZONES), rng.randint(1, 16)
        assert days_out_of(as_days(trail, zone), MONDAY, weeks) == days_out(trail, MONDAY, weeks, zone), (trail, zone)


def test_movements_before_the_read_began_change_nothing_from_the_week_read() -> None:
    rng = random.Random(7)
    for _ in range(1000):
        trail, zone, weeks = random_trail(rng), rng.choice(ZONES), rng.randint(1, 6)
        first_week = MONDAY + timedelta(weeks=rng.randint(0, 6))
        since = datetime.combine(first_week - timedelta(days=1), datetime.min.time(), UTC)
        read = StockTrail(trail.on_hand, trail.first_moved, [(at, d) for at, d in trail.moves if at >= since])
        assert days_out_of(as_days(trail, zone, since), first_week, weeks) == days_out(read, first_week, weeks, zone)
