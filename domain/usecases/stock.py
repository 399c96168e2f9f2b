"""Holding and releasing stock. Counters change only through the repository's
conditional updates, so concurrent buyers can never oversell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from domain.errors import InsufficientStock
from domain.ports import UnitOfWork
from domain.stock import Reservation, ReservationKind, StockDrift


async def release_expired_holds(uow: UnitOfWork, product_id: int, now: datetime) -> None:
    """Inside an open unit of work: expired cart holds of a product give their stock back
    before anyone reserves it (the sweeper job does the same for everything, on a schedule)."""
    for hold in sorted(await uow.stock.expired_holds(product_id, now), key=lambda h: h.warehouse_id):  # lock order
        await uow.stock.release(hold.product_id, hold.warehouse_id, hold.quantity)
        await uow.stock.delete_reservation(hold)


async def release_expired_holds_and_find(
    uow: UnitOfWork, product_id: int, customer_id: int, now: datetime
) -> list[Reservation]:
    """``release_expired_holds``, then the customer's holds on the product that are left,
    from one read of the product's holds."""
    found = await uow.stock.product_holds(product_id, customer_id, now)
    expired = sorted((h for h in found if h.is_expired(now)), key=lambda h: h.warehouse_id)  # the lock order
    if expired:  # released here, then reserved where most is: the product's counters in the lock order first
        await uow.stock.lock_products([product_id])
    for hold in expired:
        await uow.stock.release(hold.product_id, hold.warehouse_id, hold.quantity)
        await uow.stock.delete_reservation(hold)
    return [h for h in found if not h.is_expired(now) and h.customer_id == customer_id]


async def take_holds(
    uow: UnitOfWork,
    *,
    customer_id: int,
    product_id: int,
    quantity: int,
    now: datetime,
    until: datetime,
    held: Sequence[Reservation] = (),
) -> list[Reservation]:
    """Inside an open unit of work: hold ``quantity`` units for a customer, from as few
    warehouses as possible (most available first). The read only suggests where to look;
    each conditional reservation decides, and a lost race raises so the caller's whole
    transaction rolls back. ``held``: the customer's holds on the product already; when one
    warehouse has it all and one of them is there, that hold grows instead of a new one being
    added (a cart adding the same product again kept a row per add, and each add renews them all)."""
    warehouse = await uow.stock.reserve_where_most(product_id, quantity)
    if warehouse is not None:  # the usual case, one statement: one warehouse has it all
        there = next((h for h in held if h.warehouse_id == warehouse), None)
        # The hold read may be gone since (released by the customer's checkout elsewhere): then
        # the units just reserved get a row of their own, so the counter and the rows agree.
        if there is not None and await uow.stock.change_reservation(there, by=quantity):
            return [replace(there, quantity=there.quantity + quantity)]
        hold = Reservation(product_id, warehouse, quantity, ReservationKind.HOLD, customer_id, None, until, now)
        return [await uow.stock.add_reservation(hold)]
    levels = sorted(await uow.stock.levels([product_id]), key=lambda lv: lv.available, reverse=True)
    total = sum(max(lv.available, 0) for lv in levels)
    if total < quantity:
        raise InsufficientStock(available=total)
    plan: list[tuple[int, int]] = []  # (warehouse, units): most available first
    remaining = quantity
    for level in levels:
        take = min(remaining, level.available)
        if take <= 0:
            continue
        plan.append((level.warehouse_id, take))
        remaining -= take
        if remaining == 0:
            break
    holds: list[Reservation] = []
    for warehouse_id, take in sorted(plan):  # reserved in the lock order (ARCHITECTURE.md, "Lock order")
        if not await uow.stock.try_reserve(product_id, warehouse_id, take):
            raise InsufficientStock(available=total - take)
        holds.append(
            await uow.stock.add_reservation(
                Reservation(product_id, warehouse_id, take, ReservationKind.HOLD, customer_id, None, until, now)
            )
        )
    return holds


async def give_back(uow: UnitOfWork, holds: list[Reservation], quantity: int) -> None:
    """Inside an open unit of work: release ``quantity`` units of these holds, newest first."""
    remaining, taken = quantity, []
    for hold in sorted(holds, key=lambda h: h.created_at, reverse=True):
        take = min(remaining, hold.quantity)
        taken.append((hold, take))
        remaining -= take
        if remaining == 0:
            break
    for hold, take in sorted(taken, key=lambda t: (t[0].product_id, t[0].warehouse_id)):  # given in the lock order
        await uow.stock.release(hold.product_id, hold.warehouse_id, take)
        if take == hold.quantity:
            await uow.stock.delete_reservation(hold)
        else:
            await uow.stock.change_reservation(hold, by=-take)


async def stock_drift(uow: UnitOfWork) -> list[StockDrift]:
    """Counters that disagree with the sum of their reservation rows (should be none)."""
    async with uow.read_only():
        return await uow.stock.drift()
