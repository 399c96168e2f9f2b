"""Suppliers and reorder terms from CSV: who is bought from, each product's reorder point and supply terms."""

from __future__ import annotations

from dataclasses import replace

from domain.csvfiles import Problem, problem
from domain.errors import ImportRejected
from domain.i18n import N_
from domain.imports import ReorderRow, parse_reorder, parse_suppliers
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.purchasing import (
    PurchaseOrder,
    SupplyTerms,
)
from domain.usecases.imports.report import SKU_MISSING, SUPPLIER_MISSING, WAREHOUSE_MISSING, ImportReport, no_such
from domain.usecases.revaluation import revaluing


async def import_suppliers(uow: UnitOfWork, text: str) -> ImportReport:
    suppliers, problems = parse_suppliers(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        known = {s.code: replace(s, id=None) for s in await uow.purchasing.suppliers()}
        await uow.purchasing.upsert_suppliers(suppliers)
        await uow.commit()
    created = sum(1 for s in suppliers if s.code not in known)
    same = sum(1 for s in suppliers if known.get(s.code) == replace(s, id=None))
    return ImportReport(created=created, updated=len(suppliers) - created - same, unchanged=same)


async def import_reorder(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Reorder point, maximum level and supply terms per product and warehouse."""
    rows, problems = parse_reorder(text)  # the unknown codes below are named with these: one run names all
    async with uow:
        products = await uow.products.ids_by_sku(sorted({r.sku for r in rows}))
        warehouses = await uow.warehouses.ids_by_code(sorted({r.warehouse for r in rows}))
        suppliers = {s.code: s.id for s in await uow.purchasing.suppliers()}
        for r in rows:
            for known, code, missing in ((products, r.sku, SKU_MISSING), (warehouses, r.warehouse, WAREHOUSE_MISSING)):
                if code not in known:
                    problems.append((r.line, no_such(missing, code)))
            if r.supplier not in suppliers:
                problems.append((r.line, no_such(SUPPLIER_MISSING, r.supplier)))
        if problems:
            raise ImportRejected(sorted(problems))
        before = {(t.product_id, t.warehouse_id): t for t in await uow.purchasing.terms()}
        keys = {r.line: (products[r.sku], warehouses[r.warehouse], suppliers[r.supplier]) for r in rows}
        if problems := _mixed_currencies(rows, keys, before) or await _drafts_in_another_currency(uow, rows, keys):
            raise ImportRejected(problems)
        levels = {(r.level.product_id, r.level.warehouse_id): r for r in await uow.inventory.reorder_levels(None)}
        terms = []
        created = same = 0
        # In the lock order (product, warehouse), not the file's: two files naming the same
        # products in other orders, imported at once, each locked a counter the other wanted next.
        for r in sorted(rows, key=lambda r: (products[r.sku], warehouses[r.warehouse])):
            product, warehouse = products[r.sku], warehouses[r.warehouse]
            await uow.inventory.set_reorder(product, warehouse, r.reorder_point, r.max_level)
            supplier = suppliers[r.supplier]
            assert supplier is not None
            terms.append(SupplyTerms(product, warehouse, supplier, r.pack_size, r.min_order_qty, r.unit_cost))
            level = levels.get((product, warehouse))
            created += (product, warehouse) not in before
            same += before.get((product, warehouse)) == terms[-1] and (
                level is not None and (level.reorder_point, level.max_level) == (r.reorder_point, r.max_level)
            )
        recosted = [
            t.product_id
            for t in terms
            if (old := before.get((t.product_id, t.warehouse_id))) is None or old.unit_cost != t.unit_cost
        ]
        memo = Memo.of(N_("reorder terms: stock on hand at its new supply cost"))
        async with revaluing(uow, clock.now(), "import:reorder", memo, recosted):
            await uow.purchasing.set_terms(terms)
        await uow.commit()
    return ImportReport(created=created, updated=len(rows) - created - same, unchanged=same)


ONE_CURRENCY = N_(
    "supplier {code} is bought from in {currency} for warehouse {warehouse}: a purchase order has one currency"
)


def _mixed_currencies(
    rows: list[ReorderRow], keys: dict[int, tuple[int, int, int | None]], stored: dict[tuple[int, int], SupplyTerms]
) -> list[Problem]:
    """Rows that would buy from a supplier for a warehouse in a second currency (the file's
    earlier rows and the stored terms it keeps decide the first): the scan drafts one purchase
    order per supplier and warehouse, and its lines' costs must add up."""
    replaced = {(product, warehouse) for product, warehouse, _ in keys.values()}
    currency: dict[tuple[int | None, int], str] = {}
    for (product, warehouse), terms in stored.items():
        if (product, warehouse) not in replaced:
            currency.setdefault((terms.supplier_id, warehouse), terms.unit_cost.currency)
    problems: list[Problem] = []
    for r in rows:
        _, warehouse, supplier = keys[r.line]
        first = currency.setdefault((supplier, warehouse), r.unit_cost.currency)
        if r.unit_cost.currency != first:
            problems.append((r.line, problem(ONE_CURRENCY, code=r.supplier, currency=first, warehouse=r.warehouse)))
    return problems


DRAFT_CURRENCY = N_(
    "supplier {code} has draft purchase order {number} in {currency} for warehouse {warehouse}: "
    "discard it first (/po {number})"
)


async def _drafts_in_another_currency(
    uow: UnitOfWork, rows: list[ReorderRow], keys: dict[int, tuple[int, int, int | None]]
) -> list[Problem]:
    """Rows in another currency than the open draft of their supplier and warehouse: the scan
    would add their lines to it (terms moved to another currency all at once pass the check above)."""
    drafts: dict[tuple[int, int], PurchaseOrder | None] = {}
    problems: list[Problem] = []
    for r in rows:
        _, warehouse, supplier = keys[r.line]
        pair = (supplier or 0, warehouse)
        if pair not in drafts:
            drafts[pair] = await uow.purchasing.open_draft(*pair)
        if (draft := drafts[pair]) is not None and draft.currency != r.unit_cost.currency:
            params = {"code": r.supplier, "number": draft.id, "currency": draft.currency, "warehouse": r.warehouse}
            problems.append((r.line, problem(DRAFT_CURRENCY, **params)))
    return problems
