"""Purchasing: supplier and reorder terms from CSV, the reorder scan that drafts purchase
orders, and managers approving, editing, discarding and receiving them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta

from domain.catalog import ProductStatus, normalize_sku
from domain.csvfiles import Problem, problem
from domain.errors import DomainError, ImportRejected, InvalidQuantity, NotFound
from domain.i18n import N_
from domain.imports import ReorderRow, parse_reorder, parse_suppliers
from domain.memos import Memo
from domain.notifications import Notification, for_customer
from domain.orders import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.purchasing import (
    OverReceipt,
    Placed,
    PoLine,
    PoNotEditable,
    PoPayment,
    PoReceipt,
    PoStatus,
    PurchaseOrder,
    Supplier,
    SupplyTerms,
    not_open_for_goods,
    order_quantity,
)
from domain.shop_days import shop_day
from domain.shortages import SHORT_FLAG
from domain.staff import Permission
from domain.stock import ReorderLevel, StockLevel
from domain.usecases.backorders import fill_backorders
from domain.usecases.imports.report import SKU_MISSING, SUPPLIER_MISSING, WAREHOUSE_MISSING, ImportReport, no_such
from domain.usecases.imports.stock import notify_back_in_stock
from domain.usecases.revaluation import Receipt, revaluing
from domain.usecases.staff import require
from domain.warehouse import BinCode, receiving_bin

MAX_PO_QUANTITY = 1_000_000


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


async def load_po(uow: UnitOfWork, number: int, *, lock: bool = False) -> PurchaseOrder:
    po = await uow.purchasing.get(number, lock=lock)
    if po is None:
        raise NotFound()
    return po


async def purchase_orders(
    uow: UnitOfWork, *, staff_id: int, limit: int = 20
) -> tuple[list[PurchaseOrder], dict[int, Supplier], dict[int, str]]:
    """The latest purchase orders, their suppliers, and the codes of the warehouses they are for."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        suppliers = {s.id or 0: s for s in await uow.purchasing.suppliers()}
        warehouses = {w.id or 0: w.code for w in await uow.warehouses.all()}
        return await uow.purchasing.recent(limit), suppliers, warehouses


@dataclass(frozen=True, slots=True)
class PoDetails:
    """What /po N and its PDF show of one purchase order."""

    po: PurchaseOrder
    supplier: Supplier | None
    warehouse: str  # the code of the warehouse its goods are received into
    terms: dict[int, SupplyTerms]  # what its products are bought on there, by product id
    payments: list[tuple[PoPayment, str]]  # each payment to the supplier, oldest first, with who recorded it


async def purchase_order(uow: UnitOfWork, *, staff_id: int, number: int) -> PoDetails:
    """A purchase order, its supplier, its warehouse, its products' terms and its payments."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        po = await load_po(uow, number)
        supplier = next((s for s in await uow.purchasing.suppliers() if s.id == po.supplier_id), None)
        warehouse = next((w.code for w in await uow.warehouses.all() if w.id == po.warehouse_id), "?")
        bought = await uow.purchasing.terms(sorted({line.product_id for line in po.lines}))
        terms = {t.product_id: t for t in bought if t.warehouse_id == po.warehouse_id}
        payments = await uow.purchasing.payments(number) if po.paid_minor else []
        names: dict[int, str] = {}
        for staff in sorted({p.paid_by for p in payments if p.paid_by is not None}):
            customer = await uow.customers.get_by_telegram_id(staff)
            names[staff] = customer.display_name if customer else str(staff)
        named = [(p, names.get(p.paid_by, "") if p.paid_by is not None else "") for p in payments]
        return PoDetails(po, supplier, warehouse, terms, named)


async def approve_po(uow: UnitOfWork, clock: Clock, *, staff_id: int, number: int) -> PurchaseOrder:
    """Send it: the goods are expected after the supplier's lead time."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        po = await load_po(uow, number, lock=True)
        if po.status is not PoStatus.DRAFT or not po.lines:
            raise PoNotEditable(number=number, po_status=po.status.value)
        supplier = next(s for s in await uow.purchasing.suppliers() if s.id == po.supplier_id)
        po.status = PoStatus.APPROVED
        po.expected_on = shop_day(clock.now(), uow.timezone) + timedelta(days=supplier.lead_time_days)
        await uow.purchasing.save(po, f"staff:{staff_id}")
        await _tell_backorders(uow, clock, po)
        await uow.commit()
        return po


async def _tell_backorders(uow: UnitOfWork, clock: Clock, po: PurchaseOrder) -> None:
    """Orders on hold in this warehouse (or anywhere, for a short pick: any arrival fills it)
    that wait for a product now ordered: their customers hear when the goods are expected."""
    products = {line.product_id for line in po.lines}
    held = {o.id: o for o in await uow.orders.to_fulfil([OrderStatus.ON_HOLD], po.warehouse_id)}
    for order in await uow.orders.to_fulfil([OrderStatus.ON_HOLD], None):  # short ones: their allocation went
        if SHORT_FLAG in order.flags:
            held.setdefault(order.id, order)
    for order in held.values():
        if not products & {line.product_id for line in order.lines} or po.expected_on is None:
            continue
        customer = await uow.customers.get(order.customer_id)
        params = {"code": order.code, "expected": po.expected_on.isoformat()}
        if (told := for_customer(customer, "order_backordered", params)) is not None:
            await uow.outbox.add(told, clock.now())


async def discard_po(uow: UnitOfWork, *, staff_id: int, number: int) -> PurchaseOrder:
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        po = await load_po(uow, number, lock=True)
        if po.status is not PoStatus.DRAFT:
            raise PoNotEditable(number=number, po_status=po.status.value)
        po.status = PoStatus.DISCARDED
        await uow.purchasing.save(po, f"staff:{staff_id}")
        await uow.commit()
        return po


async def close_po(uow: UnitOfWork, *, staff_id: int, number: int) -> PurchaseOrder:
    """The supplier sends no more: what the order still expected stops counting as incoming (the
    reorder scan orders it again), and what arrived stays received."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        po = await load_po(uow, number, lock=True)
        if po.status not in (PoStatus.APPROVED, PoStatus.PARTIAL):
            raise not_open_for_goods(number, po.status)
        po.status = PoStatus.CLOSED
        await uow.purchasing.save(po, f"staff:{staff_id}")
        await uow.commit()
        return po


async def set_po_quantity(uow: UnitOfWork, *, staff_id: int, number: int, sku: str, quantity: int) -> PurchaseOrder:
    await require(uow, staff_id, Permission.EDIT_STOCK)
    if not 1 <= quantity <= MAX_PO_QUANTITY:
        raise InvalidQuantity(maximum=MAX_PO_QUANTITY)
    async with uow:
        po = await load_po(uow, number, lock=True)
        if po.status is not PoStatus.DRAFT:
            raise PoNotEditable(number=number, po_status=po.status.value)
        line = _line(po, sku)
        line.quantity = quantity
        await uow.purchasing.save(po, f"staff:{staff_id}")
        await uow.commit()
        return po


class NotOnPo(NotFound):
    """A SKU the purchase order has no line of: named with those it has (was "Nothing was found.")."""

    key = N_("{sku} is not on purchase order {number}: its lines are {skus}.")


PO_SKUS_NAMED = 10  # a draft of a whole catalog has thousands of lines: the first few, then "…"


def _line(po: PurchaseOrder, sku: str) -> PoLine:
    try:
        wanted = normalize_sku(sku)
    except DomainError:
        wanted = None
    line = next((line for line in po.lines if line.sku == wanted), None)
    if line is None:
        skus = [line.sku for line in po.lines[:PO_SKUS_NAMED]]
        named = ", ".join(skus) + (", …" if len(po.lines) > PO_SKUS_NAMED else "")
        raise NotOnPo(sku=(wanted or sku.strip())[:40], number=po.id, skus=named or "—")
    return line


async def _scanned_line(uow: UnitOfWork, po: PurchaseOrder, code: str) -> PoLine:
    """The line of this SKU, or of the product carrying this barcode (what a receiving clerk scans)."""
    try:
        return _line(po, code)
    except NotFound:
        sku = await uow.products.sku_with_barcode(code.strip())
        if sku is None:
            raise
        return _line(po, sku)


async def receive_po(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    number: int,
    sku: str | None = None,
    quantity: int | None = None,
    bin_code: str | None = None,
) -> PoReceipt:
    """Goods arrive: everything still expected, or ``quantity`` of ``sku`` (its SKU or
    barcode: a partial delivery), into ``bin_code`` when given. Stock grows in that bin, else
    the product's fullest (or the default one); each receipt is a movement, and customers
    waiting for the product are told it is back."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    target = str(BinCode.parse(bin_code)) if bin_code else None
    async with uow:
        po = await load_po(uow, number, lock=True)
        if po.status not in (PoStatus.APPROVED, PoStatus.PARTIAL):
            raise not_open_for_goods(number, po.status)
        wanted: dict[int, int] = defaultdict(int)
        if sku is None:
            for line in po.lines:
                wanted[line.id or 0] = line.open
        else:
            line = await _scanned_line(uow, po, sku)
            amount = quantity if quantity is not None else line.open
            if amount < 1:
                raise InvalidQuantity(maximum=MAX_PO_QUANTITY)
            if amount > line.open:
                warehouse = next((w.code for w in await uow.warehouses.all() if w.id == po.warehouse_id), "?")
                raise OverReceipt(open=line.open, sku=line.sku, number=number, warehouse=warehouse)
            wanted[line.id or 0] = amount
        now, actor = clock.now(), f"staff:{staff_id}"
        back: list[int] = []
        arrived: dict[int, int] = {}
        receipt = Receipt(uow, now, f"po:{number}")
        # Bins and on-hand read under the positions' locks: another delivery or /receive of
        # the same goods at once adds to what this one leaves, not to what both read.
        await uow.stock.lock_positions(
            (line.product_id, po.warehouse_id) for line in po.lines if wanted.get(line.id or 0)
        )
        await receipt.start(line.product_id for line in po.lines if wanted.get(line.id or 0, 0))
        placed: list[Placed] = []
        for line in po.lines:
            amount = wanted.get(line.id or 0, 0)
            if not amount:
                continue
            bins = [b for b in await uow.inventory.bins([line.product_id]) if b.warehouse_id == po.warehouse_id]
            code = target or receiving_bin(bins, await uow.inventory.last_bin(line.product_id, po.warehouse_id))
            placed.append(Placed(line.sku, amount, code))
            was_available = sum(max(lv.available, 0) for lv in await uow.stock.levels([line.product_id]))
            current = next((b.quantity for b in bins if b.bin_code == code), 0)
            await uow.stock.set_bin_quantity(
                line.product_id, po.warehouse_id, code, current + amount, f"PO {number} receipt", actor, now
            )
            line.received += amount
            line.received_at = now
            memo = Memo.of(N_("PO {number}: {units} × {sku} received"), number=number, units=amount, sku=line.sku)
            receipt.received(memo, (line.product_id, po.warehouse_id), line.unit_cost, amount)
            arrived[line.product_id] = po.warehouse_id
            if was_available <= 0:
                back.append(line.product_id)
        await fill_backorders(uow, now, arrived)
        back = [p for p, free in (await _free_units(uow, back)).items() if free > 0]
        po.status = PoStatus.RECEIVED if all(line.open == 0 for line in po.lines) else PoStatus.PARTIAL
        await uow.purchasing.save(po, actor)
        await receipt.book(Memo.of(N_("PO {number}: stock on hand at its new last purchase price"), number=number))
        await notify_back_in_stock(uow, back, now)
        warehouse = next((w.code for w in await uow.warehouses.all() if w.id == po.warehouse_id), "?")
        await uow.commit()
        return PoReceipt(po, warehouse, placed)


async def _free_units(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    """Available units per product (after backorders took theirs: only these are "back")."""
    free: dict[int, int] = defaultdict(int)
    for level in await uow.stock.levels(product_ids) if product_ids else []:
        free[level.product_id] += max(level.available, 0)
    return free


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
