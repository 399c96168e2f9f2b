"""The nightly forecast job: a replenishment policy for every product and warehouse with demand, stored in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.forecasting import NotEnoughHistory, forecast, week_start, weekly
from domain.ports import Clock, UnitOfWork
from domain.replenishment import ProductClass, ServiceLevels, Suggestion
from domain.usecases.forecasts import (
    CLASS_WEEKS,
    DEFAULT_LEAD_TIME_DAYS,
    HISTORY_WEEKS,
    lead_times,
    product_classes,
    suggest,
)

BATCH_PRODUCTS = 500  # products read, forecast and written per step: memory stays flat with the catalogue


@dataclass(frozen=True, slots=True)
class NightlyRun:
    products: int
    stored: int  # (product, warehouse) pairs with a suggestion
    applied: int  # stock rows whose reorder point or maximum changed (auto-apply only)
    dropped: int  # suggestions of pairs no longer forecast


async def nightly_forecasts(
    uow: UnitOfWork,
    clock: Clock,
    *,
    levels: ServiceLevels,
    currency: str,
    auto_apply: bool,
    batch: int = BATCH_PRODUCTS,
) -> NightlyRun:
    """Recompute every suggestion from the weeks up to last week. With ``auto_apply`` each
    suggestion also becomes the stock row's reorder point and maximum level, which is what
    the reorder scan orders by; without it the scan keeps the levels people set, and the
    suggestions wait on ``/forecast``."""
    now = clock.now()
    last_week = week_start(now.date()) - timedelta(days=7)
    since = last_week - timedelta(weeks=HISTORY_WEEKS - 1)
    async with uow.read_only():
        products = sorted(await uow.demand.totals(since))
        leads = await lead_times(uow)
        classes: dict[int, ProductClass] = {}
        if levels.by_class is not None:
            classes = await product_classes(uow, last_week - timedelta(weeks=CLASS_WEEKS - 1), currency)
    stored = applied = 0
    for start in range(0, len(products), batch):
        chunk = products[start : start + batch]
        async with uow.read_only():
            daily = await uow.demand.daily(chunk, since)
        sales: dict[tuple[int, int], list[tuple[date, int]]] = {}
        for product_id, warehouse_id, day, quantity in daily:
            sales.setdefault((product_id, warehouse_id), []).append((day, quantity))
        suggestions = []
        for (product_id, warehouse_id), days in sales.items():
            series = weekly(days, week_start(min(d for d, _ in days)), last_week)
            try:
                found = forecast(series, 2)
            except NotEnoughHistory:
                continue
            product_class = classes.get(product_id, ProductClass.C) if levels.by_class is not None else None
            lead_days = leads.get((product_id, warehouse_id), DEFAULT_LEAD_TIME_DAYS)
            policy = suggest(found, series, lead_days, levels, product_class)
            suggestions.append(
                Suggestion(
                    product_id,
                    warehouse_id,
                    str(found.method),
                    found.mean(1),
                    policy.reorder_point,
                    policy.order_up_to,
                    policy.service_level,
                    policy.expected_fill,
                    policy.product_class,
                    now,
                )
            )
        async with uow:
            await uow.demand.store_suggestions(suggestions)
            if auto_apply:
                applied += await uow.demand.apply_suggestions(suggestions)
            await uow.commit()
        stored += len(suggestions)
    async with uow:
        dropped = await uow.demand.drop_suggestions_before(now)
        await uow.commit()
    return NightlyRun(len(products), stored, applied, dropped)
