"""The reports read only the columns their figures need; on a seeded shop (several currencies,
cancellations, shipments, refunded returns) they equal the figures computed from whole orders."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import to_base
from domain.money import Money
from domain.orders import Order, OrderStatus
from domain.payments import PaymentKind
from domain.reports import SalesReport, period
from domain.shipping import ship_by_date
from domain.usecases.bookkeeping import supply_costs
from domain.usecases.fx import shop_rates
from domain.usecases.insight import top_customers
from domain.usecases.reports import report
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.seeding import load_seeder

seed = load_seeder().seed
END = date(2026, 12, 1)
ADMIN = 100  # the seeder's staff
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
            by_sku[line.sku] = by_sku.get(line.sku, 0) + to_base(line.total, order.fx_rate, base)
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
    async with engine.connect() as connection:
        orders = (
            await connection.execute(text("SELECT id, customer_id, currency, status, total_minor FROM orders"))
        ).all()
        refunds: dict[int, int] = {}
        for order_id, amount in await connection.execute(
            text("SELECT order_id, amount_minor FROM payments WHERE kind = :k"), {"k": PaymentKind.REFUND_OWED.value}
        ):
            refunds[order_id] = refunds.get(order_id, 0) + amount
    values: dict[tuple[int, str], list[int]] = {}
    for order_id, customer_id, currency, status, total in orders:
        if status != OrderStatus.CANCELLED.value:
            figure = values.setdefault((customer_id, currency), [0, 0])
            figure[0] += total - refunds.get(order_id, 0)
            figure[1] += 1
    assert refunds, "the seeded shop has refunded returns"
    expected = sorted(values.items(), key=lambda kv: (-kv[1][0], kv[0][0]))[:10]
    ranked = await top_customers(uow, staff_id=ADMIN)
    assert [(r.customer.id, r.value, r.orders) for r in ranked] == [
        (customer_id, Money(value, currency), count) for (customer_id, currency), (value, count) in expected
    ]
