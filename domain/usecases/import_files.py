"""A CSV file of any kind imported from its bytes: one way in for the CLI and the chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container

from domain.csvfiles import Columns, decode_csv, unknown_columns
from domain.import_headers import check_header
from domain.imports import BOXES, CARRIERS, CUSTOMERS, DEMAND, PRICES, REORDER, STOCK, SUPPLIERS, WAREHOUSES
from domain.ports import Clock, UnitOfWork
from domain.product_file import PRODUCTS
from domain.staff import Permission
from domain.usecases import pricing
from domain.usecases.imports.lists import import_boxes, import_carriers, import_customers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.purchasing import import_reorder, import_suppliers
from domain.usecases.imports.report import ImportReport
from domain.usecases.imports.stock import import_demand, import_stock
from domain.usecases.inventory import actor_of
from domain.usecases.staff import require

# In the order a new shop imports them: each names what the ones before it created.
COLUMNS: dict[str, Columns] = {
    "warehouses": WAREHOUSES,
    "products": PRODUCTS,
    "stock": STOCK,
    "carriers": CARRIERS,
    "boxes": BOXES,
    "suppliers": SUPPLIERS,
    "reorder": REORDER,
    "demand": DEMAND,
    "customers": CUSTOMERS,
    "prices": PRICES,
}
KINDS = tuple(COLUMNS)


def import_permission(kind: str) -> Permission:
    """What a file sent in chat needs of its sender's role: prices set prices, the rest edit stock."""
    return Permission.SET_PRICES if kind == "prices" else Permission.EDIT_STOCK


async def import_file(
    uow: UnitOfWork,
    clock: Clock,
    kind: str,
    data: bytes,
    *,
    resolve_path: Callable[[str], str | None] | None = None,
    staff_id: int | None = None,
    languages: Container[str] | None = None,
    source: str = "",
) -> ImportReport:
    """Decode (``decode_csv``: UTF-8 with or without BOM, UTF-16, else Windows-1251 when it
    reads as such, else refused), then import as ``kind``; the report names the encoding.
    A file sent in chat (``staff_id``) needs a role that may edit stock (prices: set prices).
    ``source``: the file's name, kept in the history of the products it creates."""
    actor = "import"
    if staff_id is not None:
        await require(uow, staff_id, import_permission(kind))
        actor = actor_of(staff_id)
    text = await asyncio.to_thread(decode_csv, data)  # seconds for megabytes: the bot serves others meanwhile
    check_header(kind, text.text, COLUMNS)
    report: ImportReport
    if kind == "products":
        report = await import_products(uow, clock, text.text, resolve_path, languages, actor=actor, source=source)
    elif kind == "warehouses":
        report = await import_warehouses(uow, text.text)
    elif kind == "stock":
        report = await import_stock(uow, clock, text.text, actor=actor)
    elif kind == "carriers":
        report = await import_carriers(uow, text.text)
    elif kind == "boxes":
        report = await import_boxes(uow, text.text)
    elif kind == "suppliers":
        report = await import_suppliers(uow, text.text)
    elif kind == "reorder":
        report = await import_reorder(uow, clock, text.text)
    elif kind == "demand":
        report = await import_demand(uow, clock, text.text)
    elif kind == "customers":
        report = await import_customers(uow, clock, text.text)
    elif kind == "prices":
        report = await pricing.import_prices(uow, text.text)
    else:
        raise ValueError(f"unknown import kind {kind!r}")
    return report.read_as(text.encoding, unknown_columns(text.text, COLUMNS[kind]))
