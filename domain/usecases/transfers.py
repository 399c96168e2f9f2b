"""Transfers: stock moved from one warehouse to another, as inventory (no write-off, no gain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.accounting import Account, entry
from domain.catalog import Product
from domain.errors import DomainError
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.stock import StockLevel, check_quantity
from domain.usecases.backorders import fill_backorders
from domain.usecases.inventory import (
    MAX_RECEIPT,
    HeldInBin,
    NotInBin,
    _change_bin,
    _warehouse,
    actor_of,
    existing_bin,
)
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.shelf_holds import in_rounds
from domain.usecases.staff import require
from domain.usecases.stock_books import cost_in_base, hold_rates, supply_costs
from domain.warehouse import BinCode, NewTargetBin, Warehouse, receiving_bin


class SameWarehouse(DomainError):
    key = N_("Both places are in {warehouse}: /move moves stock between its bins.")


class NotFreeToTransfer(DomainError):
    """Units held for carts and orders leave fewer free than asked (a count's HeldForOrders names the orders; this says
    what can move now)."""

    key = N_(
        "{warehouse} has {on_hand} of {sku}, but {reserved} of them are held for carts and orders:"
        " {free} can be transferred."
    )


class OnlySoMany(DomainError):
    """More than the warehouse has and nothing held: "but 0 of them are held" said nothing."""

    key = N_("Only {free} of {sku} can be transferred from {warehouse}.")


class HeldOnShelves(DomainError):
    key = N_(
        "{warehouse}'s bins hold {on_hand} of {sku}, but {held} of them are picked or being picked for orders"
        " not yet shipped: {free} can be transferred."
    )


@dataclass(frozen=True, slots=True)
class Transferred:
    product: Product
    quantity: int
    source: Warehouse
    source_bins: tuple[str, ...]  # the bins the units left, fullest first
    target: Warehouse
    target_bin: str


def parse_place(text: str) -> tuple[str, str | None]:
    """``LON`` or ``LON:A-01-01-1``: a warehouse's code and, maybe, one of its bins."""
    code, _, bin_code = text.strip().partition(":")
    return code.strip().upper(), str(BinCode.parse(bin_code)) if bin_code.strip() else None


async def transfer(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    sku: str,
    quantity: int,
    source: str,
    target: str,
    new_bin: bool = False,
) -> Transferred:
    """``quantity`` units leave ``source`` (``WAREHOUSE[:BIN]``; without a bin, the bins with the
    most free units first) and arrive in ``target`` (without a bin, where goods-in would put
    them), in one transaction. The units stay inventory: both warehouses' counters and bins
    move and each records a movement; no write-off and no gain is booked (/adjust -N here and +N
    there was the only way, and put a loss and a profit in the journal), only the difference when
    the two warehouses' supply terms cost the unit apart (``_book_cost_difference``). Units held
    for carts and orders, or in a picker's tote or on an open line, stay. A target bin the warehouse
    does not have is ``NewTargetBin`` (nothing transferred) unless ``new_bin`` says to make it."""
    await require(uow, staff_id, Permission.EDIT_STOCK)
    check_quantity(quantity, MAX_RECEIPT)
    (from_code, from_bin), (to_code, to_bin) = parse_place(source), parse_place(target)
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        here, there = await _warehouse(uow, from_code), await _warehouse(uow, to_code)
        assert product.id is not None and here.id is not None and there.id is not None
        if here.id == there.id:
            raise SameWarehouse(warehouse=here.code)
        # Both counters locked before anything is read: a second transfer of the same units
        # reads what this one left (PostgreSQL; SQLite's writers are serial already).
        await uow.stock.lock_positions([(product.id, here.id), (product.id, there.id)])
        level = next(
            (lv for lv in await uow.stock.levels([product.id]) if lv.warehouse_id == here.id),
            StockLevel(product.id, here.id, 0, 0),
        )
        if level.available < quantity:
            free = max(level.available, 0)
            if not level.reserved:
                raise OnlySoMany(free=free, sku=product.sku, warehouse=here.code)
            raise NotFreeToTransfer(
                warehouse=here.code, on_hand=level.on_hand, sku=product.sku, reserved=level.reserved, free=free
            )
        bins = await uow.inventory.bins([product.id])
        held = await in_rounds(uow, here.id, {product.id})
        shelves = sorted(
            (
                (b.bin_code, b.quantity, b.quantity - held[(product.id, b.bin_code)])
                for b in bins
                if b.warehouse_id == here.id and (from_bin is None or b.bin_code == from_bin)
            ),
            key=lambda s: (-s[2], s[0]),
        )
        on_shelves = sum(count for _, count, _ in shelves)
        free = sum(max(left, 0) for _, _, left in shelves)
        if from_bin is not None and on_shelves < quantity:
            raise NotInBin(bin=from_bin, quantity=on_shelves, sku=product.sku)
        if free < quantity:
            spoken = on_shelves - free
            if not spoken:
                raise OnlySoMany(free=free, sku=product.sku, warehouse=here.code)
            if from_bin is not None:
                raise HeldInBin(bin=from_bin, quantity=on_shelves, sku=product.sku, held=spoken, free=free)
            raise HeldOnShelves(warehouse=here.code, on_hand=on_shelves, sku=product.sku, held=spoken, free=free)
        if to_bin is not None and not new_bin:
            await existing_bin(uow, there, to_bin, NewTargetBin)
        target_bin = to_bin or receiving_bin(
            [b for b in bins if b.warehouse_id == there.id and b.quantity > 0],
            await uow.inventory.last_bin(product.id, there.id),
        )
        now, actor = clock.now(), actor_of(staff_id)
        remaining, left_from = quantity, []
        for code, _, left in shelves:
            take = min(max(left, 0), remaining)
            if take <= 0:
                continue
            note = f"transfer {here.code}:{code} → {there.code}:{target_bin}"
            await _change_bin(uow, product, here.id, code, -take, note, actor, now)
            await _change_bin(uow, product, there.id, target_bin, take, note, actor, now)
            left_from.append(code)
            remaining -= take
            if not remaining:
                break
        memo = Memo.of(
            N_("{sku}: {units} moved {source} → {target} ({actor})"),
            sku=product.sku,
            units=quantity,
            source=here.code,
            target=there.code,
            actor=actor,
        )
        await fill_backorders(uow, now, {product.id: there.id})  # as goods-in there would
        await _book_cost_difference(  # last: it holds the rates (``stock_books.hold_rates``, the lock order)
            uow, now, f"transfer:{here.code}>{there.code}", memo, product, here, there, quantity
        )
        await uow.commit()
        return Transferred(product, quantity, here, tuple(left_from), there, target_bin)


async def _book_cost_difference(
    uow: UnitOfWork,
    at: datetime,
    source: str,
    memo: Memo,
    product: Product,
    here: Warehouse,
    there: Warehouse,
    units: int,
) -> None:
    """``1200 Inventory`` stays what ``/stockvalue`` counts, each unit at its supply cost where
    it lies (terms are per warehouse; the catalog's cost is the variant's): units that cost the
    same at both places book nothing; at two costs, the difference goes against "5200 Inventory
    revaluation", as a new cost is booked (``domain.usecases.revaluation``); from or to a place
    without any cost (or with one in a currency without a rate yet), the units are valued in or out
    against 3000, as an arrival is."""
    assert product.id is not None and here.id is not None and there.id is not None
    costs = await supply_costs(uow, [product.id])
    old, new = costs.get((product.id, here.id)), costs.get((product.id, there.id))
    if old == new:  # nothing booked, no rate read: a first rate set at once counts the units wherever they lie
        return
    # Held before the rates are read: a first rate set at once, counting the units still where they left, brought
    # them in at that cost as this brought them in at the other (twice), or counted neither.
    await hold_rates(uow, (cost.currency for cost in (old, new) if cost is not None))
    was = (await cost_in_base(uow, old, units))[0] if old is not None else None
    now = (await cost_in_base(uow, new, units))[0] if new is not None else None
    # A cost in a currency without a rate today is no cost: the stock value counts such units at
    # nothing, so they leave (or enter) inventory against 3000, as ``book_revaluation`` books them.
    was = was if was is not None and was.currency == uow.base_currency else None
    now = now if now is not None and now.currency == uow.base_currency else None
    if was is None and now is None:
        return
    if was is not None and now is not None:
        if was == now:
            return
        up = now.amount > was.amount
        pair = (
            (Account.INVENTORY, Account.INVENTORY_REVALUATION)
            if up
            else (Account.INVENTORY_REVALUATION, Account.INVENTORY)
        )
        currency, amount = now.currency, abs(now.amount - was.amount)
    elif now is not None:
        pair, currency, amount = (Account.INVENTORY, Account.STOCK_WITHOUT_ORDER), now.currency, now.amount
    else:
        assert was is not None
        pair, currency, amount = (Account.STOCK_WITHOUT_ORDER, Account.INVENTORY), was.currency, was.amount
    posted = entry(at, source, memo, currency, (*pair, amount))
    if posted is not None:
        await uow.journal.post(posted)
