"""Bulk set-up from CSV: all-or-nothing, one transaction per file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.customers import Customer
from domain.errors import DomainError, ImportRejected
from domain.imports import (
    parse_boxes,
    parse_carriers,
    parse_customers,
    parse_demand,
    parse_products,
    parse_stock,
    parse_warehouses,
)
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.usecases.customers import find_customer
from domain.warehouse import DEFAULT_BIN


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int


async def import_products(
    uow: UnitOfWork, text: str, resolve_path: Callable[[str], str | None] | None = None
) -> ImportReport:
    """``resolve_path`` turns a photo path written in the file into an absolute one (or
    None when it does not exist); without it, only URLs and Telegram file_ids are accepted."""
    parsed, problems = parse_products(text, resolve_path) if resolve_path else parse_products(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        existing = await uow.products.ids_by_sku([p.sku for _, p in parsed])
        await uow.products.upsert_many([product for _, product in parsed])
        await uow.commit()
    return ImportReport(created=len(parsed) - len(existing), updated=len(existing))


async def import_warehouses(uow: UnitOfWork, text: str) -> ImportReport:
    parsed, problems = parse_warehouses(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        existing = await uow.warehouses.ids_by_code([w.code for _, w in parsed])
        for _, warehouse in parsed:
            await uow.warehouses.upsert(warehouse)
        await uow.commit()
    return ImportReport(created=len(parsed) - len(existing), updated=len(existing))


class _SkuAtWarehouse(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def warehouse(self) -> str: ...


async def _known_skus_and_warehouses(
    uow: UnitOfWork, rows: Sequence[_SkuAtWarehouse]
) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of the rows' SKUs and warehouses; any unknown one rejects the whole file."""
    products = await uow.products.ids_by_sku(sorted({r.sku for r in rows}))
    warehouses = await uow.warehouses.ids_by_code(sorted({r.warehouse for r in rows}))
    problems = [(r.line, f"unknown SKU {r.sku}") for r in rows if r.sku not in products]
    problems += [(r.line, f"unknown warehouse {r.warehouse}") for r in rows if r.warehouse not in warehouses]
    if problems:
        raise ImportRejected(sorted(problems))
    return products, warehouses


async def import_demand(uow: UnitOfWork, text: str) -> ImportReport:
    """Sales history for forecasting. Importing a file again replaces the history it gave
    for its (SKU, warehouse) pairs, so a corrected export can simply be re-imported; the
    shipments Ordergram itself recorded are never touched."""
    rows, problems = parse_demand(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows)
        history = [(products[r.sku], warehouses[r.warehouse], r.day, r.quantity) for r in rows]
        replaced = await uow.demand.replace_imported(history)
        await uow.commit()
    return ImportReport(created=len(rows) - replaced, updated=replaced)


async def import_stock(uow: UnitOfWork, clock: Clock, text: str, *, actor: str = "import") -> ImportReport:
    """Set each bin's on-hand quantity to the file's figure (a stock count), recording
    the difference as an inventory movement. Refused where it would go below reserved."""
    rows, problems = parse_stock(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows)
        now = clock.now()
        touched = sorted({products[r.sku] for r in rows})
        before = await _available_by_product(uow, touched)
        changed = 0
        for row in rows:
            try:
                delta = await uow.stock.set_bin_quantity(
                    products[row.sku],
                    warehouses[row.warehouse],
                    row.bin or DEFAULT_BIN,
                    row.quantity,
                    "stock import",
                    actor,
                    now,
                )
            except DomainError as exc:  # reported per line; the whole file is then rolled back
                problems.append((row.line, str(exc)))
                continue
            changed += delta != 0
        if problems:
            await uow.rollback()
            raise ImportRejected(sorted(problems))
        after = await _available_by_product(uow, touched)
        await notify_back_in_stock(uow, [p for p in touched if before.get(p, 0) <= 0 < after.get(p, 0)], now)
        await uow.commit()
    return ImportReport(created=changed, updated=len(rows) - changed)


async def _available_by_product(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for level in await uow.stock.levels(product_ids):
        totals[level.product_id] = totals.get(level.product_id, 0) + max(level.available, 0)
    return totals


async def notify_back_in_stock(uow: UnitOfWork, product_ids: list[int], now: datetime) -> None:
    """Everyone who asked is told once, in the transaction that brought the stock back."""
    waiting = await uow.subscriptions.waiting(product_ids)
    if not waiting:
        return
    products = {p.id: p for p in await uow.products.get_many(sorted({p for _, p in waiting}))}
    for customer_id, product_id in waiting:
        customer = await uow.customers.get(customer_id)
        product = products.get(product_id)
        if customer is None or product is None:
            continue
        if not customer.unreachable and customer.telegram_id is not None:
            await uow.outbox.add(
                Notification(
                    customer.telegram_id,
                    "back_in_stock",
                    customer.notification_language,
                    {"name": product.name, "sku": product.sku},
                ),
                now,
            )
        await uow.subscriptions.mark_notified(customer_id, product_id, now)


async def import_carriers(uow: UnitOfWork, text: str) -> ImportReport:
    """The file is the whole rate table: services missing from it are no longer offered."""
    rates, problems = parse_carriers(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        before = len(await uow.carriers.all())
        await uow.carriers.replace_all(rates)
        await uow.commit()
    return ImportReport(created=max(len(rates) - before, 0), updated=min(before, len(rates)))


async def import_boxes(uow: UnitOfWork, text: str) -> ImportReport:
    """The standard shipping boxes; the file replaces the whole list."""
    boxes, problems = parse_boxes(text)
    if problems:
        raise ImportRejected(problems)
    if not boxes:
        raise ImportRejected([(1, "the file has no boxes")])
    async with uow:
        before = len(await uow.packing.boxes())
        await uow.packing.replace_boxes(boxes)
        await uow.commit()
    return ImportReport(created=max(len(boxes) - before, 0), updated=min(before, len(boxes)))


async def import_customers(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Customers and business terms from a previous system: each row is matched by Telegram
    id, else phone, else email; a match gets the row's business flag and terms (and a phone
    or email it lacked), anyone else is added (without a chat until they write to the bot)."""
    parsed, problems = parse_customers(text, uow.base_currency)
    if problems:
        raise ImportRejected(problems)
    created = 0
    async with uow:
        for row in parsed:
            found = await find_customer(uow, telegram_id=row.telegram_id, phone=row.phone, email=row.email)
            if found is None:
                first, _, last = row.name.partition(" ")
                found = await uow.customers.add(
                    Customer(
                        row.telegram_id, first, last or None, phone=row.phone, email=row.email, created_at=clock.now()
                    )
                )
                created += 1
            else:
                found.phone, found.email = found.phone or row.phone, found.email or row.email
            found.is_business = row.business
            found.payment_terms_days, found.credit_limit = row.payment_terms_days, row.credit_limit
            await uow.customers.update(found)
        await uow.commit()
    return ImportReport(created=created, updated=len(parsed) - created)
