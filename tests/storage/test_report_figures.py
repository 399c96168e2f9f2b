"""The reports read only the columns their figures need; on a seeded shop (several currencies,
cancellations, shipments, refunded returns) they equal the figures computed from whole orders."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import to_base
from domain.editing import LineChange, OrderChanges
from domain.money import Money
from domain.orders import Order, OrderStatus
from domain.payments import PaymentKind
from domain.reports import SalesReport, period
from domain.sales import SETTLE
from domain.shipping import ship_by_date
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.editing import EditPolicy, edit_order
from domain.usecases.fx import shop_rates
from domain.usecases.insight import top_customers
from domain.usecases.jobs import daily_digest
from domain.usecases.orders import transition_order
from domain.usecases.reports import report
from domain.usecases.sales import period_sales, summarise_sales
from domain.usecases.stock_books import supply_costs
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.seeding import load_seeder

seed = load_seeder().seed
END = date(2026, 12, 1)
ADMIN = 100  # the seeder's staff
ZONE = "Europe/Moscow"
# Two more currencies, each at its own rate per order: base revenue is rounded per order.
FOREIGN = (("USD", "1.0837", 3, 0), ("GBP", "0.8471", 3, 1))


async def _seeded_in_three_currencies(database_url: str, engine: AsyncEngine) -> SqlUnitOfWork:
    await engine.dispose()  # the seeder takes the SQLite file alone while it writes
    await seed(database_url, scale=0.002, seed=11, end=END, data=None)
    async with engine.begin() as connection:
        for currency, rate, every, rest in FOREIGN:
            await connection.execute(
                text("UPDATE orders SET currency = :c, fx_rate = :r WHERE id % :n = :k"),
                {"c": currency, "r": rate, "n": every, "k": rest},
            )
        await connection.execute(text("UPDATE payments SET currency = 'USD' WHERE order_id % 3 = 0"))
    return SqlUnitOfWork(session_factory(engine))


def _shipped_at(order: Order) -> datetime | None:
    return next((h.at for h in order.history if h.to_status is OrderStatus.SHIPPED), None)


async def _from_whole_orders(uow: SqlUnitOfWork, name: str, now: datetime, timezone: str) -> dict[str, object]:
    """The report as it was computed before: every order of the period loaded whole."""
    when = period(name, now, timezone)
    zone = ZoneInfo(timezone)
    base = uow.base_currency
    async with uow.read_only():
        placed = await uow.jobs.placed_between(when.start, when.end)
        shipped = await uow.jobs.orders_moved_between(OrderStatus.SHIPPED, when.start, when.end)
        rates = await uow.carriers.all()
    live = [o for o in placed if o.status is not OrderStatus.CANCELLED]
    revenue: dict[str, int] = {}
    counts = [0] * len(when.buckets)
    amounts = [0] * len(when.buckets)
    units: dict[str, int] = {}
    by_sku: dict[str, int] = {}
    for order in live:
        revenue[order.currency] = revenue.get(order.currency, 0) + order.total.amount
        for i, (start, end) in enumerate(when.buckets):
            if order.created_at is not None and start <= order.created_at < end:
                counts[i] += 1
                amounts[i] += to_base(order.total, order.fx_rate, base)
        for line in order.lines:
            units[line.sku] = units.get(line.sku, 0) + line.quantity
            by_sku[line.sku] = by_sku.get(line.sku, 0) + to_base(line.net, order.fx_rate, base)
    hours = sorted(
        (at - o.created_at).total_seconds() / 3600
        for o in shipped
        if o.created_at is not None and (at := _shipped_at(o)) is not None
    )
    on_time = 0
    for o in shipped:
        at, delivery = _shipped_at(o), o.delivery
        if at is not None and delivery is not None:
            ship_by = ship_by_date(delivery.eta, delivery.carrier, delivery.service, rates)
            on_time += ship_by is None or at.astimezone(zone).date() <= ship_by
    return {
        "orders": len(live),
        "cancelled": len(placed) - len(live),
        "revenue": revenue,
        "revenue_base": sum(to_base(o.total, o.fx_rate, base) for o in live),
        "shipped": len(shipped),
        "median": statistics.median(hours) if hours else None,
        "on_time": on_time,
        "top": sorted(units, key=lambda sku: (-by_sku[sku], -units[sku], sku))[:5],
        "top_revenue": sorted(by_sku.values(), reverse=True)[:5],
        "series": [(start, counts[i], amounts[i]) for i, (start, _) in enumerate(when.buckets)],
    }


async def _stock_position_by_position(uow: SqlUnitOfWork) -> list[tuple[str, int, int, int]]:
    """Each position valued on its own at its supply cost (terms, else the catalog's)."""
    async with uow.read_only():
        positions = await uow.inventory.positions()
        costs = await supply_costs(uow, {p.product_id for p in positions})
        rates = await shop_rates(uow)
        codes = {w.id: w.code for w in await uow.warehouses.all()}
    totals: dict[str, list[int]] = {}
    for level in positions:
        row = totals.setdefault(codes[level.warehouse_id], [0, 0, 0])
        cost = costs.get((level.product_id, level.warehouse_id))
        value = rates.convert(cost * level.on_hand, rates.base) if cost is not None else None
        row[0] += level.on_hand
        row[1] += value.amount if value is not None else 0
        row[2] += level.on_hand if value is None else 0
    assert sum(row[1] for row in totals.values()) > 0, "the seeded stock has costs"
    return [(code, *row) for code, row in sorted(totals.items())]  # type: ignore[misc]


def _figures(found: SalesReport) -> dict[str, object]:
    return {
        "orders": found.orders,
        "cancelled": found.cancelled,
        "revenue": found.revenue,
        "revenue_base": found.revenue_base.amount,
        "shipped": found.shipped,
        "median": found.fulfil_hours[0] if found.fulfil_hours else None,
        "on_time": found.on_time,
        "top": [p.sku for p in found.top],
        "top_revenue": [p.revenue.amount for p in found.top],
        "series": found.series,
    }


@pytest.mark.parametrize("name", ["today", "week", "month"])
async def test_report_equals_the_figures_of_whole_orders(database_url: str, engine: AsyncEngine, name: str) -> None:
    uow = await _seeded_in_three_currencies(database_url, engine)
    now = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)  # already 1 December in Moscow
    found = await report(uow, FakeClock(now), staff_id=ADMIN, name=name, timezone="Europe/Moscow")
    expected = await _from_whole_orders(uow, name, now, "Europe/Moscow")
    assert _figures(found) == expected
    assert [(s.warehouse, s.units, s.value.amount, s.unknown_cost_units) for s in found.stock] == (
        await _stock_position_by_position(uow)
    )
    if name == "month":  # the seeded month has all of it: three currencies, cancellations, shipments
        assert set(found.revenue) == {"EUR", "USD", "GBP"} and found.cancelled > 0 and found.shipped > 0
        assert found.on_time > 0 and found.returns > 0 and found.delivered > 0


async def test_top_customers_equal_their_orders_less_refunds(database_url: str, engine: AsyncEngine) -> None:
    uow = await _seeded_in_three_currencies(database_url, engine)
    async with engine.begin() as connection:  # the rates the shop sold at, as /fx sets them
        for currency, rate, _, _ in FOREIGN:
            await connection.execute(
                text("INSERT INTO fx_rates (base, quote, rate, set_at, set_by) VALUES ('EUR', :c, :r, :at, 'test')"),
                {"c": currency, "r": rate, "at": END},
            )
    async with engine.connect() as connection:
        orders = (
            await connection.execute(text("SELECT id, customer_id, currency, status, total_minor, fx_rate FROM orders"))
        ).all()
        refunds: dict[int, int] = {}
        paid: dict[int, int] = {}
        for order_id, kind, amount in await connection.execute(
            text("SELECT order_id, kind, amount_minor FROM payments")
        ):
            if kind in (PaymentKind.REFUND_OWED.value, PaymentKind.PAYMENT.value):
                into = refunds if kind == PaymentKind.REFUND_OWED.value else paid
                into[order_id] = into.get(order_id, 0) + amount
    values: dict[tuple[int, str], list[int]] = {}
    for order_id, customer_id, currency, status, total, fx_rate in orders:
        if status != OrderStatus.CANCELLED.value:
            # A refund of what was paid beyond the total (an edit lowered it) is not taken off again.
            overpaid = max(paid.get(order_id, 0) - total, 0)
            worth = total - max(refunds.get(order_id, 0) - overpaid, 0)
            figure = values.setdefault((customer_id, currency), [0, 0, 0])
            figure[0] += worth
            figure[1] += 1
            figure[2] += to_base(Money(worth, currency), fx_rate, uow.base_currency)
    assert refunds, "the seeded shop has refunded returns"
    # Ranked by their worth in the base currency (each order at its rate), not by minor units
    # of different currencies compared as one.
    expected = sorted(values.items(), key=lambda kv: (-kv[1][2], kv[0][0], kv[0][1]))[:10]
    ranked = await top_customers(uow, staff_id=ADMIN)
    assert [(r.customer.id, r.value, r.orders) for r in ranked] == [
        (customer_id, Money(value, currency), count) for (customer_id, currency), (value, count, _) in expected
    ]


async def _summarised(uow: SqlUnitOfWork, clock: FakeClock) -> int:
    """The summary job run until it is up to date, as the scheduler does; the days it did."""
    done = 0
    while (run := await summarise_sales(uow, clock, timezone=ZONE)).more:
        done += run.days
    return done + run.days


async def _days_from_summary(uow: SqlUnitOfWork, now: datetime) -> int:
    when = period("month", now, ZONE)
    async with uow.read_only():
        return (await period_sales(uow, when.start, when.end, ZONE)).summarised


async def _digest_equals_the_day_read_whole(uow: SqlUnitOfWork, clock: FakeClock) -> None:
    day = clock.now().astimezone(ZoneInfo(ZONE)).date() - timedelta(days=1)
    start, end = (datetime.combine(d, datetime.min.time(), ZoneInfo(ZONE)) for d in (day, day + timedelta(days=1)))
    async with uow.read_only():
        live = [o for o in await uow.jobs.placed_between(start, end) if o.status is not OrderStatus.CANCELLED]
    revenue: dict[str, int] = {}
    for order in live:
        revenue[order.currency] = revenue.get(order.currency, 0) + order.total.amount
    async with uow:  # the digest runs once a day: let it run again
        await uow.session.execute(text("DELETE FROM job_runs"))
        await uow.commit()
    digest = await daily_digest(uow, clock, staff_chat_id=-100, timezone=ZONE, hour=0)
    assert digest is not None and (digest.orders, digest.revenue) == (len(live), revenue)


async def _placed_again(engine: AsyncEngine, currency: str, not_on: set[date]) -> tuple[str, date]:
    """An order of two lines or more placed in the summarised month, made editable again (the
    seeded ones have all shipped by now): staff may still edit or cancel it."""
    async with engine.begin() as connection:
        rows = await connection.execute(
            text(
                "SELECT o.id, o.code, o.created_at FROM orders o WHERE o.currency = :c AND o.created_at >= :start "
                "AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) >= 2 ORDER BY o.created_at DESC"
            ),
            {"c": currency, "start": datetime(2026, 11, 5, tzinfo=UTC)},
        )
        for order_id, code, created_at in rows.all():
            at = created_at if isinstance(created_at, datetime) else datetime.fromisoformat(created_at)
            day = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(ZONE)).date()
            if day not in not_on:
                await connection.execute(text("UPDATE orders SET status = 'placed' WHERE id = :id"), {"id": order_id})
                return code, day
    raise AssertionError(f"the seeded month has no {currency} order of two lines")


@pytest.mark.parametrize("name", ["week", "month"])
async def test_report_from_the_summary_equals_the_orders_after_an_edit_and_a_cancellation(
    database_url: str, engine: AsyncEngine, name: str
) -> None:
    uow = await _seeded_in_three_currencies(database_url, engine)
    edited, edited_on = await _placed_again(engine, "EUR", set())
    cancelled, cancelled_on = await _placed_again(engine, "USD", {edited_on})
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 1 December in Moscow, the seeded orders settled
    clock = FakeClock(now)
    assert await _summarised(uow, clock) > 30  # every day from the first order up to yesterday
    assert await _summarised(uow, clock) == 0  # a second run has nothing to do
    assert await _days_from_summary(uow, now) == 29  # all but today
    found = await report(uow, clock, staff_id=ADMIN, name=name, timezone=ZONE)
    assert _figures(found) == await _from_whole_orders(uow, name, now, ZONE)
    await _digest_equals_the_day_read_whole(uow, clock)

    # After the fact, on days already summarised: a staff edit (a line removed) and a
    # cancellation, each committed a minute later.
    month = period("month", now, ZONE)
    assert all(month.start.date() <= day < date(2026, 12, 1) for day in (edited_on, cancelled_on))
    clock.advance(minutes=1)
    async with uow.read_only():
        order = await uow.orders.get_by_code(edited)
    assert order is not None and order.id is not None
    policy = EditPolicy(CheckoutPolicy(), window_minutes=30)
    await edit_order(
        uow,
        clock,
        policy,
        code=edited,
        version=order.version,
        changes=OrderChanges((LineChange(order.lines[0].product_id, 0),)),
        staff_id=ADMIN,
    )
    await transition_order(uow, clock, code=cancelled, target=OrderStatus.CANCELLED, actor=f"staff:{ADMIN}")
    # Until the job runs again, those two days are read from the orders: still exact.
    assert await _days_from_summary(uow, clock.now()) == 27
    found = await report(uow, clock, staff_id=ADMIN, name=name, timezone=ZONE)
    assert _figures(found) == await _from_whole_orders(uow, name, clock.now(), ZONE)
    # The job summarises them again once the writes have settled; then all come from it.
    clock.advance(seconds=SETTLE.total_seconds() + 60)
    assert await _summarised(uow, clock) == 2
    assert await _days_from_summary(uow, clock.now()) == 29
    found = await report(uow, clock, staff_id=ADMIN, name=name, timezone=ZONE)
    assert _figures(found) == await _from_whole_orders(uow, name, clock.now(), ZONE)
    await _digest_equals_the_day_read_whole(uow, clock)
    # The summary is what the report read: a figure changed in it shows.
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE sales_days SET orders = orders + 1000"))
    tampered = await report(uow, clock, staff_id=ADMIN, name=name, timezone=ZONE)
    assert tampered.orders >= found.orders + 1000
