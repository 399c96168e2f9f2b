"""Stock counts and sales history from CSV, and telling customers a product is back in stock."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from domain.csvfiles import MAX_PROBLEMS_SHOWN, Problem, problem
from domain.errors import DomainError, ImportRejected, InsufficientStock, Reason
from domain.i18n import N_
from domain.imports import StockRow, parse_demand, parse_stock
from domain.memos import Memo
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.stock_counts import BinCount, CountsRefused
from domain.usecases.backorders import fill_backorders
from domain.usecases.held_stock import below_held
from domain.usecases.imports.report import SKU_MISSING, WAREHOUSE_MISSING, ImportReport, no_such
from domain.usecases.stock_books import book_stock_changes
from domain.warehouse import DEFAULT_BIN, normal_bin
from domain.weeks import week_start

HISTORY_WEEKS = 104  # demand kept for forecasts: two years at most, older says little about next month


def history_start(today: date) -> date:
    """The first day of the demand history kept: ``HISTORY_WEEKS`` whole weeks to the last one."""
    return week_start(today) - timedelta(weeks=HISTORY_WEEKS)


class FutureSale(DomainError):
    key = N_("{day} is still to come: sales history ends today.")


class _SkuAtWarehouse(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def warehouse(self) -> str: ...


async def _known_skus_and_warehouses(
    uow: UnitOfWork, rows: Sequence[_SkuAtWarehouse], found: Sequence[Problem] = ()
) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of the rows' SKUs and warehouses; any unknown one rejects the whole file, named with
    the problems ``found`` in the file's other lines (one run names every bad line)."""
    products = await uow.products.ids_by_sku(sorted({r.sku for r in rows}))
    warehouses = await uow.warehouses.ids_by_code(sorted({r.warehouse for r in rows}))
    problems = [*found, *((r.line, no_such(SKU_MISSING, r.sku)) for r in rows if r.sku not in products)]
    problems += [(r.line, no_such(WAREHOUSE_MISSING, r.warehouse)) for r in rows if r.warehouse not in warehouses]
    if problems:
        raise ImportRejected(sorted(problems))
    return products, warehouses


async def import_demand(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Sales history for forecasting. Importing a file again replaces the history it gave
    for its (SKU, warehouse) pairs, so a corrected export can simply be re-imported; the
    shipments Ordergram itself recorded are never touched. Days before the history kept
    (``HISTORY_WEEKS``) are skipped, and the report says how many and from when."""
    rows, problems = await asyncio.to_thread(parse_demand, text)  # seconds for a big file: the bot serves others
    latest = shop_day(clock.now(), uow.timezone)  # sold, so not later than the shop's today
    problems += [(r.line, Reason.of(FutureSale(day=r.day.isoformat()))) for r in rows if r.day > latest]
    start = history_start(shop_day(clock.now(), uow.timezone))
    kept = [r for r in rows if r.day >= start]
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows, problems)
        history = [(products[r.sku], warehouses[r.warehouse], r.day, r.quantity) for r in kept]
        replaced = await uow.demand.replace_imported(history)
        await uow.commit()
    skipped = len(rows) - len(kept)
    return ImportReport(
        created=len(kept) - replaced, updated=replaced, skipped=skipped, skipped_before=start if skipped else None
    )


async def import_stock(uow: UnitOfWork, clock: Clock, text: str, *, actor: str = "import") -> ImportReport:
    """Set each bin's on-hand quantity to the file's figure (a stock count), recording
    the difference as an inventory movement. Refused where it would go below reserved."""
    # Seconds for 500,000 rows: read in a thread, before the transaction (SQLite's write lock).
    rows, problems = await asyncio.to_thread(parse_stock, text)
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows, problems)
        now = clock.now()
        touched = sorted({products[r.sku] for r in rows})
        # Availability matters only where a customer waits for it (a big file touches 100,000
        # products, a few have subscribers): read before and after for those alone.
        watched = sorted({p for _, p in await uow.subscriptions.waiting(touched)})
        before = await available_by_product(uow, watched)
        if kept := await _kept_elsewhere(uow, [r for r in rows if not r.bin], products, warehouses):
            raise ImportRejected(kept)
        counts = [BinCount(products[r.sku], warehouses[r.warehouse], r.bin or DEFAULT_BIN, r.quantity) for r in rows]
        try:  # all rows in a few statements, decided row by row as single counts would be
            deltas = await uow.stock.set_bin_quantities(counts, "stock import", actor, now)
        except CountsRefused as refused:
            # Each refusal names the orders and carts holding its units and what to do (was "Only 1 available.").
            told: dict[tuple[int, int], DomainError | None] = {}  # read once a position; past the shown ones, briefly
            problems = []
            for i, available in refused.refused:
                row = rows[i]
                place = (products[row.sku], warehouses[row.warehouse])
                if place not in told and len(told) < MAX_PROBLEMS_SHOWN:
                    told[place] = await below_held(uow, *place, row.sku, row.warehouse)
                problems.append((row.line, Reason.of(told.get(place) or InsufficientStock(available=available))))
            await uow.rollback()
            raise ImportRejected(problems) from None
        changed = sum(1 for delta in deltas if delta)
        arrived: dict[int, int] = {}  # product → a warehouse that counted more than it had
        counted: dict[tuple[int, int], int] = {}  # what each position gained or lost, over its bins
        for row, delta in zip(rows, deltas, strict=True):
            place = (products[row.sku], warehouses[row.warehouse])
            counted[place] = counted.get(place, 0) + delta
            if delta > 0:
                arrived[products[row.sku]] = warehouses[row.warehouse]
        memo = Memo.of(
            N_("stock import ({actor}): {changed} of {rows} rows changed"), actor=actor, changed=changed, rows=len(rows)
        )
        await fill_backorders(uow, now, arrived)
        after = await available_by_product(uow, watched)
        await notify_back_in_stock(uow, [p for p in watched if before.get(p, 0) <= 0 < after.get(p, 0)], now)
        skus = {i: sku for sku, i in products.items()}
        await book_stock_changes(uow, now, "import:stock", memo, counted, skus, last=True)  # rates held: lock order
        await uow.commit()
    units = sum(r.quantity for r in rows)
    return ImportReport(created=0, updated=changed, unchanged=len(rows) - changed, units=units)


KEPT_IN_BINS = N_("{sku} is kept in bin(s) {bins} in {warehouse}: name the bin (a row without one counts {default})")


async def _kept_elsewhere(
    uow: UnitOfWork, rows: list[StockRow], products: dict[str, int], warehouses: dict[str, int]
) -> list[Problem]:
    """Rows without a bin (they count the default bin) of products kept in other bins there: a
    warehouse counted without bins had the count beside what its bins held, twice the stock."""
    if not rows:
        return []
    default = normal_bin(DEFAULT_BIN)
    held: dict[tuple[int, int], list[str]] = {}
    for found in await uow.inventory.bins(sorted({products[r.sku] for r in rows})):
        if found.bin_code != default:
            held.setdefault((found.product_id, found.warehouse_id), []).append(found.bin_code)
    problems: list[Problem] = []
    for r in rows:
        if bins := held.get((products[r.sku], warehouses[r.warehouse])):
            params = {"sku": r.sku, "bins": ", ".join(sorted(bins)[:5]), "warehouse": r.warehouse, "default": default}
            problems.append((r.line, problem(KEPT_IN_BINS, **params)))
    return problems


async def available_by_product(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    """Units that can be sold now per product, over every warehouse (a shortfall counts as none)."""
    totals: dict[int, int] = {}
    for level in await uow.stock.levels(product_ids):
        totals[level.product_id] = totals.get(level.product_id, 0) + max(level.available, 0)
    return totals


async def notify_back_in_stock(uow: UnitOfWork, product_ids: list[int], now: datetime) -> None:
    """Everyone who asked is told once, in the transaction that brought the stock back, the
    product named in their language. A product hidden or discontinued since is not announced
    (its link would say it cannot be ordered); its askers keep waiting."""
    waiting = await uow.subscriptions.waiting(product_ids)
    if not waiting:
        return
    products = {p.id: p for p in await uow.products.get_many(sorted({p for _, p in waiting}))}
    # In one order, so two arrivals claiming the same askers never wait on each other.
    for customer_id, product_id in sorted(waiting, key=lambda asked: (asked[1], asked[0])):
        customer = await uow.customers.get(customer_id)
        product = products.get(product_id)
        if customer is None or product is None or not product.orderable:
            continue
        # Claimed first: goods arriving in two warehouses at once both found them waiting, and
        # PostgreSQL told them twice; the second claim waits for the first and finds them told.
        if not await uow.subscriptions.mark_notified(customer_id, product_id, now):
            continue
        product = product.in_language(customer.notification_language)
        if not customer.unreachable and customer.telegram_id is not None:
            await uow.outbox.add(
                Notification(
                    customer.telegram_id,
                    "back_in_stock",
                    customer.notification_language,
                    {"name": product.display_name, "sku": product.sku},
                ),
                now,
            )
