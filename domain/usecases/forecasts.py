"""/forecast SKU: each warehouse's weekly demand forecast, why its method was chosen, the
demand quantiles, and the replenishment policy they give; managers can apply that policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.catalog import Product, ProductStatus
from domain.catalog_edits import ProductChange, price_then
from domain.categories import CategoryTree
from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork
from domain.promotion_weeks import PromoSpan, code_weeks, of_product, on_promotion, regular_weeks
from domain.promotions import Promotion, Target
from domain.purchasing import DELIVERIES_READ, LeadTime, planned_lead_time
from domain.replenishment import Policy, ProductClass, ServiceLevels, abc_classes, policy
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.stock import Movement
from domain.stockout_days import days_out_of
from domain.usecases.imports.stock import history_start
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.staff import require
from domain.weeks import MIN_WEEKS, NotEnoughHistory, pause_start, week_start

if TYPE_CHECKING:
    from domain.forecasting import Forecast

HORIZON_WEEKS = 8
BACKTEST_WEEKS = 12
DEFAULT_LEAD_TIME_DAYS = 7
CLASS_WEEKS = 52  # ABC classes from the last year's revenue
QUANTILES = (0.5, 0.8, 0.95)
# A stocked product never sold has a few movements (received, counted, moved); more and its first is not read.
STOCKED_SINCE_MOVES = 200


@dataclass(frozen=True, slots=True)
class WarehouseForecast:
    warehouse_id: int
    warehouse: str
    history: list[float]  # weekly units, oldest first, up to last week
    first_week: date
    forecast: Forecast | None  # None: not enough history
    mase: float | None  # on the last weeks held out (below 1 beats naive)
    naive_mase: float | None
    lead_time_days: int  # planned on: ``lead``'s days
    policy: Policy | None  # None: not enough history, or the product is discontinued
    current_point: int
    current_max: int | None
    weekly_quantiles: dict[float, float]  # demand in one week
    out_of_stock: int = 0  # weeks left out of ``history``: none on hand most of the week
    promoted: tuple[PromoSpan, ...] = ()  # weeks left out of ``history``: on promotion
    lead: LeadTime | None = None  # the supplier's stated lead time and its record (None: no supply terms)
    never_sold: bool = False  # stocked here, no sale ever: no week of history, said so
    stocked_since: date | None = None  # the shop's day of its first movement here (None: not known)

    @property
    def changes(self) -> bool:
        """Applying the policy would change what is stored."""
        p = self.policy
        return p is not None and (p.reorder_point, p.order_up_to) != (self.current_point, self.current_max)


async def lead_times(uow: UnitOfWork, zone: str) -> dict[tuple[int, int], LeadTime]:
    """The lead time to plan on per (product, warehouse) with supply terms: their supplier's,
    longer when its latest deliveries there came late (``domain.purchasing.planned_lead_time``)."""
    suppliers = {s.id: s for s in await uow.purchasing.suppliers()}
    records = await uow.purchasing.deliveries(DELIVERIES_READ)
    planned: dict[tuple[int, int], LeadTime] = {}
    for (supplier_id, warehouse_id), came in records.items():
        if (supplier := suppliers.get(supplier_id)) is not None:
            late = [(shop_day(at, zone) - expected).days for expected, at in came]
            planned[(supplier_id, warehouse_id)] = planned_lead_time(supplier.lead_time_days, late, supplier.code)
    found = {}
    for t in await uow.purchasing.terms():
        supplier = suppliers.get(t.supplier_id)
        stated = (
            LeadTime(supplier.lead_time_days, supplier=supplier.code) if supplier else LeadTime(DEFAULT_LEAD_TIME_DAYS)
        )
        found[(t.product_id, t.warehouse_id)] = planned.get((t.supplier_id, t.warehouse_id), stated)
    return found


async def product_classes(uow: UnitOfWork, since: date, currency: str) -> dict[int, ProductClass]:
    """ABC class of every product sold since ``since``, by its revenue at today's price."""
    units = await uow.demand.totals(since)
    revenue: dict[int, float] = {}
    for product in await uow.products.get_many(list(units)):
        assert product.id is not None
        price = product.price_in(currency) or next(iter(product.prices.values()), None)
        revenue[product.id] = units[product.id] * float(price.amount) if price else 0.0
    return abc_classes(revenue)


Key = tuple[int, int]  # product, warehouse


async def price_cuts(uow: UnitOfWork, series: Mapping[Key, tuple[list[float], date]], currency: str) -> set[Key]:
    """The (product, warehouse) pairs whose weekly history (from its first week) ends in a pause
    during which the product's price in ``currency`` was cut: its price now is below its price
    when the pause began, by the audit trail (``domain.forecasting.before_pause``); not for a
    discontinued product. A product with no price in ``currency`` sells at one of its own
    converted (``domain.fx``): that one is read, in its currency (a rate's moves are no price cut)."""
    began: dict[Key, datetime] = {}
    for key, (weeks, first) in series.items():
        if (start := pause_start(weeks)) is not None:
            began[key] = datetime.combine(first + timedelta(weeks=start), time(), UTC)
    if not began:
        return set()
    ids = sorted({product_id for product_id, _ in began})
    # A discontinued product's cut is a clearance, not a relaunch: nothing more is bought.
    products = [p for p in await uow.products.get_many(ids) if p.status is not ProductStatus.DISCONTINUED]
    priced_in = {p.id: currency if currency in p.prices else min(p.prices, default=currency) for p in products}
    now = {p.id: p.price_in(priced_in[p.id]) for p in products}
    changes: list[ProductChange] = []
    for code in sorted(set(priced_in.values())):  # one read in a shop that prices in its own currency
        mine = [(key[0], at) for key, at in began.items() if priced_in.get(key[0]) == code]
        changes += await uow.products.first_price_changes(mine, code)  # one a pair, not the whole trail
    by_product: dict[int, list[ProductChange]] = {}
    for change in changes:  # oldest first
        by_product.setdefault(change.product_id, []).append(change)
    cut = set()
    for key, at in began.items():
        price = now.get(key[0])
        then = price_then([c for c in by_product.get(key[0], []) if c.at > at], price)
        if price is not None and then is not None and price < then:
            cut.add(key)
    return cut


@dataclass(frozen=True, slots=True)
class Promotions:
    """The promotions that discounted products over a span of histories, read once (for a
    night's every batch), the category tree when one was a category's, and per pair what
    product-limited promo codes sold of it (code, shop day, units)."""

    running: list[Promotion]
    tree: CategoryTree | None
    codes: Mapping[Key, list[tuple[str, date, int]]] = field(default_factory=dict)


def _trail(tree: CategoryTree | None, category: int | None) -> frozenset[int]:
    """A product's category and every one above it (what a category's discount covers)."""
    return frozenset(c.id for c in tree.trail(category)) | {category} if tree and category else frozenset()


async def promotions_over(
    uow: UnitOfWork, first: date, last: date, product_ids: Sequence[int] | None = None
) -> Promotions:
    """The promotions of products that ran in the weeks from ``first`` to the week of ``last``
    (Mondays), whatever the shop's time zone (a day either side), and what promo codes limited
    to products or a category sold of the products they cover (of ``product_ids``, or all)."""
    since, until = (datetime.combine(day, time(), UTC) for day in (first - timedelta(days=1), last + timedelta(days=8)))
    running = [p for p in await uow.promotions.promotions_between(since, until) if p.target is not Target.ORDER]
    sales = await uow.promotions.code_sales(first, last + timedelta(days=7), product_ids)
    by_category = any(p.target is Target.CATEGORY for p in running) or any(s.code.category_id for s in sales)
    tree = CategoryTree(await uow.products.category_nodes()) if by_category else None
    places = await uow.products.placements(sorted({s.product_id for s in sales})) if sales else {}
    codes: dict[Key, list[tuple[str, date, int]]] = {}
    for sale in sales:  # an order's other products sold at no discount of the code's
        category, family = places.get(sale.product_id, (None, ""))
        if sale.code.covers(sale.product_id, _trail(tree, category), family):
            codes.setdefault((sale.product_id, sale.warehouse_id), []).append((sale.code.code, sale.day, sale.units))
    return Promotions(running, tree, codes)


async def promoted_histories(
    uow: UnitOfWork, histories: Mapping[Key, tuple[list[float], date]], promotions: Promotions
) -> dict[Key, list[tuple[str, ...]]]:
    """Per pair that was on promotion, the promotions' and promo codes' names in each week of
    its history (``domain.promotion_weeks``); the products' categories and parents read in one
    go, and only when a promotion names a category or a product's every variant."""
    if not (promotions.running or promotions.codes) or not histories:
        return {}
    ids = sorted({product_id for product_id, _ in histories})
    placed = any(p.target is Target.CATEGORY or p.families for p in promotions.running)
    places = await uow.products.placements(ids) if placed else {}
    zone = ZoneInfo(uow.timezone)
    found = {}
    for key, (series, first) in histories.items():
        category, family = places.get(key[0], (None, ""))
        mine = of_product(promotions.running, key[0], _trail(promotions.tree, category), family)
        weeks: list[tuple[str, ...]] = on_promotion(mine, first, len(series), zone) if mine else [()] * len(series)
        if key in promotions.codes:
            coded = code_weeks(promotions.codes[key], series, first)
            weeks = [names + tuple(c for c in more if c not in names) for names, more in zip(weeks, coded, strict=True)]
        if any(weeks):
            found[key] = weeks
    return found


@dataclass(frozen=True, slots=True)
class Baseline:
    """A weekly history as a forecast is fitted on it, and what was left out of it."""

    series: list[float]
    out_of_stock: int  # weeks
    promoted: list[PromoSpan]


async def baseline_histories(
    uow: UnitOfWork,
    histories: Mapping[Key, tuple[list[float], date]],
    promotions: Promotions,
    *,
    kept: bool = False,
) -> dict[Key, Baseline]:
    """Each weekly history without its weeks out of stock (``domain.stockouts``) and its weeks
    on promotion (``domain.promotion_weeks``): the stock movements say when none was on hand,
    ``promotions`` when a discount lifted its sales. /forecast and the nightly job read them
    alike: /forecast summed from its product's movements, the job (``kept``) from the sums
    ``fold_stock_days`` keeps (``domain.stockout_days``)."""
    if not histories:
        return {}
    since = min(first for _, first in histories.values()) - timedelta(days=1)  # a day early: any time zone
    ids, start = sorted({p for p, _ in histories}), datetime.combine(since, time(), UTC)
    if kept:
        stock = await uow.demand.kept_stock_days(ids)
    else:
        stock = await uow.demand.stock_days(ids, start, uow.timezone)
    lifted = await promoted_histories(uow, histories, promotions)
    found = {}
    for key, (series, first) in histories.items():
        known = stock.get(key)  # None: it never moved here, so nothing is known of its stock
        out = [0] * len(series) if known is None else days_out_of(known, first, len(series))
        found[key] = Baseline(*regular_weeks(series, out, lifted.get(key) or [()] * len(series), first))
    return found


async def product_forecast(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, sku: str, levels: ServiceLevels, currency: str
) -> tuple[Product, list[WarehouseForecast]]:
    await require(uow, staff_id, Permission.PURCHASING)  # forecasts are for buying: a manager's, as /po
    today = shop_day(clock.now(), uow.timezone)  # sales history is dated by the shop's day
    last_week = week_start(today) - timedelta(days=7)  # the last complete week
    async with uow.read_only():
        product = await staff_product_by_sku(uow, sku)
        assert product.id is not None
        # Through this week, its part-week then dropped from each series: a warehouse that
        # first sold this week is still listed, with no history yet (0 weeks).
        weeks = await uow.demand.weekly([product.id], history_start(today), week_start(today))
        codes = {w.id: w.code for w in await uow.warehouses.all()}
        leads = await lead_times(uow, uow.timezone)
        points = {
            r.level.warehouse_id: (r.reorder_point, r.max_level)
            for r in await uow.inventory.reorder_levels(None)
            if r.level.product_id == product.id
        }
        stocked = {level.warehouse_id for level in await uow.stock.levels([product.id])}
        # Its movements, oldest last: the first one here says since when it is stocked, if they are all read.
        moves = await uow.inventory.movements(product.id, STOCKED_SINCE_MOVES)
        product_class = None
        if levels.by_class is not None:
            classes = await product_classes(uow, last_week - timedelta(weeks=CLASS_WEEKS - 1), currency)
            product_class = classes.get(product.id, ProductClass.C)
        by_warehouse = {warehouse_id: series[:-1] for (_, warehouse_id), series in weeks.items()}
        histories = {}
        for warehouse_id in sorted(stocked | set(by_warehouse), key=lambda w: codes.get(w, "")):
            series = by_warehouse.get(warehouse_id, [0.0])  # stocked, never sold: last week's 0
            histories[(product.id, warehouse_id)] = series, last_week - timedelta(weeks=len(series) - 1)
        cut = await price_cuts(uow, histories, currency)
        promotions = await promotions_over(uow, history_start(today), last_week, [product.id])
        baseline = await baseline_histories(uow, histories, promotions)
    results = []
    for key, (_, first) in histories.items():
        warehouse_id = key[1]
        lead = leads.get(key)
        lead_days = lead.days if lead else DEFAULT_LEAD_TIME_DAYS
        code = codes.get(warehouse_id, "?")
        fitted = baseline[key]
        found = _one(warehouse_id, code, fitted.series, first, lead_days, points, levels, product_class, key in cut)
        if product.status is ProductStatus.DISCONTINUED:  # nothing more is bought: a policy would mislead
            found = replace(found, policy=None)
        found = replace(found, out_of_stock=fitted.out_of_stock, promoted=tuple(fitted.promoted), lead=lead)
        if warehouse_id not in by_warehouse:  # stocked, never sold: its one week of 0 is no history
            found = replace(found, never_sold=True, stocked_since=_first_moved(moves, warehouse_id, uow.timezone))
        results.append(found)
    return product, results  # none: no warehouse has stocked or sold it yet (a new product), said so


def _first_moved(moves: list[Movement], warehouse_id: int, timezone: str) -> date | None:
    """The shop's day a product first moved at a warehouse; None when older movements were not read."""
    here = [m.at for m in moves if m.warehouse_id == warehouse_id]
    if not here or len(moves) >= STOCKED_SINCE_MOVES:
        return None
    return shop_day(min(here), timezone)


def _one(
    warehouse_id: int,
    code: str,
    series: list[float],
    first: date,
    lead_days: int,
    points: dict[int, tuple[int, int | None]],
    levels: ServiceLevels,
    product_class: ProductClass | None,
    price_cut: bool = False,
) -> WarehouseForecast:
    from domain.forecasting import backtest, forecast  # numpy: loaded on the first forecast, not at start

    current, top = points.get(warehouse_id, (0, None))
    try:
        found = forecast(series, HORIZON_WEEKS, price_cut=price_cut)
    except NotEnoughHistory:
        return WarehouseForecast(warehouse_id, code, series, first, None, None, None, lead_days, None, current, top, {})
    held = min(BACKTEST_WEEKS, len(series) - MIN_WEEKS)
    ours = naive = None
    if held >= 2:
        _, ours, naive = backtest(series, held)
    suggested = suggest(found, lead_days, levels, product_class)
    weekly_quantiles = {q: found.quantile(q, 1) for q in QUANTILES}
    return WarehouseForecast(
        warehouse_id, code, series, first, found, ours, naive, lead_days, suggested, current, top, weekly_quantiles
    )


def suggest(found: Forecast, lead_days: int, levels: ServiceLevels, product_class: ProductClass | None) -> Policy:
    """The policy for one product at one warehouse: the forecast's quantiles at the product's service level."""
    return policy(
        found,
        lead_time_days=lead_days,
        service_level=levels.level(product_class),
        product_class=product_class if levels.by_class is not None else None,
    )


async def apply_reorder_point(
    uow: UnitOfWork, *, staff_id: int, product_id: int, warehouse_id: int, point: int, order_up_to: int
) -> tuple[Product, str]:
    """The suggested policy, applied from the forecast's button: the reorder point and the
    maximum level (order-up-to) together."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        product = await uow.products.get(product_id)
        warehouse = next((w for w in await uow.warehouses.all() if w.id == warehouse_id), None)
        if product is None or warehouse is None or point < 0:
            raise NotFound()
        await uow.inventory.set_reorder(product_id, warehouse_id, point, max(order_up_to, point) or None)
        await uow.commit()
        return product, warehouse.code
