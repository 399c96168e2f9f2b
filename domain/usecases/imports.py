"""Bulk set-up from CSV: all-or-nothing, one transaction per file."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, ImportRejected
from domain.imports import parse_products, parse_stock, parse_warehouses
from domain.ports import Clock, UnitOfWork
from domain.warehouse import DEFAULT_BIN


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int


async def import_products(uow: UnitOfWork, text: str) -> ImportReport:
    parsed, problems = parse_products(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        existing = await uow.products.ids_by_sku([p.sku for _, p in parsed])
        for _, product in parsed:
            await uow.products.upsert(product)
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


async def import_stock(uow: UnitOfWork, clock: Clock, text: str, *, actor: str = "import") -> ImportReport:
    """Set each bin's on-hand quantity to the file's figure (a stock count), recording
    the difference as an inventory movement. Refused where it would go below reserved."""
    rows, problems = parse_stock(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        products = await uow.products.ids_by_sku(sorted({r.sku for r in rows}))
        warehouses = await uow.warehouses.ids_by_code(sorted({r.warehouse for r in rows}))
        for row in rows:
            if row.sku not in products:
                problems.append((row.line, f"unknown SKU {row.sku}"))
            if row.warehouse not in warehouses:
                problems.append((row.line, f"unknown warehouse {row.warehouse}"))
        if problems:
            raise ImportRejected(sorted(problems))
        now = clock.now()
        changed = 0
        for row in rows:
            try:
                delta = await uow.stock.set_bin_quantity(
                    products[row.sku], warehouses[row.warehouse], row.bin or DEFAULT_BIN,
                    row.quantity, "stock import", actor, now,
                )  # fmt: skip
            except DomainError as exc:  # reported per line; the whole file is then rolled back
                problems.append((row.line, str(exc)))
                continue
            changed += delta != 0
        if problems:
            await uow.rollback()
            raise ImportRejected(sorted(problems))
        await uow.commit()
    return ImportReport(created=changed, updated=len(rows) - changed)
