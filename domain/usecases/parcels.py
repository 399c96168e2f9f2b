"""Shipping an order in parcels: each parcel takes some (or all) of what is packed and not
yet shipped, takes that stock out of the warehouse and tells the customer; a parcel is
delivered by its tracking number and the order when every parcel is."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from domain.accounting import Account
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.notifications import for_customer
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.parcels import (
    Parcel,
    TrackingInUse,
    all_delivered,
    parcel_eta,
    parcel_lines,
    status_after_parcel,
    tracking_page,
)
from domain.payments import Payment, PaymentKind, amount_paid
from domain.picking import leaving_from
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.stock import Reservation, ReservationKind
from domain.text import MAX_CODE, typed
from domain.usecases.backorder_fill import dropped, due_on, held_back, not_collected
from domain.usecases.bookkeeping import book_dropped_discount, book_refund, book_sale
from domain.usecases.orders import apply_transition
from domain.usecases.staff import require
from domain.usecases.stock_books import book_cost_of_goods

TRACKING_PATTERN = re.compile(r"^[A-Za-z0-9-]{4,40}$")
SHIPPABLE = frozenset({OrderStatus.PACKED, OrderStatus.PARTIALLY_SHIPPED})


class NotReadyToShip(DomainError):
    key = N_("Order {code} is {status}: only packed orders can be shipped.")


class NotOnItsWay(DomainError):
    key = N_("Order {code} is {status}: only a shipped order can be marked delivered. Nothing was changed.")


class DeliveredAlready(DomainError):
    key = N_("Order {code} is already delivered: nothing was changed.")


class CardBalanceDue(DomainError):
    key = N_("Order {code} still has {due} to pay by card: it ships once the customer has paid it.")


async def require_paid(uow: UnitOfWork, order: Order) -> None:
    """A card order leaves only paid in full: a replacement's dearer size, an edit's rise, is
    paid by its 💳 button first (shipped unpaid, the goods left and the difference was never sold)."""
    if order.payment_method is PaymentMethod.CARD:
        due = await due_on(uow, order, await uow.payments.for_order(order.id or 0))
        if due.amount > 0:
            raise CardBalanceDue(code=order.code, due=due)  # what its 💳 button charges


class BadTracking(DomainError):
    key = N_("A tracking number is 4–40 letters, digits or dashes.")


class ParcelDeliveredAlready(DomainError):
    key = N_("Parcel {tracking} was already delivered.")


async def ship_parcel(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    code: str,
    carrier: str,
    tracking: str,
    items: Mapping[str, int] | None = None,
) -> tuple[Order, Parcel]:
    """One parcel leaves: ``items`` (SKU → units) or everything not yet shipped. The order is
    partially shipped until every line has left, then shipped. Refused whole, with nothing
    changed, when it asks for more than is packed and not yet shipped."""
    await require(uow, staff_id, Permission.SHIP)
    if not TRACKING_PATTERN.match(tracking):
        raise BadTracking()
    carrier = typed(carrier, MAX_CODE)
    async with uow:
        found = await uow.orders.get_by_code(normalize_order_code(code))
        if found is None or found.id is None:
            raise NotFound()
        await uow.parcels.lock_order(found.id)
        # Read again under the lock: a parcel another staff member just shipped is seen.
        order = await uow.orders.get_by_id(found.id)
        if order is None or order.id is None:
            raise NotFound()
        if order.status not in SHIPPABLE:
            raise NotReadyToShip(code=order.code, status=order.status.value)
        await require_paid(uow, order)
        earlier = await uow.parcels.for_order(order.id)
        if await uow.parcels.by_tracking(tracking) is not None:
            raise TrackingInUse(tracking=tracking)
        lines = parcel_lines(order, earlier, items, await held_back(uow, order))
        delivery = order.delivery
        rates = await uow.carriers.all()
        service = delivery.service if delivery and delivery.carrier.casefold() == carrier.casefold() else ""
        eta = parcel_eta(
            rates, carrier, service, shop_day(clock.now(), uow.timezone), delivery.eta if delivery else None
        )
        parcel = Parcel(order.id, len(earlier) + 1, carrier, tracking, lines, clock.now(), eta, staff_id=staff_id)
        await uow.parcels.add(parcel)
        wanted: Counter[int] = Counter()
        for line in lines:
            wanted[line.product_id] += line.quantity
        before: Counter[int] = Counter()
        for shipped in earlier:
            for item in shipped.lines:
                before[item.product_id] += item.quantity
        out = await take_stock_out(uow, clock, order, staff_id, wanted, before)
        order.tracking_number = tracking
        if order.delivery is not None:
            # Another carrier than chosen: the chosen service is not theirs ("DPD Tracked 48").
            order.delivery = replace(order.delivery, carrier=carrier, service=service)
        target = status_after_parcel(order, [*earlier, parcel], await dropped(uow, order))
        if target is not order.status:
            actor = f"staff:{staff_id}"
            await apply_transition(uow, order, target, clock=clock, actor=actor, reason=carrier, notify=False)
        if not earlier and target is OrderStatus.SHIPPED:
            await _tell(uow, clock, order, "order_shipped", parcel, one=True)  # one parcel: as it always was
        else:
            await _tell(uow, clock, order, "parcel_shipped", parcel)
        await book_cost_of_goods(uow, order, out, clock.now())  # last: it holds the costs' currencies
        await uow.commit()
        return order, parcel


async def take_stock_out(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    staff_id: int,
    wanted: Counter[int],
    shipped: Mapping[int, int] | None = None,
) -> dict[tuple[int, int], int]:
    """``wanted`` units per product leave (``shipped``: what the order's earlier parcels took):
    from the warehouses and bins of its earliest picks not yet shipped (as what is still in a
    tote is reckoned), their allocations released (in part when a parcel takes part of one), the
    bins and on-hand counters decremented and the demand recorded. Returns the units gone per
    (product, warehouse): the caller books their cost of goods (``book_cost_of_goods``) last."""
    assert order.id is not None
    leaving = leaving_from(await uow.picking.lines_for_order(order.id), shipped or {}, wanted)
    allocations = [r for r in await uow.stock.order_reservations(order.id) if r.kind is ReservationKind.ALLOCATION]
    now, actor, reason = clock.now(), f"staff:{staff_id}", f"shipment {order.code}"
    out: Counter[tuple[int, int]] = Counter()
    for reservation, take in _from_allocations(allocations, leaving, wanted):
        out[(reservation.product_id, reservation.warehouse_id)] += take
        await uow.stock.release(reservation.product_id, reservation.warehouse_id, take)
        if take == reservation.quantity:
            await uow.stock.delete_reservation(reservation)
        else:
            await uow.stock.change_reservation(reservation, by=-take)
    for (product_id, warehouse_id), units in out.items():
        picked = {code: n for (p, w, code), n in leaving.items() if (p, w) == (product_id, warehouse_id)}
        bins = [b for b in await uow.inventory.bins([product_id]) if b.warehouse_id == warehouse_id]
        # The bins its units were picked from first, then the fullest others.
        bins.sort(key=lambda b: (-picked.get(b.bin_code, 0), -b.quantity, b.bin_code))
        for found in bins:
            step = min(found.quantity, units)
            if step <= 0:
                continue
            await uow.stock.set_bin_quantity(
                product_id, warehouse_id, found.bin_code, found.quantity - step, reason, actor, now
            )
            units -= step
            if not units:
                break
    day = shop_day(now, uow.timezone)  # sales history is dated by the shop's day, as /slow and /forecast read it
    await uow.demand.record([(p, w, day, q) for (p, w), q in out.items()], f"shipment {order.code}")
    return dict(out)


def _from_allocations(
    allocations: list[Reservation], leaving: Counter[tuple[int, int, str]], wanted: Counter[int]
) -> list[tuple[Reservation, int]]:
    """Each allocation and the units of ``wanted`` it gives: the warehouses the units were
    picked in first (``leaving``), then what no pick accounts for from the allocations in order."""
    from_picks: Counter[tuple[int, int]] = Counter()
    for (product_id, warehouse_id, _), units in leaving.items():
        from_picks[(product_id, warehouse_id)] += units
    wanted = Counter(wanted)
    takes = [0] * len(allocations)
    for traced in (True, False):
        for i, reservation in enumerate(allocations):
            key = (reservation.product_id, reservation.warehouse_id)
            take = min(reservation.quantity - takes[i], wanted[reservation.product_id])
            if traced:
                take = min(take, from_picks[key])
                from_picks[key] -= max(take, 0)
            if take > 0:
                takes[i] += take
                wanted[reservation.product_id] -= take
    return [(r, take) for r, take in zip(allocations, takes, strict=True) if take > 0]


async def _tell(uow: UnitOfWork, clock: Clock, order: Order, template: str, parcel: Parcel, one: bool = False) -> None:
    customer = await uow.customers.get(order.customer_id)
    rates = await uow.carriers.all()
    link = tracking_page(rates, parcel)
    params: dict[str, object] = {
        "code": order.code,
        "carrier": parcel.carrier,
        "tracking": parcel.tracking,
        "link": link,
        "eta": parcel.eta.isoformat() if parcel.eta else "",
    }
    if not one:
        params["seq"] = parcel.seq
        params["items"] = [[line.sku, line.quantity] for line in parcel.lines]
        params["complete"] = order.status is OrderStatus.SHIPPED
    if (told := for_customer(customer, template, params)) is not None:
        await uow.outbox.add(told, clock.now())


def check_deliverable(order: Order) -> None:
    """``/delivered`` on an order the state machine cannot deliver (cancelled, not shipped yet,
    delivered already) read "An order cannot go from cancelled to delivered.": said in words."""
    if order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
        raise DeliveredAlready(code=order.code)
    # Only a shipped order: the state machine lets a packed one be delivered for ``/handover``
    # at the counter, which takes its stock out; /delivered on it would leave stock reserved.
    if order.status is not OrderStatus.SHIPPED:
        raise NotOnItsWay(code=order.code, status=order.status.value)


async def deliver_order(uow: UnitOfWork, clock: Clock, order: Order, actor: str, *, notify: bool = True) -> None:
    await apply_transition(uow, order, OrderStatus.DELIVERED, clock=clock, actor=actor, notify=notify)
    if order.payment_method is PaymentMethod.COD:  # the courier or store collected the cash
        now = clock.now()
        await book_sale(
            uow, order, now, debit=Account.CASH, memo=Memo.of(N_("sale {code} (cash on delivery)"), code=order.code)
        )
        gone = await dropped(uow, order)
        lost = not_collected(order, gone)
        if lost.amount > 0:  # parts the customer gave up never came, so their cash was never collected
            memo = Memo.of(N_("not collected, cancelled parts of {code}"), code=order.code)
            await book_refund(uow, order, lost, now, source=f"order:{order.code}", memo=memo, credit=Account.CASH)
            memo = Memo.of(N_("not collected, cancelled parts of {code}: their discount"), code=order.code)
            await book_dropped_discount(uow, order, gone, {}, now, memo)
        # The cash is the order's payment, as a card's is: what /order shows as paid, what a goodwill
        # refund may give back, what is owed back if the order is cancelled. The books took it in
        # above; less what was recorded at the counter already (``hand_over``), so never twice.
        paid = amount_paid(await uow.payments.for_order(order.id or 0), order.currency)
        collected = order.total - lost - paid
        if collected.amount > 0:
            await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, PaymentMethod.COD.value, collected, now))


async def parcel_delivered(uow: UnitOfWork, clock: Clock, parcel: Parcel, actor: str) -> tuple[Order, bool]:
    """Inside the caller's transaction: the parcel is delivered (once); the order is when
    every parcel is and nothing is left to ship. Returns the order and whether it changed."""
    assert parcel.id is not None
    order = await uow.orders.get_by_id(parcel.order_id)
    if order is None:
        raise NotFound()
    if not await uow.parcels.mark_delivered(parcel.id, clock.now()):
        return order, False
    parcels = await uow.parcels.for_order(parcel.order_id)
    if all_delivered(parcels) and order.status is OrderStatus.SHIPPED:
        await deliver_order(uow, clock, order, actor)
    else:
        customer = await uow.customers.get(order.customer_id)
        params = {"code": order.code, "seq": parcel.seq, "tracking": parcel.tracking, "count": len(parcels)}
        if (told := for_customer(customer, "parcel_delivered", params)) is not None:
            await uow.outbox.add(told, clock.now())
    return order, True


async def deliver_parcel(uow: UnitOfWork, clock: Clock, *, staff_id: int, tracking: str) -> tuple[Order, Parcel]:
    """``/delivered TRACKING``: that parcel arrived."""
    await require(uow, staff_id, Permission.SHIP)
    async with uow:
        parcel = await uow.parcels.by_tracking(tracking.strip())
        if parcel is None:
            raise NotFound()
        order, changed = await parcel_delivered(uow, clock, parcel, f"staff:{staff_id}")
        if not changed:
            raise ParcelDeliveredAlready(tracking=parcel.tracking)
        await uow.commit()
        return order, parcel


async def parcels_for_staff(uow: UnitOfWork, *, staff_id: int, code: str) -> tuple[Order, list[Parcel]]:
    await require(uow, staff_id, Permission.VIEW_ORDERS)
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        return order, await uow.parcels.for_order(order.id)
