"""Filling waiting parts of orders as stock becomes free, inside the transaction that freed it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.backorders import BACKORDER_FLAG, Backorder, BackorderStatus, fill_sequence
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import Order, OrderStatus
from domain.payments import Payment, amount_due
from domain.ports import Clock, UnitOfWork
from domain.routing import restated
from domain.shop_days import shop_day
from domain.shortages import SHORT_FLAG
from domain.stock import Reservation, ReservationKind


async def fill_backorders(uow: UnitOfWork, now: datetime, arrived: Mapping[int, int | None]) -> int:
    """Inside the unit of work that freed stock (receipt, purchase-order receipt, restock,
    adjustment, stock count, cancellation): product → the warehouse where it was freed
    (None: any warehouse). Waiting parts are allocated VIP first, then oldest first, from
    that warehouse only: the caller holds its stock row already, and taking no other stock
    row keeps two fills of one product in different warehouses from waiting on each other.
    A preorder is not allocated before its release date (``fill_due_backorders`` does it
    then). An order another transaction holds at this moment (a customer cancelling it) is
    passed over rather than waited for: waiting there while holding stock could deadlock
    with a cancellation, which takes the order first, then its stock; the job fills it
    later from what is still free. Each customer is told. Returns the units allocated."""
    if not arrived:
        return 0
    today = shop_day(now, uow.timezone)
    terms = await uow.backorders.terms(sorted(arrived))
    due = {p: w for p, w in arrived.items() if not (p in terms and terms[p].is_preorder(today))}
    waiting = await uow.backorders.waiting(sorted(due))
    total = 0
    for product_id, warehouse_id in sorted(due.items()):
        queue = [b for b in waiting if b.product_id == product_id]
        if not queue:
            continue
        levels = await uow.stock.levels([product_id])
        free = {
            lv.warehouse_id: max(lv.available, 0)
            for lv in sorted(levels, key=lambda lv: lv.warehouse_id)
            if warehouse_id is None or lv.warehouse_id == warehouse_id
        }
        for backorder in fill_sequence(queue):
            units = min(sum(free.values()), backorder.quantity)
            if units <= 0:
                break
            total += await _fill_one(uow, now, backorder, units, free)  # 0: cancelled or busy, next one
    return total


async def fill_due_backorders(uow: UnitOfWork, clock: Clock) -> int:
    """The scheduled job: waiting parts that free stock could fill now — preorders on and
    after their release date, and parts passed over or freed without an arrival (an
    expired cart hold, an edited order). Finds its work in the data: a second run changes
    nothing. Returns the units allocated."""
    async with uow:
        now = clock.now()
        waiting = await uow.backorders.waiting_units(None)
        free = {lv.product_id for lv in await uow.stock.levels(sorted(waiting)) if lv.available > 0}
        due: dict[int, int | None] = {p: None for p in sorted(waiting) if p in free}
        filled = await fill_backorders(uow, now, due)
        if filled:
            await uow.commit()
        return filled


async def _fill_one(uow: UnitOfWork, now: datetime, backorder: Backorder, units: int, free: dict[int, int]) -> int:
    if not await uow.backorders.try_lock_order(backorder.order_id):
        return 0  # someone is changing this order right now (cancelling it): not waited for
    order = await uow.orders.get_by_id(backorder.order_id)
    if order is None or order.status is OrderStatus.CANCELLED:  # cancelled whole: its parts go with it
        await uow.backorders.cancel(backorder.id or 0, backorder.quantity)
        return 0
    if SHORT_FLAG in order.flags:  # short at picking: its customer has not answered yet
        return 0
    taken: list[tuple[int, int]] = []
    for warehouse_id, there in free.items():
        take = min(units - sum(q for _, q in taken), there)
        if take > 0 and await uow.stock.try_reserve(backorder.product_id, warehouse_id, take):
            taken.append((warehouse_id, take))
    got = sum(q for _, q in taken)
    if not got or not await uow.backorders.fill(backorder.id or 0, backorder.quantity, got):
        for warehouse_id, quantity in taken:  # lost to a cancellation: the stock stays free
            await uow.stock.release(backorder.product_id, warehouse_id, quantity)
        return 0
    for warehouse_id, quantity in taken:
        free[warehouse_id] -= quantity
        await uow.stock.add_reservation(
            Reservation(
                backorder.product_id,
                warehouse_id,
                quantity,
                ReservationKind.ALLOCATION,
                backorder.customer_id,
                backorder.order_id,
                None,
                now,
            )
        )
    still = [b for b in await uow.backorders.for_order(backorder.order_id) if b.status is BackorderStatus.WAITING]
    if not still:
        await uow.orders.set_flags(order.id or 0, order.flags - {BACKORDER_FLAG})
    await _restate_routing(uow, order, sum(b.quantity for b in still))
    # "On its way" only while a sent purchase order brings the product; else it waits for stock.
    coming = bool(still) and bool(await uow.purchasing.on_order([backorder.product_id]))
    line = next((x for x in order.lines if x.product_id == backorder.product_id), None)
    customer = await uow.customers.get(order.customer_id)
    params = {
        "code": order.code,
        "name": line.named_in(customer.notification_language if customer else "") if line else "",
        "quantity": got,
        "left": backorder.quantity - got,
        "complete": not still,
        "coming": coming,
    }
    if (told := for_customer(customer, "backorder_filled", params)) is not None:
        await uow.outbox.add(told, now)
    return got


async def _restate_routing(uow: UnitOfWork, order: Order, waiting: int) -> None:
    """The order's routing as the fill left it: the reasons it was placed with ("MAN can ship every
    line") no longer say where it ships from once stock set aside elsewhere joins it."""
    codes = {w.id: w.code for w in await uow.warehouses.all()}
    shipping: dict[str, int] = {}
    for reservation in await uow.stock.order_reservations(order.id or 0):
        code = codes.get(reservation.warehouse_id, str(reservation.warehouse_id))
        shipping[code] = shipping.get(code, 0) + reservation.quantity
    routing = restated(order.routing, shipping, waiting)
    if routing != order.routing:
        await uow.orders.set_routing(order.id or 0, routing)


async def held_back(uow: UnitOfWork, order: Order) -> dict[int, int]:
    """Product → units of the order that do not leave with what is there now: parts still
    waiting for stock (a split order packs and ships without them, they follow in a later
    parcel) and parts the customer cancelled (they never leave)."""
    units: dict[int, int] = {}
    for part in await uow.backorders.for_order(order.id or 0):
        waiting = part.quantity if part.status is BackorderStatus.WAITING and BACKORDER_FLAG in order.flags else 0
        if waiting + part.cancelled:
            units[part.product_id] = units.get(part.product_id, 0) + waiting + part.cancelled
    return units


async def dropped(uow: UnitOfWork, order: Order) -> dict[int, int]:
    """Product → units of the order its customer gave up waiting for: they never leave."""
    units: dict[int, int] = {}
    for part in await uow.backorders.for_order(order.id or 0):
        if part.cancelled:
            units[part.product_id] = units.get(part.product_id, 0) + part.cancelled
    return units


def not_collected(order: Order, gone: Mapping[int, int]) -> Money:
    """What cash on delivery never collects of an order: the parts its customer gave up (``dropped``)
    were never handed over, so neither the courier nor the counter asks for them (at most its total)."""
    return min(order.net_of(gone), order.total)


async def charged_total(uow: UnitOfWork, order: Order) -> Money:
    """What the order charges its customer: its total less the parts they gave up (a short pick's
    dropped part stays among its lines, its value owed back or never asked for) and less what its
    returns gave back (a delivered parcel's goods refunded while the rest is still to leave, or
    picked again: owed back, not due again)."""
    charged = order.total - order.net_of(await dropped(uow, order))
    for back in await uow.returns.for_order(order.id or 0):
        if back.owes_back and back.refund is not None:
            charged -= back.refund
    return charged


async def due_on(uow: UnitOfWork, order: Order, payments: list[Payment]) -> Money:
    """What is left to pay on an order (``amount_due`` on what it charges): a dropped part owed
    back is not due again, as it is after an edit took lines off and then put some back."""
    return amount_due(await charged_total(uow, order), payments)
