"""Support hours: the days and times of the shop's timezone someone answers customers, and when that is next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as typed in SUPPORT_HOURS (date.weekday() order)
_GROUP = re.compile(r"^([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
EXAMPLE = "Mon-Fri 09:00-18:00; Sat 10:00-14:00"


@dataclass(frozen=True, slots=True)
class Window:
    """One day's staffed time, in minutes after the shop's midnight: [start, end)."""

    weekday: int  # 0 = Monday
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SupportHours:
    """When someone answers, in the shop's timezone; ``windows`` empty: always (nobody set hours)."""

    windows: tuple[Window, ...] = ()

    @classmethod
    def parse(cls, text: str) -> SupportHours:
        """``Mon-Fri 09:00-18:00; Sat 10:00-14:00``: groups split by ``;``, each a day or a range
        of days (Mon…Sun, a range may wrap: ``Sat-Sun``) and one time range within the day
        (24:00 is its end). Raises ValueError naming what is wrong."""
        windows: list[Window] = []
        for group in filter(None, (part.strip().lower() for part in text.split(";"))):
            found = _GROUP.match(group)
            if found is None:
                raise ValueError(f"{group!r} is not like {EXAMPLE!r}")
            first, last, start_h, start_m, end_h, end_m = found.groups()
            for day in (first, last or first):
                if day not in DAYS:
                    raise ValueError(f"{day!r} is not a day: use {', '.join(d.title() for d in DAYS)}")
            start, end = _minutes(start_h, start_m), _minutes(end_h, end_m)
            if start >= end:  # a night shift past midnight is two groups, each within its day
                raise ValueError(f"{group!r}: the time range must end after it starts, within the day")
            begin, stop = DAYS.index(first), DAYS.index(last or first)
            days = [(begin + step) % 7 for step in range((stop - begin) % 7 + 1)]
            windows += [Window(day, start, end) for day in days]
        return cls(tuple(sorted(windows, key=lambda w: (w.weekday, w.start))))

    def next_answer(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """None when someone answers at ``moment`` (or the shop set no hours); else the start
        of the next staffed time, in the shop's ``zone``."""
        if not self.windows:
            return None
        local = moment.astimezone(zone)
        for ahead in range(8):  # every weekday comes round within a week
            day = local.date() + timedelta(days=ahead)
            for window in self.windows:
                if window.weekday != day.weekday():
                    continue
                start = _at(day, window.start, zone)
                if ahead == 0 and start <= local < _at(day, window.end, zone):
                    return None
                if start > local:
                    return start
        return None  # unreachable with a window at all: some weekday's start is within eight days


def _minutes(hours: str, minutes: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"{hours}:{minutes} is not a time of day")
    return value


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    if minutes == 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
