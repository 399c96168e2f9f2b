"""Managers' reports: sales of a period with its chart data, stock value per warehouse,
and the slow movers (stock that has not sold for a while: overstock, liquidation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from domain.catalog import Product
from domain.fx import Rates
from domain.money import Money
from domain.orders import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.reports import SalesReport, SlowMover, StockValue, TopProduct, period, sales_report
from domain.return_figures import ReturnedProduct, by_reason, most_returned
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.stock import StockLevel
from domain.usecases.fx import shop_rates
from domain.usecases.inventory import _warehouse
from domain.usecases.product_lookup import named_in
from domain.usecases.sales import period_sales
from domain.usecases.staff import require
from domain.usecases.stock_books import UnitCosts, supply_costs

SLOW_MOVER_DAYS = 90


async def report(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, name: str, timezone: str, language: str = ""
) -> SalesReport:
    """The period's sales figures; its top products named in ``language`` (the reader's) where
    the catalog has a name in it, else as they were sold."""
    await require(uow, staff_id, Permission.REPORTS)
    when = period(name, clock.now(), timezone)
    async with uow.read_only():
        # Past days from the per-day summary where it can be trusted, the rest from the orders.
        sales = await period_sales(uow, when.start, when.end, timezone)
        lines = sales.lines
        shipped = await uow.jobs.shipped_figures(when.start, when.end)
        delivered = await uow.jobs.moved_between(OrderStatus.DELIVERED, when.start, when.end)
        returns = await uow.returns.requested_between(when.start, when.end)
        returned_orders = await uow.returns.delivered_with_request(when.start, when.end)
        refunds = await uow.jobs.refunded_figures(when.start, when.end)
        reasons = await uow.returns.reasons_between(when.start, when.end)
        returned = await _most_returned(uow, when.start, when.end, language)
        rates = await uow.carriers.all()
        stock = await _stock_values(uow)
    made = sales_report(
        when,
        uow.base_currency,
        placed=sales.placed,
        lines=lines,
        shipped=shipped,
        delivered=delivered,
        returns=returns,
        returned_orders=returned_orders,
        rates=rates,
        stock=stock,
        days=sales.days,
        refunds=refunds,
    )
    named = made.top
    if not all(top.name for top in named):
        latest: dict[str, int] = {}
        for line in lines:
            latest[line.sku] = max(latest.get(line.sku, 0), line.order_id)
        async with uow.read_only():  # lines summed in the database come without their name
            named = [
                top if top.name else replace(top, name=await uow.jobs.line_name(top.sku, latest[top.sku]))
                for top in named
            ]
    if language and named:
        async with uow.read_only():
            named = await _named_in(uow, named, language)
    return replace(made, top=named, reasons=by_reason(reasons, uow.base_currency), returned=returned)


async def _most_returned(uow: UnitOfWork, start: datetime, end: datetime, language: str) -> list[ReturnedProduct]:
    """The products most units came back of in the period, each with its main reason, named in ``language`` as
    the catalog names them (``named_in``: a size without its own name takes its family's). At most
    ``TOP_RETURNED`` of them; a family is read only for a variant lacking a name (the catalog cache has it)."""
    ranked = most_returned(await uow.returns.units_between(start, end))
    found = await uow.products.get_many([p for p, _, _ in ranked])
    products = {p.id: await named_in(uow, p, language) for p in found}
    return [
        ReturnedProduct(products[p].sku, products[p].display_name, units, reason)
        for p, units, reason in ranked
        if p in products
    ]


async def _named_in(uow: UnitOfWork, top: list[TopProduct], language: str) -> list[TopProduct]:
    """``top`` named in ``language`` where its product has a name in it, its own or (a size) its family's
    (``named_in``); the rest as sold."""
    ids = await uow.products.ids_by_sku([product.sku for product in top])
    translated: dict[str, Product] = {}
    for found in await uow.products.get_many(list(ids.values())):
        named = await named_in(uow, found, language)
        if found.names.get(language) or named.name != found.in_language(language).name:
            translated[found.sku] = named
    return [
        replace(product, name=translated[product.sku].display_name) if product.sku in translated else product
        for product in top
    ]


async def stock_report(uow: UnitOfWork, *, staff_id: int, warehouse_code: str | None = None) -> list[StockValue]:
    """Each warehouse's stock value, or the one named (an unknown code is refused, naming the warehouses)."""
    await require(uow, staff_id, Permission.REPORTS)
    async with uow.read_only():
        code = (await _warehouse(uow, warehouse_code)).code if warehouse_code else None
        return [value for value in await _stock_values(uow) if code is None or value.warehouse == code]


class _Valuation:
    """On-hand units at supply cost, in the base currency at today's rates."""

    def __init__(self, costs: UnitCosts, rates: Rates) -> None:
        self.costs, self.rates = costs, rates

    def value(self, level: StockLevel) -> Money | None:
        cost = self.costs.get((level.product_id, level.warehouse_id))
        one = self.rates.convert(cost, self.rates.base) if cost is not None else None
        return one * level.on_hand if one is not None else None


async def _valuation(uow: UnitOfWork, levels: list[StockLevel]) -> _Valuation:
    return _Valuation(await supply_costs(uow, {level.product_id for level in levels}), await shop_rates(uow))


async def _stock_values(uow: UnitOfWork) -> list[StockValue]:
    """Summed in the database (a big shop has 50,000 positions): in the base currency per
    warehouse, in another per unit cost, a unit converted at today's rate, times the units."""
    rates = await shop_rates(uow)
    base = rates.base
    codes = {w.id: w.code for w in await uow.warehouses.all()}
    totals: dict[int, list[int]] = {}  # warehouse → units, value, units without a cost
    for warehouse_id, currency, units, value, _ in await uow.inventory.valued_positions(base):
        row = totals.setdefault(warehouse_id, [0, 0, 0])
        row[0] += units
        converted = converted_positions(rates, currency, value, units) if currency is not None else None
        row[1] += converted or 0
        row[2] += units if converted is None else 0
    return [
        StockValue(codes.get(w, str(w)), units, Money(value, uow.base_currency), unknown)
        for w, (units, value, unknown) in sorted(totals.items(), key=lambda kv: codes.get(kv[0], ""))
    ]


def converted_positions(rates: Rates, currency: str, value: int, units: int) -> int | None:
    """``units`` at one unit cost, worth ``value`` in all, in the base currency at ``rates``: the unit
    cost converted, then times the units, as every stock move is booked (``stock_books.cost_in_base``);
    None without a rate."""
    if currency == rates.base or not units:
        return value
    one = rates.convert(Money(value // units, currency), rates.base)
    return one.amount * units if one is not None else None


async def stock_value_in(uow: UnitOfWork, rates: Rates, currency: str) -> int | None:
    """Inside an open unit of work: the stock on hand costed in ``currency``, in the base currency
    at ``rates`` as ``/stockvalue`` counts it (None: no rate for it)."""
    total = 0
    for _, cost_currency, units, value, _ in await uow.inventory.valued_positions(rates.base):
        if cost_currency == currency:
            converted = converted_positions(rates, currency, value, units)
            if converted is None:
                return None
            total += converted
    return total


async def slow_movers(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    days: int = SLOW_MOVER_DAYS,
    limit: int = 20,
    language: str = "",
) -> tuple[list[SlowMover], int]:
    """Stock on hand that has not sold in ``days`` (or never), most capital tied up first: the
    first ``limit``, and how many more there are (a catalog never sold is every line); each
    named in ``language`` (the reader's) where it has a name in it."""
    await require(uow, staff_id, Permission.REPORTS)
    cutoff: date = shop_day(clock.now(), uow.timezone) - timedelta(days=days)  # the shop's days, as sales are dated
    async with uow.read_only():
        last = await uow.demand.last_sold()
        idle = [
            p for p in await uow.inventory.positions() if last.get((p.product_id, p.warehouse_id), date.min) < cutoff
        ]
        products = {p.id: p for p in await uow.products.get_many(sorted({p.product_id for p in idle}))}
        codes = {w.id: w.code for w in await uow.warehouses.all()}
        valuation = await _valuation(uow, idle)
    found = [
        SlowMover(
            products[p.product_id].sku,
            products[p.product_id].in_language(language).display_name,
            codes.get(p.warehouse_id, str(p.warehouse_id)),
            p.on_hand,
            last.get((p.product_id, p.warehouse_id)),
            valuation.value(p),
        )
        for p in idle
        if p.product_id in products
    ]
    found.sort(key=lambda s: (-(s.value.amount if s.value else 0), -s.on_hand, s.sku))
    return found[:limit], max(len(found) - limit, 0)
