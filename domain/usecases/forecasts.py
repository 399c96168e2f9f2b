"""/forecast SKU: each warehouse's weekly demand forecast, how well the method did on the
latest weeks, and the reorder point it suggests; managers can apply that point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.catalog import Product
from domain.errors import NotFound
from domain.forecasting import (
    MIN_WEEKS,
    Forecast,
    NotEnoughHistory,
    ReorderSuggestion,
    backtest,
    forecast,
    reorder_point,
    week_start,
    weekly,
)
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.catalog import find_by_sku
from domain.usecases.imports import history_start
from domain.usecases.staff import require

HORIZON_WEEKS = 8
BACKTEST_WEEKS = 12
DEFAULT_LEAD_TIME_DAYS = 7


@dataclass(frozen=True, slots=True)
class WarehouseForecast:
    warehouse_id: int
    warehouse: str
    history: list[float]  # weekly units, oldest first, up to last week
    first_week: date
    forecast: Forecast | None  # None: not enough history
    mase: float | None  # on the last weeks held out (below 1 beats naive)
    naive_mase: float | None
    lead_time_days: int
    suggestion: ReorderSuggestion | None
    current_point: int


async def product_forecast(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, sku: str, service_level: float
) -> tuple[Product, list[WarehouseForecast]]:
    await require(uow, staff_id, Permission.VIEW_STOCK)
    today = clock.now().date()
    last_week = week_start(today) - timedelta(days=7)  # the last complete week
    async with uow.read_only():
        product = await find_by_sku(uow, sku)
        assert product.id is not None
        daily = await uow.demand.daily([product.id], history_start(today))
        codes = {w.id: w.code for w in await uow.warehouses.all()}
        terms = {t.warehouse_id: t for t in await uow.purchasing.terms() if t.product_id == product.id}
        lead = {s.id: s.lead_time_days for s in await uow.purchasing.suppliers()}
        points = {
            r.level.warehouse_id: r.reorder_point
            for r in await uow.inventory.reorder_levels(None)
            if r.level.product_id == product.id
        }
        stocked = {level.warehouse_id for level in await uow.stock.levels([product.id])}
    by_warehouse: dict[int, list[tuple[date, int]]] = {}
    for _, warehouse_id, day, quantity in daily:
        by_warehouse.setdefault(warehouse_id, []).append((day, quantity))
    results = []
    for warehouse_id in sorted(stocked | set(by_warehouse), key=lambda w: codes.get(w, "")):
        sales = by_warehouse.get(warehouse_id, [])
        first = week_start(min((d for d, _ in sales), default=last_week))
        series = weekly(sales, first, last_week)
        term = terms.get(warehouse_id)
        lead_days = lead.get(term.supplier_id, DEFAULT_LEAD_TIME_DAYS) if term else DEFAULT_LEAD_TIME_DAYS
        results.append(
            _one(warehouse_id, codes.get(warehouse_id, "?"), series, first, lead_days, points, service_level)
        )
    if not results:
        raise NotFound()
    return product, results


def _one(
    warehouse_id: int,
    code: str,
    series: list[float],
    first: date,
    lead_days: int,
    points: dict[int, int],
    service_level: float,
) -> WarehouseForecast:
    current = points.get(warehouse_id, 0)
    try:
        found = forecast(series, HORIZON_WEEKS)
    except NotEnoughHistory:
        return WarehouseForecast(warehouse_id, code, series, first, None, None, None, lead_days, None, current)
    held = min(BACKTEST_WEEKS, len(series) - MIN_WEEKS)
    ours = naive = None
    if held >= 2:
        _, ours, naive = backtest(series, held)
    suggestion = reorder_point(found, lead_days, service_level)
    return WarehouseForecast(warehouse_id, code, series, first, found, ours, naive, lead_days, suggestion, current)


async def apply_reorder_point(
    uow: UnitOfWork, *, staff_id: int, product_id: int, warehouse_id: int, point: int
) -> tuple[Product, str]:
    """The suggested point, applied from the forecast's button (the maximum level is kept)."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        product = await uow.products.get(product_id)
        warehouse = next((w for w in await uow.warehouses.all() if w.id == warehouse_id), None)
        if product is None or warehouse is None or point < 0:
            raise NotFound()
        current = next(
            (r for r in await uow.inventory.reorder_levels(warehouse_id) if r.level.product_id == product_id), None
        )
        max_level = current.max_level if current else None
        await uow.inventory.set_reorder(product_id, warehouse_id, point, max(max_level, point) if max_level else None)
        await uow.commit()
        return product, warehouse.code
