"""A bin count below what carts and orders hold there: the holds that end, each order re-allocated or held."""
# The count is the truth: units that are not on the shelf cannot stay promised. What carts hold goes first
# (nothing is sold yet), then what orders hold, the newest order first (the oldest keep their goods, as a
# backorder fill serves the oldest first). Each order then goes as a short pick's would: its part is taken
# from other warehouses that have it free, else the order is held and its customer asked. A cart, once the
# orders are served, takes its units again from what is left free elsewhere; what it cannot is taken off the
# cart line and its customer told (a line left wanting units nothing holds showed them as still to be had).

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Product
from domain.errors import DomainError
from domain.i18n import N_
from domain.notifications import Notification, for_customer
from domain.orders import COUNT_HOLD, OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.stock import ReservationKind
from domain.usecases.orders import apply_transition
from domain.usecases.short_picks import move_allocation
from domain.usecases.shortages import hold_short, in_hand_here
from domain.usecases.stock import take_holds
from domain.warehouse import Warehouse


class OrdersBusy(DomainError):
    key = N_(
        "{sku}: orders holding it are being changed right now ({orders}): nothing was recorded."
        " Press ✅ Confirm again in a moment."
    )


@dataclass(frozen=True, slots=True)
class HeldShort:
    """Units of one item a count finds gone that carts and orders held there: the carts' holds end, and
    each order named gives up its part (``orders``: id, code, units)."""

    sku: str
    product_id: int
    in_carts: int
    orders: tuple[tuple[int, str, int], ...]

    @property
    def in_orders(self) -> int:
        return sum(units for _, _, units in self.orders)


@dataclass(frozen=True, slots=True)
class OrderShort:
    """What a confirmed count did to one order: ``moved_to`` the warehouses now giving its units, "" held."""

    code: str
    sku: str
    units: int
    moved_to: str


@dataclass(frozen=True, slots=True)
class CartShort:
    """Units a customer's cart held of a product (unexpired) that a confirmed count took back, and until when."""

    customer_id: int
    product_id: int
    units: int
    until: datetime


async def held_shorts(
    uow: UnitOfWork, warehouse_id: int, changes: Mapping[int, tuple[str, int]], *, lock: bool = False
) -> list[HeldShort]:
    """``changes``: product → (its SKU, how its bin's count moves). Where the warehouse would then hold fewer
    than carts and orders reserve, whose reservations give way. ``lock`` (at confirm, counters held): each
    order is taken only if its row is free (a counter is held already: waiting for an order would break the lock
    order), another order in its place; refused when those free do not cover it."""
    moving = {p: change for p, change in changes.items() if change[1] < 0}
    levels = {lv.product_id: lv for lv in await uow.stock.levels_now(list(moving)) if lv.warehouse_id == warehouse_id}
    found: list[HeldShort] = []
    in_hand: dict[int, Counter[int]] = {}
    for product_id, (sku, delta) in sorted(moving.items()):
        level = levels.get(product_id)
        short = level.reserved - (level.on_hand + delta) if level is not None else 0
        if short <= 0:
            continue
        held = await uow.stock.position_reservations(product_id, warehouse_id)
        in_carts = min(short, sum(r.quantity for r in held if r.kind is ReservationKind.HOLD))
        left, taken, busy = short - in_carts, [], []
        allocated: dict[int, int] = {}
        for r in reversed(held):  # the newest order first
            if r.kind is ReservationKind.ALLOCATION and r.order_id is not None:
                allocated[r.order_id] = allocated.get(r.order_id, 0) + r.quantity
        orders = await uow.orders.by_ids(list(allocated))
        for order_id, units in allocated.items():
            order = orders.get(order_id)
            if not left or order is None:
                continue
            if order.status is not OrderStatus.ON_HOLD and not order.can_transition(OrderStatus.ON_HOLD):
                continue
            # Not those in a tote, nor those a round sends a picker for: their ⚠️ Short pick moves or holds them (taken
            # here too, the part moved twice and the order was allocated more than it bought).
            if order_id not in in_hand:  # an order's picks and parcels read once, whichever items it holds
                in_hand[order_id] = await in_hand_here(uow, order_id, warehouse_id, planned=True)
            take = min(units - in_hand[order_id][product_id], left)
            if take <= 0:
                continue
            if lock and not await uow.backorders.try_lock_order(order_id):
                busy.append(order.code)
                continue
            taken.append((order_id, order.code, take))
            left -= take
        if left and busy:
            raise OrdersBusy(sku=sku, orders=", ".join(busy))
        found.append(HeldShort(sku, product_id, in_carts, tuple(taken)))
    return found


async def give_way(
    uow: UnitOfWork,
    clock: Clock,
    warehouse: Warehouse,
    bin_code: str,
    shorts: list[HeldShort],
    products: Mapping[int, Product],
    *,
    actor: str,
    staff_chat_id: int | None,
) -> tuple[list[OrderShort], list[CartShort]]:
    """Inside the count's unit of work, its counters and the orders named locked: the carts' holds shrink, the
    newest first (what unexpired ones gave up returned, for ``carts_after``); each order's part moves to other
    warehouses, else the order is held, its part waiting as a backorder and its customer asked, as a short pick
    does; the staff chat hears of each order."""
    done: list[OrderShort] = []
    carts: list[CartShort] = []
    here, now = warehouse.id or 0, clock.now()
    for short in shorts:
        product = products[short.product_id]
        left = short.in_carts
        for hold in reversed(await uow.stock.position_reservations(short.product_id, here)):
            if hold.kind is not ReservationKind.HOLD or not left:
                continue
            take = min(hold.quantity, left)
            if hold.customer_id is not None and hold.expires_at is not None and not hold.is_expired(now):
                carts.append(CartShort(hold.customer_id, short.product_id, take, hold.expires_at))
            await uow.stock.release(short.product_id, here, take)
            if take == hold.quantity:
                await uow.stock.delete_reservation(hold)
            else:
                await uow.stock.change_reservation(hold, by=-take)
            left -= take
        for order_id, code, units in short.orders:
            moved = await move_allocation(uow, clock, order_id, short.product_id, here, units)
            order = await uow.orders.get_by_id(order_id)
            if moved is None and order is not None:
                reason = f"{COUNT_HOLD}{short.sku}"  # the customer is told a count found it, not a picker
                if order.status is not OrderStatus.ON_HOLD:
                    await apply_transition(uow, order, OrderStatus.ON_HOLD, clock=clock, actor=actor, reason=reason)
                place: dict[tuple[int, str | None], int] = {(here, bin_code): units}
                await hold_short(uow, clock, order, product, place, actor, write_off=False, reason=reason)
            done.append(OrderShort(code, short.sku, units, moved or ""))
            if staff_chat_id is not None:
                params = {"code": code, "sku": short.sku, "name": product.display_name, "warehouse": warehouse.code}
                params |= {"bin": bin_code, "units": str(units), "moved_to": moved or ""}
                await uow.outbox.add(Notification(staff_chat_id, "staff_count_short", "", params), clock.now())
    return done, carts


async def carts_after(uow: UnitOfWork, now: datetime, ended: list[CartShort], products: Mapping[int, Product]) -> None:
    """Inside the count's unit of work once its counts are set and the orders served: each cart holds again, from
    other warehouses' free stock, what the count took back (until its hold ran), and what it cannot is taken off its
    line, its customer told how many of the item it now has (none: the line is gone); the cart's other lines keep
    their holds. A customer another transaction holds (a checkout, a cart change) is skipped, not waited for: their
    line gives up what the count took back."""
    gave: Counter[tuple[int, int]] = Counter()
    until: dict[tuple[int, int], datetime] = {}
    for cart in ended:
        key = (cart.product_id, cart.customer_id)  # the lock order: a product's counters, then the next's
        gave[key] += cart.units
        until[key] = min(until.get(key, cart.until), cart.until)
    free_now: dict[int, bool] = {}
    for (product_id, customer_id), units in sorted(gave.items()):
        # A hold names its customer: its insert waits for a checkout's or a cart's lock on them, and those wait for
        # the counters this count holds (deadlock). A customer some transaction holds is not waited for: their cart
        # gives up the units as if none were free (their checkout reads stock again; the cart can take them back).
        if customer_id not in free_now:
            free_now[customer_id] = await uow.customers.try_lock(customer_id)
        free = sum(max(level.available, 0) for level in await uow.stock.levels_now([product_id]))
        if again := min(units, free) if free_now[customer_id] else 0:
            held_until = until[(product_id, customer_id)]
            await take_holds(
                uow, customer_id=customer_id, product_id=product_id, quantity=again, now=now, until=held_until
            )
        wanted = (await uow.carts.lines(customer_id)).get(product_id, 0)
        if units == again or not wanted:
            continue
        left = max(wanted - (units - again), 0)
        await uow.carts.set(customer_id, product_id, left, now)
        customer = await uow.customers.get(customer_id)
        named = products[product_id].in_language(customer.notification_language if customer is not None else "")
        params = {"name": named.display_name, "sku": named.sku, "was": wanted, "left": left}
        if (told := for_customer(customer, "cart_count_short", params)) is not None:
            await uow.outbox.add(told, now)
