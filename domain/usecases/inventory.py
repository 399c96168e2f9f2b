"""Stock work in the warehouse: look stock up per warehouse and bin, receive goods, correct
counts, move goods between bins, and see what is at or under its reorder point.

Every change is an inventory movement (who, when, why) written in the same transaction as
the counters it changes; nothing ever takes ``available`` below zero."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from domain.catalog import SKU_PATTERN, Product, ProductStatus
from domain.errors import DomainError, InvalidQuantity, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.purchasing import OnOrder
from domain.staff import Permission
from domain.stock import BinQuantity, Movement, ReorderLevel, StockLevel, check_quantity
from domain.text import MAX_REASON, typed
from domain.usecases.backorders import fill_backorders
from domain.usecases.bookkeeping import book_stock_change
from domain.usecases.catalog import correction
from domain.usecases.held_stock import BelowOrdersHold, BelowReserved, holders
from domain.usecases.imports.stock import notify_back_in_stock
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.shelf_holds import in_rounds, in_totes
from domain.usecases.staff import WarehouseNeeded, no_such_warehouse, require, staff_names
from domain.warehouse import BinCode, Warehouse, receiving_bin

MAX_RECEIPT = 1_000_000
STOCK_LOOKUP_LIMIT = 5
HIDDEN_PER_FAMILY = 10  # hidden rows read per product shown: variants of one family come in a row
RECENT_MOVEMENTS = 5


class MaxUnderPoint(DomainError):
    key = N_("The maximum level ({max_level}) must be at least the reorder point ({point}).")


class NotOnHand(DomainError):
    key = N_("Only {on_hand} of {sku} on hand in {warehouse}.")


class NotInBin(DomainError):
    key = N_("Bin {bin} holds only {quantity} of {sku}.")


class HeldInBin(DomainError):
    key = N_(
        "Bin {bin} holds {quantity} of {sku}, but {held} of them are picked or being picked for orders"
        " not yet shipped: {free} can be moved."
    )


class ReasonRequired(DomainError):
    key = N_("Say why: a reason is required for every adjustment.")


class SameBin(DomainError):
    key = N_("The two bins are the same.")


@dataclass(frozen=True, slots=True)
class Received:
    """Goods received: where they went, and whether they were booked to inventory (not when
    the product has no cost to book them at)."""

    product: Product
    warehouse: Warehouse
    bin_code: str
    booked: bool


@dataclass(frozen=True, slots=True)
class WarehouseStock:
    warehouse: Warehouse
    level: StockLevel
    bins: list[BinQuantity]
    reorder_point: int
    incoming: int = 0  # still expected on open purchase orders
    # Bin → units a picker took into a tote, not yet shipped: the bin's count holds them until
    # the parcel leaves, its shelf does not (a recount finds the rest).
    picked: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VariantStock:
    product: Product
    warehouses: list[WarehouseStock]


@dataclass(frozen=True, slots=True)
class StockView:
    product: Product
    warehouses: list[WarehouseStock]
    movements: list[Movement]
    warehouse_names: dict[int, str]
    # A product with variants looked up by its name or code: every listed variant's stock (a
    # name found only its first variant); empty for one variant, shown as before.
    variants: list[VariantStock] = field(default_factory=list)
    siblings: int = 0  # a variant looked up by its own SKU or barcode: how many its product has
    who: dict[str, str] = field(default_factory=dict)  # staff who moved stock, by name (``staff_names``)


@dataclass(frozen=True, slots=True)
class LowStockLine:
    product: Product
    warehouse: Warehouse
    reorder: ReorderLevel
    incoming: int = 0  # units on open purchase orders for it there (drafts too): whether it is in hand
    on_order: OnOrder | None = None  # what of ``incoming`` the supplier was sent, and when it comes

    @property
    def drafted(self) -> int:
        """Units on drafts nobody approved: not ordered until someone does."""
        return self.incoming - (self.on_order.units if self.on_order else 0)


def actor_of(telegram_id: int) -> str:
    return f"staff:{telegram_id}"


@dataclass(frozen=True, slots=True)
class StockLookup:
    views: list[StockView]
    corrected: str = ""  # the name looked up instead of a misspelt one, said as the customer search says it


async def stock_view(
    uow: UnitOfWork, *, staff_id: int, query: str, variants: bool = True, hidden: bool = False
) -> StockLookup:
    """``query`` is a SKU, a barcode or part of a name; up to five products are shown. With
    ``variants``, a product with variants found by its name or its code (its first variant's
    SKU) is shown with every listed variant's stock; another variant's own SKU or barcode shows
    that variant. With ``hidden``, a SKU finds a product hidden from customers too. A misspelt name is
    corrected as the customer search corrects it (``catalog.correction``), in the same order."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        # A SKU (what staff type most) from the catalog snapshot; search reads the database.
        sku = query.strip().upper()  # a name (spaces, other letters) is no SKU: searched, not refused
        exact = await uow.products.get_by_sku(sku) if SKU_PATTERN.match(sku) else None
        products = [exact] if exact is not None and (exact.listed or hidden) else []
        said = ""
        if not products:
            products = await _found(uow, query, hidden, word_forms=False)
        if not products and (instead := await correction(uow, query))[0]:
            products, said = await _found(uow, instead[0], hidden), instead[1]
        if not products:  # nothing corrected, or the correction found nothing: the words' stems as typed
            products, said = await _found(uow, query, hidden), ""
        if not products:
            raise NotFound()
        families: dict[str, list[Product]] = {}
        siblings: dict[str, int] = {}
        for product in products:
            if not variants or not product.options:
                continue
            # A variant's own SKU or barcode (the code a box is scanned by) shows that variant, its
            # family counted; the product's code (its first variant's SKU) or a name, them all.
            if product.barcode == query.strip() or product.sku.upper() == sku != product.parent_code.upper():
                siblings[product.sku] = sum(
                    s.listed or hidden for s in await uow.products.siblings(product.parent_code)
                )
                continue
            # Staff see a hidden variant among the others (its status named), the one typed too.
            listed = [v for v in await uow.products.variants(product.parent_code) if v.listed or hidden]
            if len(listed) > 1:
                families[product.sku] = listed
        shown = products + [v for family in families.values() for v in family]
        ids = list(dict.fromkeys(p.id for p in shown if p.id is not None))
        warehouses = {w.id: w for w in await uow.warehouses.all() if w.id is not None}
        levels = await uow.stock.levels(ids)
        bins = await uow.inventory.bins([p.id for p in products if p.id is not None and p.sku not in families])
        incoming = await uow.purchasing.incoming(ids)
        shelved = {b.product_id for b in bins}
        totes = {w: await in_totes(uow, w, shelved) for w in sorted({b.warehouse_id for b in bins})}
        points = {
            (r.level.product_id, r.level.warehouse_id): r.reorder_point
            for r in await uow.inventory.reorder_levels(None, product_ids=ids)
        }

        held: dict[int | None, list[StockLevel]] = {}
        for level in levels:
            held.setdefault(level.product_id, []).append(level)

        def per_warehouse(product: Product) -> list[WarehouseStock]:
            found = [
                WarehouseStock(
                    warehouses[level.warehouse_id],
                    level,
                    [b for b in bins if b.product_id == product.id and b.warehouse_id == level.warehouse_id],
                    points.get((level.product_id, level.warehouse_id), 0),
                    incoming.get((level.product_id, level.warehouse_id), 0),
                    {
                        code: n
                        for (pid, code), n in totes.get(level.warehouse_id, Counter()).items()
                        if pid == product.id
                    },
                )
                for level in held.get(product.id, [])
                if level.warehouse_id in warehouses
            ]
            return sorted(found, key=lambda s: s.warehouse.code)

        names = {wid: w.code for wid, w in warehouses.items()}
        # Bins and movements are on each variant's own view: a family's shows each variant's stock.
        moved = {
            product.id: await uow.inventory.movements(product.id or 0, RECENT_MOVEMENTS)
            for product in products
            if not families.get(product.sku)
        }
        who = await staff_names(uow, {m.actor for movements in moved.values() for m in movements})  # one read
        views = []
        for product in products:
            if family := families.get(product.sku):
                views.append(StockView(product, [], [], names, [VariantStock(v, per_warehouse(v)) for v in family]))
            else:
                movements = moved[product.id]
                views.append(
                    StockView(product, per_warehouse(product), movements, names, [], siblings.get(product.sku, 0), who)
                )
        return StockLookup(views, said)


async def _found(uow: UnitOfWork, text: str, hidden: bool, *, word_forms: bool = True) -> list[Product]:
    products, _ = await uow.products.search(text, 0, STOCK_LOOKUP_LIMIT, word_forms=word_forms)
    # customers' search leaves hidden products out; staff count their shelves too
    return await _and_hidden(uow, text, products) if hidden else products


async def _and_hidden(uow: UnitOfWork, query: str, found: list[Product]) -> list[Product]:
    """``found`` and, up to the look-up's limit, the hidden products matching ``query`` (one per
    product with variants: a family already found shows its hidden variants itself)."""
    hidden, _ = await uow.products.staff_list(
        query, ProductStatus.HIDDEN.value, None, 0, STOCK_LOOKUP_LIMIT * HIDDEN_PER_FAMILY
    )
    parents = {p.parent_code for p in found}
    for product in hidden:
        if len(found) >= STOCK_LOOKUP_LIMIT:
            break
        if product.parent_code not in parents:
            found = [*found, product]
            parents.add(product.parent_code)
    return found


async def _warehouse(uow: UnitOfWork, code: str) -> Warehouse:
    warehouse = await uow.warehouses.get_by_code(code.strip().upper())
    if warehouse is None or warehouse.id is None:
        raise await no_such_warehouse(uow, code)
    return warehouse


async def _bin_quantity(uow: UnitOfWork, product_id: int, warehouse_id: int, bin_code: str) -> int:
    for found in await uow.inventory.bins([product_id]):
        if found.warehouse_id == warehouse_id and found.bin_code == bin_code:
            return found.quantity
    return 0


async def _available(uow: UnitOfWork, product_id: int) -> int:
    return sum(max(level.available, 0) for level in await uow.stock.levels([product_id]))


async def _change_bin(
    uow: UnitOfWork,
    product: Product,
    warehouse_id: int,
    bin_code: str,
    delta: int,
    reason: str,
    actor: str,
    at: datetime,
) -> None:
    assert product.id is not None
    # The bin is read under the position's lock: two staff booking into it at once each add
    # to what the other left (PostgreSQL lost one's units, in the bin and the warehouse).
    await uow.stock.lock_positions([(product.id, warehouse_id)])
    current = await _bin_quantity(uow, product.id, warehouse_id, bin_code)
    if current + delta < 0:
        raise NotInBin(bin=bin_code, quantity=current, sku=product.sku)
    await uow.stock.set_bin_quantity(product.id, warehouse_id, bin_code, current + delta, reason, actor, at)


async def receive(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    sku: str,
    quantity: int,
    warehouse_code: str,
    bin_code: str | None = None,
    reason: str = "receipt",
) -> Received:
    """Goods arrive: the bin (named, else ``receiving_bin``) and the warehouse grow;
    customers waiting for it are told it is back."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    return await receive_goods(
        uow,
        clock,
        actor=actor_of(staff_id),
        sku=sku,
        quantity=quantity,
        warehouse_code=warehouse_code,
        bin_code=bin_code,
        reason=reason,
    )


async def receive_goods(
    uow: UnitOfWork,
    clock: Clock,
    *,
    actor: str,
    sku: str,
    quantity: int,
    warehouse_code: str,
    bin_code: str | None = None,
    reason: str = "receipt",
) -> Received:
    """``receive`` for whoever is allowed: staff, or a store's system through the API."""
    async with uow:
        received = await goods_received(
            uow,
            clock,
            actor=actor,
            sku=sku,
            quantity=quantity,
            warehouse_code=warehouse_code,
            bin_code=bin_code,
            reason=reason,
        )
        await uow.commit()
        return received


async def goods_received(
    uow: UnitOfWork,
    clock: Clock,
    *,
    actor: str,
    sku: str,
    quantity: int,
    warehouse_code: str,
    bin_code: str | None = None,
    reason: str = "receipt",
) -> Received:
    """``receive_goods`` inside the caller's open unit, uncommitted: the intake API claims the
    request's Idempotency-Key in the same transaction."""
    check_quantity(quantity, MAX_RECEIPT)
    reason = typed(reason, MAX_REASON)
    target = str(BinCode.parse(bin_code)) if bin_code else None
    product = await staff_product_by_sku(uow, sku)
    warehouse = await _warehouse(uow, warehouse_code)
    assert product.id is not None and warehouse.id is not None
    if target is None:
        here = [b for b in await uow.inventory.bins([product.id]) if b.warehouse_id == warehouse.id]
        target = receiving_bin(here, await uow.inventory.last_bin(product.id, warehouse.id))
    was_available = await _available(uow, product.id)
    now = clock.now()
    await _change_bin(uow, product, warehouse.id, target, quantity, reason, actor, now)
    memo = Memo.of(
        N_("{sku} at {warehouse}: +{units} without an order ({actor}), {reason}"),
        sku=product.sku,
        warehouse=warehouse.code,
        units=quantity,
        actor=actor,
        reason=reason.strip()[:80],
    )
    booked = await book_stock_change(uow, now, f"receipt:{warehouse.code}", memo, (product.id, warehouse.id), quantity)
    await fill_backorders(uow, now, {product.id: warehouse.id})
    if was_available <= 0 and await _available(uow, product.id) > 0:
        await notify_back_in_stock(uow, [product.id], now)
    return Received(product, warehouse, target, booked)


async def adjust(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, sku: str, warehouse_code: str, delta: int, reason: str
) -> tuple[Product, Warehouse, StockLevel]:
    """A count correction (damage, loss, found goods). Taken from the fullest bins first;
    refused if it would leave less on hand than is reserved."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    if delta == 0 or abs(delta) > MAX_RECEIPT:
        raise InvalidQuantity(maximum=MAX_RECEIPT)
    reason = typed(reason, MAX_REASON)
    if not reason:
        raise ReasonRequired()
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        warehouse = await _warehouse(uow, warehouse_code)
        assert product.id is not None and warehouse.id is not None
        level = next(
            (lv for lv in await uow.stock.levels([product.id]) if lv.warehouse_id == warehouse.id),
            StockLevel(product.id, warehouse.id, 0, 0),
        )
        if level.on_hand + delta < 0:
            raise NotOnHand(on_hand=level.on_hand, sku=product.sku, warehouse=warehouse.code)
        if level.on_hand + delta < level.reserved:
            free, remains = max(level.on_hand - level.reserved, 0), max(level.on_hand + delta, 0)
            holding = await holders(uow, product.id, warehouse.id)
            if holding.in_orders:
                in_orders, orders = holding.in_orders, holding.orders
                raise BelowOrdersHold(
                    on_hand=remains, reserved=level.reserved, in_orders=in_orders, orders=orders, free=free
                )
            raise BelowReserved(on_hand=remains, reserved=level.reserved, free=free)
        here = sorted(
            (b for b in await uow.inventory.bins([product.id]) if b.warehouse_id == warehouse.id),
            key=lambda b: (-b.quantity, b.bin_code),
        )
        now, actor, note = clock.now(), actor_of(staff_id), f"adjustment: {reason.strip()}"
        was_available = await _available(uow, product.id) if delta > 0 else 0
        if delta > 0:
            target = receiving_bin(here, await uow.inventory.last_bin(product.id, warehouse.id))
            await _change_bin(uow, product, warehouse.id, target, delta, note, actor, now)
        else:
            # Off the shelves, fullest first: not the units a picker took into a tote (the bin counts
            # them until the parcel leaves) or a round plans to take. Taken from such a bin, the
            # shipment then took its units from another bin, whose count was right until then.
            held = await in_rounds(uow, warehouse.id, {product.id})
            left = {b.bin_code: b.quantity for b in here}
            shelf = [(b.bin_code, b.quantity - held[(product.id, b.bin_code)]) for b in here]
            remaining = -delta
            for code, there in sorted(shelf, key=lambda f: -f[1]) + [(b.bin_code, b.quantity) for b in here]:
                take = min(there, left[code], remaining)
                if take <= 0:
                    continue
                await _change_bin(uow, product, warehouse.id, code, -take, note, actor, now)
                left[code] -= take
                remaining -= take
                if not remaining:
                    break
        memo = Memo.of(
            N_("{sku} at {warehouse}: {change}, {reason}"),
            sku=product.sku,
            warehouse=warehouse.code,
            change=f"{delta:+d}",
            reason=reason.strip()[:80],
        )
        await book_stock_change(uow, now, f"adjust:{warehouse.code}", memo, (product.id, warehouse.id), delta)
        if delta > 0:  # goods found: as a receipt, those waiting for them hear they are back
            await fill_backorders(uow, now, {product.id: warehouse.id})
            if was_available <= 0 and await _available(uow, product.id) > 0:
                await notify_back_in_stock(uow, [product.id], now)
        after = next(lv for lv in await uow.stock.levels([product.id]) if lv.warehouse_id == warehouse.id)
        await uow.commit()
        return product, warehouse, after


async def move(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    sku: str,
    quantity: int,
    from_bin: str,
    to_bin: str,
    warehouse_code: str | None = None,
) -> tuple[Product, Warehouse, str, str]:
    """Between two bins of one warehouse (the one whose ``from_bin`` holds the product, or
    the one named). On-hand stays the same; two movements record the move."""
    member = await require(uow, staff_id, Permission.EDIT_STOCK)
    check_quantity(quantity, MAX_RECEIPT)
    source, target = str(BinCode.parse(from_bin)), str(BinCode.parse(to_bin))
    if source == target:
        raise SameBin()
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        assert product.id is not None
        code = warehouse_code or member.warehouse_code
        holding = {
            b.warehouse_id for b in await uow.inventory.bins([product.id]) if b.bin_code == source and b.quantity
        }
        named = {w.id: w for w in await uow.warehouses.all()}
        if code:
            warehouse = await _warehouse(uow, code)
        elif len(holding) == 1:
            warehouse = named[holding.pop()]
        elif holding:  # the same bin code in several warehouses: which one is meant
            raise WarehouseNeeded(codes=", ".join(sorted(named[w].code for w in holding)))
        else:
            raise NotInBin(bin=source, quantity=0, sku=product.sku)
        assert warehouse.id is not None
        now, actor, note = clock.now(), actor_of(staff_id), f"move {source} → {target}"
        # Into the target first: on-hand never dips, so reservations never block a move.
        available_in_source = await _bin_quantity(uow, product.id, warehouse.id, source)
        if available_in_source < quantity:
            raise NotInBin(bin=source, quantity=available_in_source, sku=product.sku)
        # Units in a picker's tote (the bin counts them until the parcel leaves) or on a round's
        # open line stay where the round finds them: moved away, the next round was sent to the
        # emptied shelf and the shipment took the units from another bin, which then lied.
        held = (await in_rounds(uow, warehouse.id, {product.id}))[(product.id, source)]
        if available_in_source - held < quantity:
            free = max(available_in_source - held, 0)
            raise HeldInBin(bin=source, quantity=available_in_source, sku=product.sku, held=held, free=free)
        await _change_bin(uow, product, warehouse.id, target, quantity, note, actor, now)
        await _change_bin(uow, product, warehouse.id, source, -quantity, note, actor, now)
        await uow.commit()
        return product, warehouse, source, target


async def set_reorder_point(
    uow: UnitOfWork, *, staff_id: int, sku: str, warehouse_code: str, point: int, max_level: int | None
) -> None:
    await require(uow, staff_id, Permission.EDIT_STOCK)
    if point < 0:
        raise InvalidQuantity(maximum=MAX_RECEIPT)
    if max_level is not None and max_level < point:
        raise MaxUnderPoint(max_level=max_level, point=point)
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        warehouse = await _warehouse(uow, warehouse_code)
        assert product.id is not None and warehouse.id is not None
        await uow.inventory.set_reorder(product.id, warehouse.id, point, max_level)
        await uow.commit()


async def low_stock(uow: UnitOfWork, *, staff_id: int, warehouse_code: str | None = None) -> list[LowStockLine]:
    """Products whose available stock is at or under their reorder point, per warehouse."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        warehouse_id = (await _warehouse(uow, warehouse_code)).id if warehouse_code else None
        low = await uow.inventory.reorder_levels(warehouse_id, low_only=True)
        ids = sorted({r.level.product_id for r in low})
        products = {p.id: p for p in await uow.products.get_many(ids)}
        warehouses = {w.id: w for w in await uow.warehouses.all()}
        incoming = await uow.purchasing.incoming(ids) if ids else {}
        on_order = await uow.purchasing.on_order(ids) if ids else {}
        return [
            LowStockLine(
                products[r.level.product_id],
                warehouses[r.level.warehouse_id],
                r,
                incoming.get((r.level.product_id, r.level.warehouse_id), 0),
                on_order.get((r.level.product_id, r.level.warehouse_id)),
            )
            for r in low
            if r.level.product_id in products
        ]
