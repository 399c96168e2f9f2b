"""Stock movements summed per shop day in SQL give the days out of stock the walk over every movement gives,
on SQLite and PostgreSQL, in zones with and without summer time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.money import Money
from domain.stockout_days import days_out_of
from domain.stockouts import days_out
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.repositories.stock_days import offsets
from storage.uow import SqlUnitOfWork
from tests.unit.stockout_days import MONDAY, ZONES, random_trail


async def test_days_out_read_from_days_summed_in_sql_equal_the_walk_over_every_movement(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    rng = random.Random(8)
    async with uow:
        products = []
        for k in range(40):
            added = await uow.products.upsert(
                Product(sku=f"P{k}", name=f"P{k}", category="C", prices={"EUR": Money(100, "EUR")})
            )
            products.append(added.id or 0)
        warehouses = [(await uow.warehouses.upsert(Warehouse(code, code))).id or 0 for code in ("W1", "W2", "W3")]
        await uow.commit()
    trails = {}
    moves, stock = [], []
    for product_id in products:
        for warehouse in warehouses:
            trail = random_trail(rng)
            if not trail.moves and rng.random() < 0.5:
                continue  # never moved here
            if not trail.moves:  # moved once, long before the span read
                trail = type(trail)(trail.on_hand, datetime(2025, 6, 1, 12, tzinfo=UTC), [])
                moves.append((product_id, warehouse, trail.on_hand, trail.first_moved))
            trails[(product_id, warehouse)] = trail
            moves += [(product_id, warehouse, delta, at) for at, delta in trail.moves]
            if rng.random() < 0.9:  # a pair that moved may have no stock row left: none on hand
                on_hand = max(trail.on_hand, 0)
                stock.append({"product_id": product_id, "warehouse_id": warehouse, "on_hand": on_hand})
    rng.shuffle(moves)  # ids in no order of time: a count typed in late, a backdated receipt
    rows = [
        {"product_id": p, "warehouse_id": w, "delta": d, "reason": "t", "actor": "t", "at": at} for p, w, d, at in moves
    ]
    async with session_factory(engine)() as session, session.begin():
        await session.execute(insert(m.InventoryMovementRow), rows[: len(rows) // 2])
        await session.execute(insert(m.StockRow), stock)
    async with uow:  # half summed one night, the rest the next
        assert await uow.demand.fold_stock_days(ZONES[0], 10**6) > 0
        await uow.commit()
    async with session_factory(engine)() as session, session.begin():
        await session.execute(insert(m.InventoryMovementRow), rows[len(rows) // 2 :])
    for zone in ZONES:
        while True:  # a few ids a turn, and all again in another zone
            async with uow:
                summed = await uow.demand.fold_stock_days(zone, 97)
                await uow.commit()
            if not summed:
                break
        for first_week in (MONDAY - timedelta(weeks=5), MONDAY, MONDAY + timedelta(weeks=3)):
            since = datetime.combine(first_week - timedelta(days=1), datetime.min.time(), UTC)
            async with uow.read_only():
                summed_now = await uow.demand.stock_days(products, since, zone)
                kept = await uow.demand.kept_stock_days(products)
                every = await uow.demand.stock_trails(products, since)
            assert set(summed_now) == set(kept) == set(every) == set(trails)
            for key, trail in every.items():
                expected = days_out(trail, first_week, 12, zone)
                assert days_out_of(summed_now[key], first_week, 12) == expected, (key, zone, trails[key])
                assert days_out_of(kept[key], first_week, 12) == expected, (key, zone, trails[key])


def test_a_zones_offset_changes_are_found_to_the_second() -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    london = offsets("Europe/London", since)
    assert london[:3] == (
        (since, 0),
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 3600),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 0),
    )
    assert offsets("Asia/Kolkata", since) == ((since, 19800),)


_PAIR = m.StockDayPairRow
_PAIR_COLUMNS = (_PAIR.product_id, _PAIR.warehouse_id, _PAIR.first_day, _PAIR.total, _PAIR.lowest)
_WALKED_WHOLE = text(
    """
    SELECT product_id, warehouse_id, MIN(day), SUM(net), MIN(run) FROM (
        SELECT product_id, warehouse_id, day, net,
               SUM(net) OVER (PARTITION BY product_id, warehouse_id ORDER BY day ROWS UNBOUNDED PRECEDING) AS run
        FROM stock_day_sums
    ) AS walked GROUP BY product_id, warehouse_id
    """
)


async def test_a_pairs_total_and_lowest_kept_a_few_movements_a_night_equal_those_walked_over_every_day(
    engine: AsyncEngine,
) -> None:
    """Movements mostly in time order, a few backdated, summed a few ids at a time: most turns only
    add later days to a pair (its lowest then taken from those days), some a day it had or one
    before it (walked whole again); the kept first day, total and lowest are a whole walk's."""
    uow = SqlUnitOfWork(session_factory(engine))
    rng = random.Random(3)
    async with uow:
        products = []
        for k in range(12):
            added = await uow.products.upsert(
                Product(sku=f"P{k}", name=f"P{k}", category="C", prices={"EUR": Money(100, "EUR")})
            )
            products.append(added.id or 0)
        warehouses = [(await uow.warehouses.upsert(Warehouse(code, code))).id or 0 for code in ("W1", "W2")]
        await uow.commit()
    moves = sorted(
        (
            datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 120)),
            rng.choice(products),
            rng.choice(warehouses),
            rng.choice([rng.randint(1, 9), -rng.randint(1, 9)]),
        )
        for _ in range(600)
    )
    for i in rng.sample(range(len(moves)), 40):  # typed in late: a day already summed, or before it
        at, p, w, d = moves[i]
        moves[i] = (at - timedelta(days=rng.randint(0, 30)), p, w, d)
    rows = [
        {"product_id": p, "warehouse_id": w, "delta": d, "reason": "t", "actor": "t", "at": at} for at, p, w, d in moves
    ]
    async with session_factory(engine)() as session, session.begin():
        await session.execute(insert(m.InventoryMovementRow), rows)
    while True:
        async with uow:
            summed = await uow.demand.fold_stock_days("Europe/Berlin", rng.randint(1, 12))
            await uow.commit()
        if not summed:
            break
    async with session_factory(engine)() as session:
        kept = {tuple(row) for row in await session.execute(select(*_PAIR_COLUMNS))}
        walked = {tuple(row) for row in await session.execute(_WALKED_WHOLE)}
    assert kept == walked and len(kept) == len(products) * len(warehouses)
