"""The reorder scan: what is low, or owed to backorders, added to its supplier's draft purchase order."""

from __future__ import annotations

from domain.catalog import ProductStatus
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.purchasing import (
    PoLine,
    PurchaseOrder,
    SupplyTerms,
    order_quantity,
)
from domain.stock import ReorderLevel, StockLevel


def _quantity(t: SupplyTerms, position: tuple[int, int, int], point: int, top: int | None) -> int:
    """``order_quantity`` for these terms; ``position``: (available, incoming, owed to backorders)."""
    available, incoming, owed = position
    return order_quantity(
        available=available,
        incoming=incoming,
        reorder_point=point,
        max_level=top,
        pack_size=t.pack_size,
        min_order_qty=t.min_order_qty,
        backordered=owed,
    )


async def reorder_scan(uow: UnitOfWork, clock: Clock, *, staff_chat_id: int | None) -> list[PurchaseOrder]:
    """For each product and warehouse at or under its reorder point (counting what open
    purchase orders will bring), add what is needed to the supplier's draft purchase order
    for that warehouse. Running it again adds nothing: the draft is now incoming."""
    now = clock.now()
    async with uow:
        # Only what is low can need ordering: what is on order only adds to its position.
        low = await uow.inventory.reorder_levels(None, low_only=True)
        low += await _backordered_levels(uow, {(r.level.product_id, r.level.warehouse_id) for r in low})
        terms = {
            (t.product_id, t.warehouse_id): t for t in await uow.purchasing.terms([r.level.product_id for r in low])
        }
        levels = [r for r in low if (r.level.product_id, r.level.warehouse_id) in terms]
        incoming = await uow.purchasing.incoming(sorted({r.level.product_id for r in levels}))
        backordered = _owed_by_warehouse(await uow.backorders.waiting_units(sorted(incoming_ids(levels))), terms)
        needed: list[tuple[SupplyTerms, int, tuple[int, int, int]]] = []
        for reorder in levels:
            key = (reorder.level.product_id, reorder.level.warehouse_id)
            t = terms[key]
            position = (reorder.level.available, incoming.get(key, 0), backordered.get(key, 0))
            quantity = _quantity(t, position, reorder.reorder_point, reorder.max_level)
            if quantity > 0:
                needed.append((t, quantity, position))
        # Only what is short is looked up: a big catalog is mostly above its reorder points.
        products = {p.id: p for p in await uow.products.get_many(sorted({t.product_id for t, _, _ in needed}))}
        drafts: dict[tuple[int, int], PurchaseOrder] = {}  # one per supplier and warehouse
        for t, quantity, position in needed:
            product = products.get(t.product_id)
            if product is None:
                continue
            if product.status is ProductStatus.DISCONTINUED:  # no more is sold: only what is still owed
                quantity = _quantity(t, position, 0, None)
                if quantity <= 0:
                    continue
            key = (t.supplier_id, t.warehouse_id)
            draft = drafts.get(key) or await uow.purchasing.open_draft(*key)
            if draft is None:
                draft = await uow.purchasing.add(
                    PurchaseOrder(t.supplier_id, t.warehouse_id, t.unit_cost.currency, created_at=now), "system"
                )
            drafts[key] = draft
            # A line the draft has already (cut by a manager since) grows: two lines of one SKU
            # were beyond /po qty and /po receive, which take a SKU's first line.
            line = next((line for line in draft.lines if line.product_id == t.product_id), None)
            if line is None:
                draft.lines.append(PoLine(t.product_id, product.sku, quantity, t.unit_cost))
            else:
                line.quantity += quantity
        for draft in drafts.values():
            await uow.purchasing.save(draft, "system")
        if staff_chat_id is not None:
            codes = {w.id: w.code for w in await uow.warehouses.all()} if drafts else {}
            for po in drafts.values():
                summary = {**_summary(po), "warehouse": codes.get(po.warehouse_id, "")}
                await uow.outbox.add(Notification(staff_chat_id, "staff_po_draft", "", summary), now)
        await uow.commit()
    return list(drafts.values())


# Lines a drafted order's note in the staff chat names; /po N shows them all. A catalog set under
# its reorder points at once drafted orders of 20,000 lines: 185 messages in the staff chat.
PO_LINES_TOLD = 20


def _summary(po: PurchaseOrder) -> dict[str, object]:
    return {
        "number": po.id,
        "lines": [[line.sku, line.quantity] for line in po.lines[:PO_LINES_TOLD]],
        "more": max(len(po.lines) - PO_LINES_TOLD, 0),
        "total_minor": po.total.amount,
        "currency": po.currency,
    }


def incoming_ids(levels: list[ReorderLevel]) -> set[int]:
    return {r.level.product_id for r in levels}


async def _backordered_levels(uow: UnitOfWork, seen: set[tuple[int, int]]) -> list[ReorderLevel]:
    """Products customers wait for, at the warehouses that buy them, that are not low already."""
    owed = await uow.backorders.waiting_units(None)
    if not owed:
        return []
    bought = {(t.product_id, t.warehouse_id) for t in await uow.purchasing.terms(sorted(owed))}
    points = {(r.level.product_id, r.level.warehouse_id): r for r in await uow.inventory.reorder_levels(None)}
    found = []
    for level in await uow.stock.levels(sorted(owed)):
        key = (level.product_id, level.warehouse_id)
        if key in bought and key not in seen:
            point = points.get(key)
            found.append(ReorderLevel(level, point.reorder_point if point else 0, point.max_level if point else None))
            seen.add(key)
    for product_id, warehouse_id in sorted(bought - seen):  # bought there, never stocked yet
        found.append(ReorderLevel(StockLevel(product_id, warehouse_id), 0, None))
    return found


def _owed_by_warehouse(owed: dict[int, int], terms: dict[tuple[int, int], SupplyTerms]) -> dict[tuple[int, int], int]:
    """A product's waiting units count once: at the first warehouse (by id) that buys it."""
    placed: dict[tuple[int, int], int] = {}
    for product_id, units in owed.items():
        warehouses = sorted(w for p, w in terms if p == product_id)
        if warehouses:
            placed[(product_id, warehouses[0])] = units
    return placed
