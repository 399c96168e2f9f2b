"""Stock work in the warehouse: receive goods, correct counts and move goods between bins.

Every change is an inventory movement (who, when, why) written in the same transaction as
the counters it changes; nothing ever takes ``available`` below zero."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Product
from domain.errors import DomainError, InvalidQuantity
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.stock import StockLevel, check_quantity
from domain.text import MAX_REASON, typed
from domain.usecases.backorders import fill_backorders
from domain.usecases.held_stock import BelowOrdersHold, BelowReserved, holders
from domain.usecases.imports.stock import notify_back_in_stock
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.shelf_holds import in_rounds
from domain.usecases.staff import WarehouseNeeded, no_such_warehouse, require
from domain.usecases.stock_books import book_stock_change
from domain.warehouse import BinCode, NewBin, NewTargetBin, Warehouse, nearest_bins, receiving_bin

MAX_RECEIPT = 1_000_000


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
    the product has no cost to book them at, nor when that cost's currency, ``unrated``, has no
    rate yet)."""

    product: Product
    warehouse: Warehouse
    bin_code: str
    booked: bool
    unrated: str = ""


def actor_of(telegram_id: int) -> str:
    return f"staff:{telegram_id}"


async def _warehouse(uow: UnitOfWork, code: str) -> Warehouse:
    warehouse = await uow.warehouses.get_by_code(code.strip().upper())
    if warehouse is None or warehouse.id is None:
        raise await no_such_warehouse(uow, code)
    return warehouse


async def is_warehouse(uow: UnitOfWork, code: str) -> bool:
    """Whether a warehouse is coded ``code`` (a command's last word that may be a warehouse or a word of its own)."""
    async with uow:
        return await uow.warehouses.get_by_code(code.strip().upper()) is not None


async def existing_bin(
    uow: UnitOfWork, warehouse: Warehouse, code: str, asked: type[NewBin] = NewBin, besides: str = ""
) -> None:
    """Stock goes (received, moved, transferred) only into a bin the warehouse has: a new one is asked about
    first (``asked``, with the existing bins nearest its code but ``besides``, the bin a move takes the units
    from), and made only when the one typing says so."""
    assert warehouse.id is not None
    if not await uow.inventory.has_bin(warehouse.id, code):
        existing = [other for other in await uow.inventory.bin_codes(warehouse.id) if other != besides]
        raise asked(bin=code, warehouse=warehouse.code, near=nearest_bins(code, existing))


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
    new_bin: bool = False,
) -> Received:
    """Goods arrive: the bin (named, else ``receiving_bin``) and the warehouse grow;
    customers waiting for it are told it is back. A bin named that the warehouse does not have
    is ``NewBin`` (nothing received) unless ``new_bin`` says to make it."""
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
        new_bin=new_bin,
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
    new_bin: bool = False,
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
            new_bin=new_bin,
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
    new_bin: bool = False,
) -> Received:
    """``receive_goods`` inside the caller's open unit, uncommitted: the intake API claims the
    request's Idempotency-Key in the same transaction. ``new_bin``: a bin named that the warehouse
    does not have is made (else ``NewBin``, nothing written)."""
    check_quantity(quantity, MAX_RECEIPT)
    reason = typed(reason, MAX_REASON)
    target = str(BinCode.parse(bin_code)) if bin_code else None
    product = await staff_product_by_sku(uow, sku)
    warehouse = await _warehouse(uow, warehouse_code)
    assert product.id is not None and warehouse.id is not None
    if target is not None and not new_bin:
        await existing_bin(uow, warehouse, target)
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
    await fill_backorders(uow, now, {product.id: warehouse.id})
    if was_available <= 0 and await _available(uow, product.id) > 0:
        await notify_back_in_stock(uow, [product.id], now)
    # Booked last, its cost's currency held (``stock_books.hold_rates``): the intake API's caller writes only its key.
    place = (product.id, warehouse.id)
    why = await book_stock_change(uow, now, f"receipt:{warehouse.code}", memo, place, quantity, last=True)
    return Received(product, warehouse, target, why is None, why or "")


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
        if delta > 0:  # goods found: as a receipt, those waiting for them hear they are back
            await fill_backorders(uow, now, {product.id: warehouse.id})
            if was_available <= 0 and await _available(uow, product.id) > 0:
                await notify_back_in_stock(uow, [product.id], now)
        after = next(lv for lv in await uow.stock.levels([product.id]) if lv.warehouse_id == warehouse.id)
        # Booked last, its cost's currency held (``stock_books.hold_rates``, the lock order): found or lost at once
        # with the currency's first rate, the units were booked at no rate and left out of that rate's revaluation.
        place = (product.id, warehouse.id)
        await book_stock_change(uow, now, f"adjust:{warehouse.code}", memo, place, delta, last=True)
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
    new_bin: bool = False,
) -> tuple[Product, Warehouse, str, str]:
    """Between two bins of one warehouse (the one whose ``from_bin`` holds the product, or
    the one named). On-hand stays the same; two movements record the move. A ``to_bin`` the
    warehouse does not have is ``NewTargetBin`` (nothing moved) unless ``new_bin`` says to make it."""
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
        if not new_bin:  # asked only once the move could be done: a refusal after "create it?" wasted the answer
            await existing_bin(uow, warehouse, target, NewTargetBin, besides=source)
        await _change_bin(uow, product, warehouse.id, target, quantity, note, actor, now)
        await _change_bin(uow, product, warehouse.id, source, -quantity, note, actor, now)
        await uow.commit()
        return product, warehouse, source, target
