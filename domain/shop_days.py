"""The shop's days: dates staff type and read (promotions, sales history, /slow) are days of the
shop's ``TIMEZONE``, not UTC's, so a Moscow shop's day turns at its own midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo


def shop_day(moment: datetime, zone: tzinfo | str) -> date:
    """The day ``moment`` falls on in the shop's ``zone`` (a tzinfo or an IANA name)."""
    return moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The moment ``day`` begins in the shop's ``zone``, in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
