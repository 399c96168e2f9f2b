"""Stock movements summed per shop day in SQL, only the days that began or ended with none handed back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Integer, TextClause, bindparam, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.shop_days import shop_day
from domain.stockout_days import EPOCH, StockDay, StockDays
from storage import models as m
from storage.db import DIALECT
from storage.models.base import UtcDateTime
from storage.repositories.id_ranges import id_ranges
from storage.repositories.sql import fetch

# Performance rule (``domain.stockout_days.days_out_of`` says why the days handed back are
# enough): a movement's shop day is worked out in SQL as (UTC seconds + the zone's offset then)
# // 86,400, the offsets as a CASE over the zone's changes from the read's start. Both engines
# read it alike; Python's zoneinfo, not the database's time zone data, says where a day turns.
# Movements later than ``YEARS`` after the read's start take the last offset: their day is then
# off by at most the offsets' difference, and only a day that late could be (no forecast reads it).
YEARS = 20
STEP = timedelta(hours=6)  # zones change offset far more seldom than this


def _offset(zone: ZoneInfo, at: datetime) -> int:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


@lru_cache(maxsize=16)
def offsets(zone_name: str, since: datetime) -> tuple[tuple[datetime, int], ...]:
    """(from when, offset in seconds) for ``zone_name`` from ``since`` on, each change found to the second."""
    zone = ZoneInfo(zone_name)
    found = [(since, _offset(zone, since))]
    at, until = since, since + timedelta(days=365 * YEARS)
    while at < until:
        after = at + STEP
        if _offset(zone, after) != found[-1][1]:
            low, high = at, after  # the change is after ``low``, at or before ``high``
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(zone, middle) == found[-1][1] else (low, middle)
            found.append((high.replace(microsecond=0), _offset(zone, high)))
        at = after
    return tuple(found)


def _day(dialect: str, changes: int) -> str:
    """A movement's shop day in SQL for a zone with ``changes`` offset changes (bound as ``t1``… and ``o0``…)."""
    cases = " ".join(f"WHEN at < :t{i} THEN :o{i - 1}" for i in range(1, changes + 1))
    offset = f"CASE {cases} ELSE :o{changes} END" if changes else ":o0"
    if dialect == "postgresql":
        return f"CAST(floor((EXTRACT(EPOCH FROM at) + {offset}) / 86400) AS INTEGER)"
    return f"(CAST(strftime('%s', at) AS INTEGER) + {offset}) / 86400"  # whole seconds: a day turns on one


def _zone_binds(changes: int) -> list[BindParameter[Any]]:
    binds: list[BindParameter[Any]] = [bindparam(f"t{i}", type_=UtcDateTime()) for i in range(1, changes + 1)]
    return binds + [bindparam(f"o{i}", type_=Integer) for i in range(changes + 1)]


def _zone_params(zone: str, start: datetime) -> tuple[int, dict[str, object]]:
    changes = offsets(zone, start.astimezone(UTC))
    params: dict[str, object] = {f"o{i}": offset for i, (_, offset) in enumerate(changes)}
    return len(changes) - 1, params | {f"t{i}": at for i, (at, _) in enumerate(changes) if i}


# The days that began or ended with none, from ``days`` (product, warehouse, day, net, came_in):
# each day's opening count is the count now less what moved that day and after.
_WALK = """
    walked AS (
        SELECT d.product_id, d.warehouse_id, d.day, d.net, d.came_in,
               COALESCE(s.on_hand, 0) - SUM(d.net) OVER (PARTITION BY d.product_id, d.warehouse_id)
               + SUM(d.net) OVER (
                   PARTITION BY d.product_id, d.warehouse_id ORDER BY d.day ROWS UNBOUNDED PRECEDING
               ) - d.net AS began,
               LAG(d.day) OVER (PARTITION BY d.product_id, d.warehouse_id ORDER BY d.day) AS prev_day,
               LEAD(d.day) OVER (PARTITION BY d.product_id, d.warehouse_id ORDER BY d.day) AS next_day
        FROM days AS d
        LEFT JOIN stock AS s ON s.product_id = d.product_id AND s.warehouse_id = d.warehouse_id
    )
    SELECT product_id, warehouse_id, day, began, net, came_in, prev_day IS NULL, next_day FROM walked
    WHERE began <= 0 OR began + net <= 0
"""
_RANGE = [bindparam("low", type_=Integer), bindparam("high", type_=Integer)]


@lru_cache(maxsize=16)
def _statement(dialect: str, changes: int) -> TextClause:
    """The read from the movements themselves, from ``since`` on (``/forecast``'s few products)."""
    sql = f"""
    WITH moved AS (
        SELECT product_id, warehouse_id, delta, {_day(dialect, changes)} AS day FROM inventory_movements
        WHERE product_id BETWEEN :low AND :high AND at >= :since
    ), days AS (
        SELECT product_id, warehouse_id, day, SUM(delta) AS net,
               MAX(CASE WHEN delta > 0 THEN 1 ELSE 0 END) AS came_in
        FROM moved GROUP BY product_id, warehouse_id, day
    ), {_WALK}"""
    return text(sql).bindparams(bindparam("since", type_=UtcDateTime()), *_RANGE, *_zone_binds(changes))


_KEPT = text(
    f"""
    WITH pairs AS (
        SELECT t.product_id, t.warehouse_id FROM stock_day_pairs AS t
        LEFT JOIN stock AS s ON s.product_id = t.product_id AND s.warehouse_id = t.warehouse_id
        WHERE t.product_id BETWEEN :low AND :high AND t.lowest <= t.total - COALESCE(s.on_hand, 0)
    ), days AS (
        SELECT d.product_id, d.warehouse_id, d.day, d.net, d.came_in FROM pairs AS t
        JOIN stock_day_sums AS d ON d.product_id = t.product_id AND d.warehouse_id = t.warehouse_id
    ), {_WALK}"""
).bindparams(*_RANGE)
_KEPT_FIRSTS = text(
    "SELECT product_id, warehouse_id, first_day FROM stock_day_pairs WHERE product_id BETWEEN :low AND :high"
).bindparams(*_RANGE)


def _moved_days(dialect: str, changes: int) -> str:
    """The movements ``after`` … ``upto`` summed per pair and day (``days``), and each pair's
    first day among them (``fresh``): a WITH clause's tables, read before they are folded."""
    return f"""
    moved AS (
        SELECT product_id, warehouse_id, delta, {_day(dialect, changes)} AS day FROM inventory_movements
        WHERE id > :after AND id <= :upto
    ), days AS (
        SELECT product_id, warehouse_id, day, SUM(delta) AS net FROM moved GROUP BY product_id, warehouse_id, day
    ), fresh AS (
        SELECT product_id, warehouse_id, MIN(day) AS first_new FROM days GROUP BY product_id, warehouse_id
    )"""


def _walked_into_pairs(pairs: str, on_conflict: str) -> str:
    """The pairs ``pairs`` (a FROM item naming each pair once, as ``t``) walked through their
    day sums in ``days`` (a table or a WITH clause's): their first day, total and lowest running
    total written to ``stock_day_pairs``, ``on_conflict`` the SET of a pair that has a row."""
    # The lowest a day ended with (less the count now): a day that began with none began with what
    # the day before ended with, and the first day's beginning is before anything is known.
    return f"""
    INSERT INTO stock_day_pairs (product_id, warehouse_id, first_day, total, lowest)
    SELECT product_id, warehouse_id, MIN(day), SUM(net), MIN(run) FROM (
        SELECT d.product_id, d.warehouse_id, d.day, d.net, SUM(d.net) OVER (
            PARTITION BY d.product_id, d.warehouse_id ORDER BY d.day ROWS UNBOUNDED PRECEDING
        ) AS run
        FROM {pairs}
    ) AS walked
    WHERE true GROUP BY product_id, warehouse_id
    ON CONFLICT (product_id, warehouse_id) DO UPDATE
    SET {on_conflict}
"""


# Performance rule: a night's movements mostly fall after every day a pair has summed, so its
# lowest is the lowest before or the old total plus the lowest run through the new days: read
# from the new days alone, not every day again (``_pairs`` walked every day of 50,000 pairs a
# night). A pair with a summed day on or after its first new day is walked again whole.
_APPENDED = _walked_into_pairs(
    """fresh AS t JOIN days AS d ON d.product_id = t.product_id AND d.warehouse_id = t.warehouse_id
        WHERE EXISTS (
            SELECT 1 FROM stock_day_pairs AS p WHERE p.product_id = t.product_id AND p.warehouse_id = t.warehouse_id
        ) AND NOT EXISTS (
            SELECT 1 FROM stock_day_sums AS s
            WHERE s.product_id = t.product_id AND s.warehouse_id = t.warehouse_id AND s.day >= t.first_new
        )""",
    """total = stock_day_pairs.total + excluded.total,
        lowest = CASE WHEN stock_day_pairs.total + excluded.lowest < stock_day_pairs.lowest
                      THEN stock_day_pairs.total + excluded.lowest ELSE stock_day_pairs.lowest END""",
)
_WALK_AGAIN = """
    DELETE FROM stock_day_pairs WHERE (product_id, warehouse_id) IN (
        SELECT f.product_id, f.warehouse_id FROM fresh AS f WHERE EXISTS (
            SELECT 1 FROM stock_day_sums AS s
            WHERE s.product_id = f.product_id AND s.warehouse_id = f.warehouse_id AND s.day >= f.first_new
        )
    )
"""


@lru_cache(maxsize=16)
def _before_fold(dialect: str, changes: int) -> tuple[TextClause, TextClause]:
    """Before movements ``after`` … ``upto`` are folded: the pairs they only add later days to
    get their total and lowest from those days; the others' rows go, for ``_pairs`` to walk."""
    binds = bindparam("after", type_=Integer), bindparam("upto", type_=Integer), *_zone_binds(changes)
    moved = _moved_days(dialect, changes)
    return (
        text(f"WITH {moved} {_APPENDED}").bindparams(*binds),
        text(f"WITH {moved} {_WALK_AGAIN}").bindparams(*binds),
    )


@lru_cache(maxsize=1)
def _pairs() -> TextClause:
    """The pairs that moved in ids ``after`` … ``upto`` and have no row (new, or one
    ``_before_fold`` took away): their first day, total and lowest, every day walked."""
    sql = _walked_into_pairs(
        """(
            SELECT DISTINCT product_id, warehouse_id FROM inventory_movements AS mv
            WHERE id > :after AND id <= :upto AND NOT EXISTS (
                SELECT 1 FROM stock_day_pairs AS p
                WHERE p.product_id = mv.product_id AND p.warehouse_id = mv.warehouse_id
            )
        ) AS t
        JOIN stock_day_sums AS d ON d.product_id = t.product_id AND d.warehouse_id = t.warehouse_id""",
        "first_day = excluded.first_day, total = excluded.total, lowest = excluded.lowest",
    )
    return text(sql).bindparams(bindparam("after", type_=Integer), bindparam("upto", type_=Integer))


@lru_cache(maxsize=16)
def _fold(dialect: str, changes: int) -> TextClause:
    """Movements ``after`` … ``upto`` (ids) added to their days' sums."""
    most = "GREATEST" if dialect == "postgresql" else "MAX"
    sql = f"""
    INSERT INTO stock_day_sums (product_id, warehouse_id, day, net, came_in)
    SELECT product_id, warehouse_id, day, SUM(delta), MAX(CASE WHEN delta > 0 THEN 1 ELSE 0 END) FROM (
        SELECT product_id, warehouse_id, delta, {_day(dialect, changes)} AS day FROM inventory_movements
        WHERE id > :after AND id <= :upto
    ) AS moved
    WHERE true GROUP BY product_id, warehouse_id, day
    ON CONFLICT (product_id, warehouse_id, day) DO UPDATE
    SET net = stock_day_sums.net + excluded.net, came_in = {most}(stock_day_sums.came_in, excluded.came_in)
    """
    after, upto = bindparam("after", type_=Integer), bindparam("upto", type_=Integer)
    return text(sql).bindparams(after, upto, *_zone_binds(changes))


def _kept_rows(rows: Sequence[Any], days: dict[tuple[int, int], list[StockDay]]) -> None:
    for p, w, day, began, net, came_in, first_read, after in cast(Sequence[tuple[Any, ...]], rows):
        days.setdefault((p, w), []).append(StockDay(day, int(began), int(net), bool(came_in), bool(first_read), after))


async def stock_days(
    session: AsyncSession, product_ids: Sequence[int], since: datetime, zone: str
) -> dict[tuple[int, int], StockDays]:
    """Per (product, warehouse) that ever moved: its count now, its first movement's shop day,
    whether it moved from ``since`` on, and those days since that began or ended with none."""
    mv, st = m.InventoryMovementRow, m.StockRow
    changes, zone_params = _zone_params(zone, since)
    statement = _statement(session.info[DIALECT], changes)
    wanted = set(product_ids)
    firsts: dict[tuple[int, int], tuple[datetime, datetime]] = {}
    on_hand: dict[tuple[int, int], int] = {}
    days: dict[tuple[int, int], list[StockDay]] = {}
    for low, high in id_ranges(product_ids):
        span = mv.product_id.between(low, high)
        when = select(mv.product_id, mv.warehouse_id, func.min(mv.at), func.max(mv.at)).where(span)
        for p, w, first, latest in await session.execute(when.group_by(mv.product_id, mv.warehouse_id)):
            firsts[(p, w)] = first, latest
        for p, w, units in await session.execute(
            select(st.product_id, st.warehouse_id, st.on_hand).where(st.product_id.between(low, high))
        ):
            on_hand[(p, w)] = units
        _kept_rows(await fetch(session, statement, zone_params | {"since": since, "low": low, "high": high}), days)
    return {
        key: StockDays(on_hand.get(key, 0), (shop_day(first, zone) - EPOCH).days, latest >= since, days.get(key, []))
        for key, (first, latest) in firsts.items()
        if key[0] in wanted
    }


async def kept_stock_days(session: AsyncSession, product_ids: Sequence[int]) -> dict[tuple[int, int], StockDays]:
    """``stock_days`` from the kept sums (as far as ``fold_stock_days`` took them), every day
    since the first movement: a night reads ints in key order, not every movement's time."""
    wanted = set(product_ids)
    firsts: dict[tuple[int, int], int] = {}
    days: dict[tuple[int, int], list[StockDay]] = {}
    for low, high in id_ranges(product_ids):
        found = await fetch(session, _KEPT_FIRSTS, {"low": low, "high": high})
        for p, w, first in cast(Sequence[tuple[int, int, int]], found):
            firsts[(p, w)] = first
        _kept_rows(await fetch(session, _KEPT, {"low": low, "high": high}), days)
    return {key: StockDays(0, first, True, days.get(key, [])) for key, first in firsts.items() if key[0] in wanted}


async def fold_stock_days(session: AsyncSession, zone: str, most: int) -> int:
    """Adds up to ``most`` movements not yet summed (by id) to ``stock_day_sums`` in ``zone``'s
    days (all again when the zone changed); returns how many were summed.

    The rule it relies on: a movement's id is never summed twice nor skipped. Movements are only
    ever inserted; on SQLite one writer at a time commits them, in id order; on PostgreSQL a
    transaction may commit a lower id after a higher one, so the table is locked against
    inserts (SHARE) first: every id up to the highest seen is then committed."""
    dialect = session.info[DIALECT]
    if dialect == "postgresql":
        await session.execute(text("LOCK TABLE inventory_movements IN SHARE MODE"))
    mark = (await session.execute(select(m.StockDayMarkRow).where(m.StockDayMarkRow.id == 1))).scalar_one_or_none()
    if mark is None:
        mark = m.StockDayMarkRow(id=1, movement_id=0, zone=zone)
        session.add(mark)
    elif mark.zone != zone:  # a shop day of another zone: sum every movement again
        await session.execute(delete(m.StockDaySumRow))
        await session.execute(delete(m.StockDayPairRow))
        mark.movement_id, mark.zone = 0, zone
    mv = m.InventoryMovementRow
    after = mark.movement_id
    top = (await session.execute(select(func.max(mv.id)))).scalar()
    if top is None or top <= after:
        return 0
    upto = min(top, after + most)
    first = (await session.execute(select(func.min(mv.at)).where(mv.id > after, mv.id <= upto))).scalar()
    if first is not None:
        day = datetime.combine(first.astimezone(UTC).date(), time(), UTC)  # one zone table a day, cached
        changes, zone_params = _zone_params(zone, day)
        params = zone_params | {"after": after, "upto": upto}
        if (await session.execute(select(m.StockDayPairRow.product_id).limit(1))).first() is not None:
            for statement in _before_fold(dialect, changes):  # the first night: every pair is new
                await session.execute(statement, params)
        await session.execute(_fold(dialect, changes), params)
        await session.execute(_pairs(), {"after": after, "upto": upto})
    mark.movement_id = upto
    return upto - after
