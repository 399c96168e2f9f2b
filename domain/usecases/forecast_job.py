"""The nightly forecast job: a replenishment policy for every product and warehouse with demand, stored in bulk."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ports import Clock, UnitOfWork
from domain.replenishment import ProductClass, ServiceLevels, Suggestion
from domain.shop_days import shop_day
from domain.usecases.forecasts import (
    CLASS_WEEKS,
    DEFAULT_LEAD_TIME_DAYS,
    baseline_histories,
    lead_times,
    price_cuts,
    product_classes,
    promotions_over,
    suggest,
)
from domain.usecases.imports.stock import HISTORY_WEEKS
from domain.weeks import NotEnoughHistory, week_start

BATCH_PRODUCTS = 500  # products read, forecast and written per step: memory stays flat with the catalogue
# Movement ids summed into the kept days per transaction: a night's few thousand in one; the
# first night after an upgrade (millions) in turns, so checkouts wait seconds, not a minute.
FOLD_MOVEMENTS = 1_000_000

# One product at one warehouse to forecast: ids, weekly units up to last week, lead time in
# days, ABC class (None: one level for all), whether its price was cut in a closing pause.
Pair = tuple[int, int, list[float], int, ProductClass | None, bool]
Compute = Callable[[list[Pair], ServiceLevels, datetime], Awaitable[list[Suggestion]]]


def suggestions_for(pairs: list[Pair], levels: ServiceLevels, computed_at: datetime) -> list[Suggestion]:
    """The CPU part, pure and picklable: a worker process may run it."""
    from domain.forecasting import forecast  # numpy: loaded when the job first runs, not at start

    out = []
    for product_id, warehouse_id, series, lead_days, product_class, price_cut in pairs:
        try:
            found = forecast(series, 2, price_cut=price_cut)
        except NotEnoughHistory:
            continue
        policy = suggest(found, lead_days, levels, product_class)
        out.append(
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
                computed_at,
            )
        )
    return out


async def _here(pairs: list[Pair], levels: ServiceLevels, computed_at: datetime) -> list[Suggestion]:
    return suggestions_for(pairs, levels, computed_at)


@dataclass(frozen=True, slots=True)
class NightlyRun:
    products: int
    stored: int  # (product, warehouse) pairs with a suggestion
    applied: int  # stock rows whose reorder point or maximum changed (auto-apply only)
    dropped: int  # suggestions of pairs no longer forecast


async def fold_movements(uow: UnitOfWork) -> int:
    """The movements not yet summed added to the kept day sums, ``FOLD_MOVEMENTS`` a
    transaction; returns how many."""
    folded = 0
    while True:
        async with uow:
            summed = await uow.demand.fold_stock_days(uow.timezone, FOLD_MOVEMENTS)
            await uow.commit()
        if not summed:
            return folded
        folded += summed


async def nightly_forecasts(
    uow: UnitOfWork,
    clock: Clock,
    *,
    levels: ServiceLevels,
    currency: str,
    auto_apply: bool,
    batch: int = BATCH_PRODUCTS,
    compute: Compute = _here,
    in_flight: int = 1,
) -> NightlyRun:
    """Recompute every suggestion from the weeks up to last week. With ``auto_apply`` each
    suggestion also becomes the stock row's reorder point and maximum level, which is what
    the reorder scan orders by; without it the scan keeps the levels people set, and the
    suggestions are only stored (``/forecast`` computes the same policy live, to apply by
    hand). ``compute`` may hand batches to worker processes
    (``in_flight`` of them at a time) while the next batch is read."""
    now = clock.now()
    last_week = week_start(shop_day(now, uow.timezone)) - timedelta(days=7)  # the shop's weeks, as sales are dated
    since = last_week - timedelta(weeks=HISTORY_WEEKS - 1)
    async with uow.read_only():
        # Nothing more is bought of a discontinued product: no policy stored, none applied.
        products = sorted((await uow.demand.totals(since)).keys() - await uow.demand.discontinued())
        leads = {key: lead.days for key, lead in (await lead_times(uow, uow.timezone)).items()}
        classes: dict[int, ProductClass] = {}
        if levels.by_class is not None:
            classes = await product_classes(uow, last_week - timedelta(weeks=CLASS_WEEKS - 1), currency)
        promotions = await promotions_over(uow, since, last_week)  # once a night: every batch asks which ran
    await fold_movements(uow)  # the movements since last night added to the kept day sums the batches read
    stored = applied = 0
    pending: deque[asyncio.Future[list[Suggestion]]] = deque()

    async def write(suggestions: list[Suggestion]) -> None:
        nonlocal stored, applied
        async with uow:
            await uow.demand.store_suggestions(suggestions)
            if auto_apply:
                applied += await uow.demand.apply_suggestions(suggestions)
            await uow.commit()
        stored += len(suggestions)

    for start in range(0, len(products), batch):
        async with uow.read_only():
            weeks = await uow.demand.weekly(products[start : start + batch], since, last_week)
            histories = {key: (series, last_week - timedelta(weeks=len(series) - 1)) for key, series in weeks.items()}
            # A stock-out's zeros are no demand, nor a promotion's lifted sales.
            baseline = await baseline_histories(uow, histories, promotions, kept=True)
        # Not through the read cache: its catalogue is loaded whole at the first product read
        # (+50–70 MB in a job process), and a batch needs only its few paused products' prices.
        async with uow:
            cut = await price_cuts(uow, histories, currency)
        pairs: list[Pair] = [
            (
                product_id,
                warehouse_id,
                baseline[(product_id, warehouse_id)].series,
                leads.get((product_id, warehouse_id), DEFAULT_LEAD_TIME_DAYS),
                classes.get(product_id, ProductClass.C) if levels.by_class is not None else None,
                (product_id, warehouse_id) in cut,
            )
            for product_id, warehouse_id in histories
        ]
        pending.append(asyncio.ensure_future(compute(pairs, levels, now)))
        while len(pending) >= max(in_flight, 1):
            await write(await pending.popleft())
    while pending:
        await write(await pending.popleft())
    async with uow:
        dropped = await uow.demand.drop_suggestions_before(now)
        await uow.commit()
    return NightlyRun(len(products), stored, applied, dropped)
