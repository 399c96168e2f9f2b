"""Purchase orders: managers viewing, approving, editing, discarding, closing and receiving them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from domain.catalog import normalize_sku
from domain.errors import DomainError, InvalidQuantity, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.notifications import for_customer
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
)
from domain.shop_days import shop_day
from domain.shortages import SHORT_FLAG
from domain.staff import Permission
from domain.usecases.backorders import fill_backorders
from domain.usecases.imports.stock import notify_back_in_stock
from domain.usecases.inventory import existing_bin
from domain.usecases.revaluation import Receipt
from domain.usecases.staff import require
from domain.warehouse import BinCode, receiving_bin

MAX_PO_QUANTITY = 1_000_000


async def load_po(uow: UnitOfWork, number: int, *, lock: bool = False) -> PurchaseOrder:
    po = await uow.purchasing.get(number, lock=lock)
    if po is None:
        raise NotFound()
    return po


async def purchase_orders(
    uow: UnitOfWork, *, staff_id: int, limit: int = 20
) -> tuple[list[PurchaseOrder], dict[int, Supplier], dict[int, str]]:
    """The latest purchase orders, their suppliers, and the codes of the warehouses they are for."""
    await require(uow, staff_id, Permission.PURCHASING)
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
    await require(uow, staff_id, Permission.PURCHASING)
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
    new_bin: bool = False,
) -> PoReceipt:
    """Goods arrive: everything still expected, or ``quantity`` of ``sku`` (its SKU or
    barcode: a partial delivery), into ``bin_code`` when given. Stock grows in that bin, else
    the product's fullest (or the default one); each receipt is a movement, and customers
    waiting for the product are told it is back. A bin named that the warehouse does not have is
    ``NewBin`` (nothing received) unless ``new_bin`` says to make it."""
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
        if target is not None and not new_bin:
            await existing_bin(uow, next(w for w in await uow.warehouses.all() if w.id == po.warehouse_id), target)
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
        unrated = {
            line.sku: currency
            for line in po.lines
            if (currency := receipt.unrated.get((line.product_id, po.warehouse_id))) is not None
        }
        return PoReceipt(po, warehouse, placed, unrated)


async def _free_units(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    """Available units per product (after backorders took theirs: only these are "back")."""
    free: dict[int, int] = defaultdict(int)
    for level in await uow.stock.levels(product_ids) if product_ids else []:
        free[level.product_id] += max(level.available, 0)
    return free
