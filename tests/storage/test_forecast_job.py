"""The nightly forecast job on SQLite and PostgreSQL: suggestions stored for every product and
warehouse with demand, applied to the stock rows only with auto-apply, replaced on the next
run, and dropped for pairs that no longer have a forecast."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduler import forecast_workers
from domain.catalog import Product
from domain.money import Money
from domain.replenishment import CLASS_LEVELS, ProductClass, ServiceLevels
from domain.usecases.forecast_job import nightly_forecasts
from domain.warehouse import Warehouse
from domain.weeks import week_start, weekly
from storage import models as m
from storage.db import session_factory
from storage.repositories.id_ranges import id_ranges
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def _shop(engine: AsyncEngine, clock: FakeClock) -> tuple[SqlUnitOfWork, list[int], list[int]]:
    """Three products at two warehouses; MUG sells 10 a week at both, BOWL 2 a week at W1,
    SPOON only 3 weeks (too little to forecast). MUG at W1 has a stock row (point 5, max 9)."""
    uow = SqlUnitOfWork(session_factory(engine))
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    async with uow:
        products = [
            (
                await uow.products.upsert(Product(sku=sku, name=sku, category="C", prices={"EUR": Money(price, "EUR")}))
            ).id
            or 0
            for sku, price in (("MUG", 500), ("BOWL", 300), ("SPOON", 100))
        ]
        warehouses = [(await uow.warehouses.upsert(Warehouse(code, code))).id or 0 for code in ("W1", "W2")]
        mug, bowl, spoon = products
        w1, w2 = warehouses
        rows = [(mug, w, last_monday - timedelta(weeks=k), 10) for w in (w1, w2) for k in range(20)]
        rows += [(bowl, w1, last_monday - timedelta(weeks=k), 2) for k in range(20)]
        rows += [(spoon, w1, last_monday - timedelta(weeks=k), 1) for k in range(3)]
        await uow.demand.record(rows, "import")
        await uow.inventory.set_reorder(mug, w1, 5, 9)
        await uow.commit()
    return uow, products, warehouses


async def _stock(engine: AsyncEngine, product: int, warehouse: int) -> tuple[int, int | None]:
    async with session_factory(engine)() as session:
        row = (
            await session.execute(
                select(m.StockRow.reorder_point, m.StockRow.max_level).where(
                    m.StockRow.product_id == product, m.StockRow.warehouse_id == warehouse
                )
            )
        ).one()
        return row[0], row[1]


async def test_the_nightly_job_stores_a_policy_per_pair_and_applies_it_only_when_asked(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow, (mug, bowl, _spoon), (w1, w2) = await _shop(engine, clock)
    run = await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False, batch=1)
    assert (run.products, run.stored, run.applied, run.dropped) == (3, 3, 0, 0)  # SPOON: 3 weeks, no forecast
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions(None)}
    assert set(stored) == {(mug, w1), (mug, w2), (bowl, w1)}
    # 10 a week, no variation, the default 7-day lead time: point 10, up to 20.
    assert (stored[mug, w1].reorder_point, stored[mug, w1].order_up_to) == (10, 20)
    assert stored[mug, w1].weekly_demand == pytest.approx(10) and stored[mug, w1].computed_at == clock.now()
    assert await _stock(engine, mug, w1) == (5, 9)  # not applied: the scan keeps what people set

    clock.advance(hours=1)
    with forecast_workers(1) as (compute, in_flight):  # as the scheduler runs it: in a worker process
        run = await nightly_forecasts(
            uow,
            clock,
            levels=ServiceLevels(0.95),
            currency="EUR",
            auto_apply=True,
            compute=compute,
            in_flight=in_flight,
        )
    assert (run.stored, run.applied) == (3, 1)  # only MUG at W1 has a stock row
    assert await _stock(engine, mug, w1) == (10, 20)
    async with uow.read_only():
        assert {s.computed_at for s in await uow.demand.suggestions(None)} == {clock.now()}


async def test_classes_set_the_level_and_a_pair_without_demand_is_dropped(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow, (mug, bowl, _spoon), (w1, w2) = await _shop(engine, clock)
    levels = ServiceLevels(0.95, CLASS_LEVELS)
    await nightly_forecasts(uow, clock, levels=levels, currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions([mug, bowl])}
    # revenue: MUG 400 units × 5.00 = 2,000; BOWL 40 × 3.00 = 120 (starts at 94 %: B)
    assert (stored[mug, w1].product_class, stored[mug, w1].service_level) == (ProductClass.A, 0.98)
    assert (stored[bowl, w1].product_class, stored[bowl, w1].service_level) == (ProductClass.B, 0.95)

    async with session_factory(engine)() as session, session.begin():
        await session.execute(delete(m.DemandRow).where(m.DemandRow.product_id == bowl))
    clock.advance(hours=1)
    run = await nightly_forecasts(uow, clock, levels=levels, currency="EUR", auto_apply=False)
    assert (run.stored, run.dropped) == (2, 1)
    async with uow.read_only():
        assert {(s.product_id, s.warehouse_id) for s in await uow.demand.suggestions(None)} == {(mug, w1), (mug, w2)}


async def test_a_price_cut_after_a_first_long_pause_is_forecast_at_the_rate_before_it(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    from domain.catalog_edits import ProductChange

    uow = SqlUnitOfWork(session_factory(engine))
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    async with uow:
        cut, kept = [
            (await uow.products.upsert(Product(sku, sku, "C", prices={"EUR": Money(400, "EUR")}))).id or 0
            for sku in ("CUT", "KEPT")
        ]
        w1 = (await uow.warehouses.upsert(Warehouse("W1", "W1"))).id or 0
        # Both sold 10 a week, then nothing for the last 30 weeks: a first pause, read as gone…
        await uow.demand.record(
            [(p, w1, last_monday - timedelta(weeks=k), 10) for p in (cut, kept) for k in range(30, 50)], "import"
        )
        # …unless the price was cut since it began (CUT: 5.00 → 4.00 last week; KEPT: raised)
        for product, before, after in ((cut, "5.00 EUR", "4.00 EUR"), (kept, "3.00 EUR", "4.00 EUR")):
            change = ProductChange(product, clock.now() - timedelta(weeks=1), "staff:1", "price_EUR", before, after)
            await uow.products.record_changes([change])
        await uow.commit()
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {s.product_id: s for s in await uow.demand.suggestions(None)}
    assert stored[cut].weekly_demand == pytest.approx(10) and stored[cut].reorder_point == 10
    assert stored[kept].weekly_demand < 1


async def test_a_price_cut_is_read_in_the_currency_a_product_is_priced_in_when_it_has_none_in_the_shops(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A product priced only in USD sells in a EUR shop at that price converted: its USD price
    cut in a pause is as much a relaunch as a EUR one; a cut of a price it is not sold at is not."""
    from domain.catalog_edits import ProductChange

    uow = SqlUnitOfWork(session_factory(engine))
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    async with uow:
        dollars = (await uow.products.upsert(Product("USD-ONLY", "U", "C", prices={"USD": Money(400, "USD")}))).id
        both = Product("BOTH", "B", "C", prices={"EUR": Money(500, "EUR"), "USD": Money(400, "USD")})
        euros = (await uow.products.upsert(both)).id
        assert dollars is not None and euros is not None
        w1 = (await uow.warehouses.upsert(Warehouse("W1", "W1"))).id or 0
        await uow.demand.record(
            [(p, w1, last_monday - timedelta(weeks=k), 10) for p in (dollars, euros) for k in range(30, 50)], "import"
        )
        at = clock.now() - timedelta(weeks=1)  # each one's USD price cut last week, 5.00 → 4.00
        await uow.products.record_changes(
            [ProductChange(p, at, "staff:1", "price_USD", "5.00 USD", "4.00 USD") for p in (dollars, euros)]
        )
        await uow.commit()
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {s.product_id: s for s in await uow.demand.suggestions(None)}
    assert stored[dollars].weekly_demand == pytest.approx(10)  # its own price was cut: a relaunch
    assert stored[euros].weekly_demand < 1  # its EUR price, the one it sells at in EUR, was not


async def test_a_promotions_weeks_are_left_out_so_its_lifted_sales_do_not_inflate_the_policy(
    engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MUG sold 10 a week at W1 but 40 in the three weeks its category was on promotion (from a
    Monday to a Monday in Moscow, the shop's zone): its policy is 10 a week's, as at W2; the
    promotions are read once a night, not once a batch."""
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from domain.promotions import DiscountKind, Promotion, Target
    from storage.repositories.promotions import SqlPromotions

    uow, (mug, _bowl, _spoon), (w1, w2) = await _shop(engine, clock)
    uow.timezone = "Europe/Moscow"
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    first = last_monday - timedelta(weeks=8)

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), ZoneInfo("Europe/Moscow")).astimezone(UTC)

    async with session_factory(engine)() as session, session.begin():
        d = m.DemandRow
        days = [first + timedelta(weeks=k) for k in range(3)]
        await session.execute(
            update(d).where(d.product_id == mug, d.warehouse_id == w1, d.day.in_(days)).values(quantity=40)
        )
    async with uow:
        category = next(node.id for node in await uow.products.category_nodes() if node.name == "C")
        ends = midnight(first + timedelta(weeks=3))
        sale = Promotion("Cups", DiscountKind.PERCENT, Target.CATEGORY, midnight(first), ends, Decimal(20))
        await uow.promotions.add_promotion(replace(sale, category_id=category))
        await uow.commit()
    reads = 0
    between = SqlPromotions.promotions_between

    async def counted(self: SqlPromotions, since: datetime, until: datetime) -> list[Promotion]:
        nonlocal reads
        reads += 1
        return await between(self, since, until)

    monkeypatch.setattr(SqlPromotions, "promotions_between", counted)
    run = await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False, batch=1)
    assert (run.products, run.stored, reads) == (3, 3, 1)
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions(None)}
    for warehouse in (w1, w2):
        assert stored[mug, warehouse].weekly_demand == pytest.approx(10)
        assert (stored[mug, warehouse].reorder_point, stored[mug, warehouse].order_up_to) == (10, 20)


async def test_weekly_demand_is_summed_into_the_weeks_the_domain_counts(engine: AsyncEngine, clock: FakeClock) -> None:
    """The repository counts weeks in SQL (SQLite's Julian days, PostgreSQL's date
    differences): held here to ``domain.weeks.weekly`` on days across week boundaries,
    several rows a day, and rows before the span or in the current week (both left out)."""
    uow, (mug, bowl, spoon), (w1, w2) = await _shop(engine, clock)
    last = week_start(clock.now().date()) - timedelta(days=7)
    first = last - timedelta(weeks=30)
    rng = random.Random(7)
    extra = [
        (product, w2, first + timedelta(days=rng.randint(-10, 30 * 7 + 13)), rng.randint(1, 9))
        for product in (bowl, spoon, bowl)
        for _ in range(60)
    ]
    late = [(mug, w2, first - timedelta(days=1), 5), (spoon, w1, last + timedelta(days=8), 5)]  # out of the span
    async with uow:
        await uow.demand.record([*extra, *late], "shipment")
        await uow.commit()
    async with uow.read_only():
        found = await uow.demand.weekly([spoon, bowl, mug], first, last)
    assert set(found) == {(mug, w1), (mug, w2), (bowl, w1), (bowl, w2), (spoon, w1), (spoon, w2)}
    for product in (bowl, spoon):
        days: dict[date, int] = {}
        for p, _, day, units in extra:
            if p == product and first <= day < last + timedelta(days=7):
                days[day] = days.get(day, 0) + units
        assert found[(product, w2)] == weekly(sorted(days.items()), week_start(min(days)), last)
    assert found[(mug, w1)] == found[(mug, w2)] == [10.0] * 20  # from its first sale, 19 weeks before the last
    assert found[(spoon, w1)] == [1.0] * 3
    async with uow.read_only():  # only what was asked for, though BOWL's id lies between
        assert set(await uow.demand.weekly([mug, spoon], first, last)) == {
            (mug, w1),
            (mug, w2),
            (spoon, w1),
            (spoon, w2),
        }


def test_product_ids_are_read_in_ranges_split_where_they_lie_far_apart() -> None:
    assert id_ranges([5, 3, 4, 3, 60, 200, 264, 400]) == [(3, 60), (200, 264), (400, 400)]
    assert id_ranges([]) == []


async def test_weekly_demand_is_asked_for_from_a_monday_to_a_monday(engine: AsyncEngine, clock: FakeClock) -> None:
    uow, (mug, _, _), _ = await _shop(engine, clock)
    last = week_start(clock.now().date()) - timedelta(days=7)
    async with uow.read_only():
        with pytest.raises(ValueError, match="Monday"):
            await uow.demand.weekly([mug], last - timedelta(weeks=4), last + timedelta(days=2))
        with pytest.raises(ValueError, match="Monday"):
            await uow.demand.weekly([mug], last - timedelta(days=3), last)


async def test_weeks_out_of_stock_are_left_out_so_a_sold_out_seller_keeps_its_reorder_point(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """MUG at W1 sold 10 a week while it was there; a count of 0 six weeks ago emptied it, and
    nothing sold since. Those weeks are no demand: the policy is 10 a week's, not 0 ("don't reorder")."""
    uow, (mug, _bowl, _spoon), (w1, w2) = await _shop(engine, clock)
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    async with session_factory(engine)() as session, session.begin():
        await session.execute(
            delete(m.DemandRow).where(m.DemandRow.product_id == mug, m.DemandRow.day > last_monday - timedelta(weeks=6))
        )
    counted = datetime.combine(last_monday - timedelta(weeks=30), time(8), UTC)
    emptied = datetime.combine(last_monday - timedelta(weeks=5), time(8), UTC)  # that week's Monday: 6 days out
    async with uow:
        await uow.stock.set_bin_quantity(mug, w1, "A-01-01-1", 200, "count", "test", counted)
        await uow.stock.set_bin_quantity(mug, w1, "A-01-01-1", 0, "count", "test", emptied)
        await uow.stock.set_bin_quantity(mug, w2, "A-01-01-1", 200, "count", "test", counted)
        await uow.commit()
    async with uow.read_only():
        trails = await uow.demand.stock_trails([mug], counted - timedelta(days=1))
    assert trails[mug, w1].on_hand == 0 and trails[mug, w1].first_moved == counted
    assert [delta for _, delta in trails[mug, w1].moves] == [200, -200]
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions([mug])}
    assert (stored[mug, w1].reorder_point, stored[mug, w1].order_up_to) == (10, 20)
    assert stored[mug, w1].weekly_demand == pytest.approx(10)
    # W2 had stock all along: its six weeks without a sale are demand that did not come.
    assert stored[mug, w2].weekly_demand < 5


async def test_a_supplier_whose_latest_deliveries_came_late_is_planned_on_its_record(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """MUG is bought from SLOW (stated 7 days); its four orders for W1 came 0, 7, 6 and 8 days
    after expected: a median of 6.5, planned as 7 more. 10 a week over 14 days → point 20, up to 30."""
    from domain.purchasing import PoLine, PoStatus, PurchaseOrder, Supplier, SupplyTerms

    uow, (mug, _bowl, _spoon), (w1, w2) = await _shop(engine, clock)
    async with uow:
        await uow.purchasing.upsert_suppliers([Supplier("SLOW", "Slow Ltd", lead_time_days=7)])
        slow = next(s.id for s in await uow.purchasing.suppliers() if s.code == "SLOW")
        assert slow is not None
        cost = Money(100, "EUR")
        await uow.purchasing.set_terms([SupplyTerms(mug, w, slow, 1, 0, cost) for w in (w1, w2)])
        for weeks_ago, late in ((12, 0), (9, 7), (6, 6), (3, 8)):
            expected = clock.now().date() - timedelta(weeks=weeks_ago)
            came = datetime.combine(expected + timedelta(days=late), time(10), UTC)
            line = PoLine(mug, "MUG", 10, cost, received=10, received_at=came)
            await uow.purchasing.add(PurchaseOrder(slow, w1, "EUR", PoStatus.RECEIVED, [line], came, expected), "t")
        await uow.commit()
    async with uow.read_only():
        record = await uow.purchasing.deliveries(3)
    assert [(clock.now().date() - expected).days // 7 for expected, _ in record[slow, w1]] == [3, 6, 9]  # newest first
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions([mug])}
    assert (stored[mug, w1].reorder_point, stored[mug, w1].order_up_to) == (20, 30)
    assert (stored[mug, w2].reorder_point, stored[mug, w2].order_up_to) == (10, 20)  # no deliveries there yet


async def test_a_discontinued_product_gets_no_suggestion_and_its_levels_are_not_auto_applied(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Nothing more is bought of a discontinued product: the nightly job neither stores a policy
    for it (the one from before it was discontinued is dropped) nor applies one to its stock row."""
    uow, (mug, bowl, _spoon), (w1, _w2) = await _shop(engine, clock)
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with session_factory(engine)() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.id == mug).values(status="discontinued"))
    clock.advance(hours=1)
    run = await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=True)
    assert (run.stored, run.applied, run.dropped) == (1, 0, 2)
    async with uow.read_only():
        assert {(s.product_id, s.warehouse_id) for s in await uow.demand.suggestions(None)} == {(bowl, w1)}
    assert await _stock(engine, mug, w1) == (5, 9)  # what people set stays: no 10 / 20 applied
