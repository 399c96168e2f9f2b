"""/count: one bin counted blind, its differences recorded as stock adjustments in one transaction."""
# What a difference is measured against: the shelf as the books had it when the counter first
# scanned the item (the bin's count less the units pickers took from it into a tote, which the
# bin counts until the parcel leaves). A pick or a shipment after that scan moves the books and the
# shelf alike, so the difference still stands and is added to the bin as it is at confirm time; an
# item the books list but nobody scanned is compared with its shelf at confirm time (counted: none).

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Product
from domain.contention import Contention
from domain.errors import DomainError, InsufficientStock, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.stock_counts import BinCount, CountsRefused
from domain.usecases.backorders import fill_backorders
from domain.usecases.count_shortages import HeldShort, OrderShort, carts_after, give_way, held_shorts
from domain.usecases.held_stock import below_held
from domain.usecases.imports.stock import available_by_product, notify_back_in_stock
from domain.usecases.inventory import MAX_RECEIPT, actor_of, existing_bin
from domain.usecases.shelf_holds import in_totes
from domain.usecases.short_picks import coded_item
from domain.usecases.staff import require, warehouse_of
from domain.usecases.stock_books import book_stock_changes
from domain.warehouse import NewCountedBin, Warehouse, normal_bin

MAX_COUNTED = MAX_RECEIPT  # units of one item in one bin


class NoSuchItem(NotFound):
    key = N_("No item has the code {code}.")


class CountedMeanwhile(DomainError):
    key = N_(
        "Bin {bin} was counted by someone else while this count was open ({sku}): nothing was recorded."
        " Count it again with /count {bin}."
    )


@dataclass(frozen=True, slots=True)
class OpenBin:
    warehouse: Warehouse
    bin_code: str
    products: list[Product]  # what the books hold there, to be counted (their figures are not shown)


@dataclass(frozen=True, slots=True)
class CountLine:
    product: Product
    expected: int  # what the shelf should give, as the books had it
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class CountSummary:
    lines: list[CountLine]
    shorts: list[HeldShort]  # units carts and orders hold that the count finds gone, and who gives them up


@dataclass(frozen=True, slots=True)
class CountResult:
    lines: list[CountLine]
    orders: list[OrderShort]  # each order that gave up units the count found gone: re-allocated or held


# sku → (units counted, the shelf as the books had it at the item's first scan)
Counted = Mapping[str, tuple[int, int]]


async def open_bin(
    uow: UnitOfWork, *, staff_id: int, bin_code: str, warehouse_code: str | None, new_bin: bool = False
) -> OpenBin:
    """The bin to count (its code as stored) and the items the books hold there. A bin the warehouse lacks is
    ``NewCountedBin`` (asked about, with the bins near its code) unless ``new_bin`` says to count it as a new one:
    what is counted there is recorded into it."""
    member = await require(uow, staff_id, Permission.EDIT_STOCK)
    warehouse = await warehouse_of(uow, member, warehouse_code)
    code = normal_bin(bin_code)
    async with uow.read_only():
        if not new_bin:
            await existing_bin(uow, warehouse, code, NewCountedBin)
        held = await uow.inventory.bin_contents(warehouse.id or 0, code)
        products = await uow.products.get_many([b.product_id for b in held])
    return OpenBin(warehouse, code, sorted(products, key=lambda p: p.sku))


async def _shelf(uow: UnitOfWork, warehouse_id: int, bin_code: str, product_ids: set[int]) -> dict[int, int]:
    """product → what the bin's shelf should hold of it: its count less what is in pickers' totes."""
    held = {b.product_id: b.quantity for b in await uow.inventory.bin_contents(warehouse_id, bin_code)}
    totes = await in_totes(uow, warehouse_id, product_ids | held.keys())
    return {p: max(held.get(p, 0) - totes[(p, bin_code)], 0) for p in product_ids | held.keys()}


async def count_item(uow: UnitOfWork, *, staff_id: int, warehouse_id: int, bin_code: str, code: str) -> tuple[str, int]:
    """The SKU scanned (by SKU or barcode) and what the shelf should hold of it now."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    sku = await coded_item(uow, code)  # a SKU, else the barcode of one
    async with uow.read_only():
        product = await uow.products.get_by_sku(sku) if sku is not None else None
        if product is None or product.id is None:
            raise NoSuchItem(code=code)
        shelf = await _shelf(uow, warehouse_id, bin_code, {product.id})
    return product.sku, shelf[product.id]


async def _lines(uow: UnitOfWork, warehouse_id: int, bin_code: str, counted: Counted) -> list[CountLine]:
    ids = await uow.products.ids_by_sku(list(counted)) if counted else {}
    products = {p.sku: p for p in await uow.products.get_many(list(ids.values()))}
    shelf = await _shelf(uow, warehouse_id, bin_code, {p.id or 0 for p in products.values()})
    listed = {p.id: p for p in await uow.products.get_many(list(shelf))}
    lines = [CountLine(products[sku], expected, units) for sku, (units, expected) in counted.items() if sku in products]
    seen = {line.product.id for line in lines}
    lines += [CountLine(p, shelf[i], 0) for i, p in listed.items() if i is not None and i not in seen and shelf[i]]
    return sorted(lines, key=lambda line: line.product.sku)


def _changes(lines: list[CountLine], in_bin: Mapping[int, int]) -> dict[int, tuple[str, int]]:
    """product → (SKU, how its bin's count moves): each difference added to the bin as it is now."""
    return {
        line.product.id or 0: (
            line.product.sku,
            max(in_bin.get(line.product.id or 0, 0) + line.difference, 0) - in_bin.get(line.product.id or 0, 0),
        )
        for line in lines
        if line.difference
    }


async def _in_bin(uow: UnitOfWork, warehouse_id: int, bin_code: str) -> dict[int, int]:
    return {b.product_id: b.quantity for b in await uow.inventory.bin_contents(warehouse_id, bin_code)}


async def count_differences(
    uow: UnitOfWork, *, staff_id: int, warehouse_id: int, bin_code: str, counted: Counted
) -> CountSummary:
    """Every item counted or listed by the books in the bin, expected against counted, and the units carts and
    orders hold there that the count finds gone (who would give them up)."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow.read_only():
        lines = await _lines(uow, warehouse_id, bin_code, counted)
        in_bin = await _in_bin(uow, warehouse_id, bin_code)
        return CountSummary(lines, await held_shorts(uow, warehouse_id, _changes(lines, in_bin)))


async def _locked_lines(uow: UnitOfWork, warehouse_id: int, bin_code: str, counted: Counted) -> list[CountLine]:
    """``_lines`` read again once every item in them has its stock rows locked (every warehouse's, in the lock
    order: an order's part may move to another): a pick, a shipment or a receipt since the read before moved the
    bin. An item received into the bin in between joins the lines unlocked: its rows are taken only if free (waited
    for, after rows later in the lock order, a transaction holding them and waiting for one of ours deadlocked);
    held, the count runs again from the start (``Contention``), reading the item first and locking it in order."""
    lines = await _lines(uow, warehouse_id, bin_code, counted)
    locked = {line.product.id or 0 for line in lines}
    await uow.stock.lock_products(locked)
    await uow.stock.lock_positions([(i, warehouse_id) for i in locked])
    lines = await _lines(uow, warehouse_id, bin_code, counted)
    while missing := {line.product.id or 0 for line in lines} - locked:
        if not await uow.stock.try_lock_products(missing, warehouse_id):
            raise Contention()
        locked |= missing
        lines = await _lines(uow, warehouse_id, bin_code, counted)
    return lines


async def record_count(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    warehouse_id: int,
    bin_code: str,
    counted: Counted,
    started: datetime,
    staff_chat_id: int | None = None,
) -> CountResult:
    """Each difference added to the bin's count as it is now, booked as /adjust books one (units
    found against 3000, lost as write-offs), the counter named on every movement; all or nothing.
    Units carts and orders held that are gone: the holds end, the orders' parts move to other warehouses or
    the orders are held and their customers asked, the carts hold them elsewhere or have fewer and their
    customers are told (``count_shortages``), the staff chat told."""
    member = await require(uow, staff_id, Permission.EDIT_STOCK)
    async with uow:
        warehouse = next((w for w in await uow.warehouses.all() if w.id == warehouse_id), None)
        if warehouse is None:
            raise NotFound()
        # Before any other lock, as a pick round takes it: a round planned between this count's read of an order's
        # pick lines and its taking the order sent a picker for units the count then moved or held.
        await uow.picking.lock_planning(warehouse_id)
        lines = await _locked_lines(uow, warehouse_id, bin_code, counted)
        changed = [line for line in lines if line.difference]
        ids = sorted(line.product.id or 0 for line in changed)
        now = clock.now()
        reason = f"count: bin {bin_code}"
        # Two counts of one bin would each add their difference: the later one is refused, however many moves since.
        recounted = await uow.inventory.moved_for(warehouse_id, reason, [x.product.id or 0 for x in changed], started)
        for line in changed:
            if line.product.id in recounted:
                raise CountedMeanwhile(bin=bin_code, sku=line.product.sku)
        in_bin = await _in_bin(uow, warehouse_id, bin_code)
        before = await available_by_product(uow, ids)
        shorts = await held_shorts(uow, warehouse_id, _changes(changed, in_bin), lock=True)
        products = {line.product.id or 0: line.product for line in changed}
        actor = actor_of(member.telegram_id)
        orders, carts = await give_way(
            uow, clock, warehouse, bin_code, shorts, products, actor=actor, staff_chat_id=staff_chat_id
        )
        counts = [
            BinCount(
                line.product.id or 0,
                warehouse_id,
                bin_code,
                max(in_bin.get(line.product.id or 0, 0) + line.difference, 0),
            )
            for line in changed
        ]
        try:
            deltas = await uow.stock.set_bin_quantities(counts, reason, actor, now)
        except CountsRefused as refused:
            line = changed[refused.refused[0][0]]
            told = await below_held(uow, line.product.id or 0, warehouse_id, line.product.sku, warehouse.code)
            await uow.rollback()
            raise told or InsufficientStock(available=refused.refused[0][1]) from None
        moved = {(line.product.id or 0, warehouse_id): delta for line, delta in zip(changed, deltas, strict=True)}
        memo = Memo.of(
            N_("bin {bin} at {warehouse} counted: {changed} items differ"),
            bin=bin_code,
            warehouse=warehouse.code,
            changed=len(changed),
        )
        skus = {line.product.id or 0: line.product.sku for line in changed}
        await fill_backorders(uow, now, {p: warehouse_id for (p, _), delta in moved.items() if delta > 0})
        await carts_after(uow, now, carts, products)
        after = await available_by_product(uow, ids)
        await notify_back_in_stock(uow, [p for p in ids if before.get(p, 0) <= 0 < after.get(p, 0)], now)
        # Booked last, after the planning lock, the stock rows and the orders and carts given way: the costs'
        # currencies held (``stock_books.hold_rates``, the lock order), a first rate set at once counts the difference
        # once.
        await book_stock_changes(uow, now, f"count:{warehouse.code}", memo, moved, skus, last=True)
        await uow.commit()
    return CountResult(lines, orders)
