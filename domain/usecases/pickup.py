"""Pickup done properly: a packed pickup order is ready, and its customer gets a pickup code
(with a QR code); at the counter staff ``/handover CODE``, which checks the code, takes the
payment if it is due (cash at the counter) and completes the order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import DeliveryMethod, Order, OrderStatus, PaymentMethod
from domain.parcels import PickupCode, new_pickup_code, normalize_pickup_code
from domain.payments import Payment, PaymentKind, amount_paid
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.backorder_fill import dropped, not_collected
from domain.usecases.orders import apply_transition
from domain.usecases.parcels import deliver_order, require_paid, take_stock_out
from domain.usecases.staff import require
from domain.usecases.stock_books import book_cost_of_goods


class WrongPickupCode(DomainError):
    key = N_("No order has pickup code {code}. Check it with the customer.")


class PickupCodeUsed(DomainError):
    key = N_("Pickup code {code} was already used: order {order} was handed over.")


class NotReadyForPickup(DomainError):
    key = N_("Order {order} is {status}: only a packed pickup order can be handed over.")


@dataclass(frozen=True, slots=True)
class Handover:
    order: Order
    collected: Money  # taken at the counter now (zero when paid before)


def is_pickup(order: Order) -> bool:
    return order.delivery is not None and order.delivery.method is DeliveryMethod.PICKUP


async def announce_ready(
    uow: UnitOfWork, clock: Clock, order: Order, choose: Callable[[], str] = new_pickup_code
) -> PickupCode:
    """Inside the caller's transaction (packing): the order's pickup code, and the customer
    told where to come, what to pay and what to show."""
    assert order.id is not None
    code = await uow.parcels.pickup_code_for(order.id)
    if code is None:
        text = choose()
        while await uow.parcels.pickup_code(text) is not None:  # unique among all orders
            text = choose()
        code = PickupCode(order.id, text, clock.now())
        await uow.parcels.add_pickup_code(code)
    point = None
    if order.delivery is not None and order.delivery.pickup_warehouse_id is not None:
        point = next((w for w in await uow.warehouses.all() if w.id == order.delivery.pickup_warehouse_id), None)
    due = await _due(uow, order)
    params = {
        "code": order.code,
        "pickup_code": code.code,
        "point": f"{point.name}, {point.address}".strip(", ") if point else "",
        "due_minor": due.amount,
        "currency": due.currency,
    }
    customer = await uow.customers.get(order.customer_id)
    if (told := for_customer(customer, "order_ready_for_pickup", params)) is not None:
        await uow.outbox.add(told, clock.now())
    return code


async def _due(uow: UnitOfWork, order: Order) -> Money:
    """What is left to pay at the counter: cash on delivery less the parts its customer gave up and
    anything paid already, what a courier would collect (``deliver_order`` books and records the same)."""
    if order.payment_method is not PaymentMethod.COD:
        return Money.zero(order.currency)
    paid = amount_paid(await uow.payments.for_order(order.id or 0), order.currency)
    lost = not_collected(order, await dropped(uow, order))
    return Money(max(order.total.amount - lost.amount - paid.amount, 0), order.currency)


async def hand_over(uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str) -> Handover:
    """The customer shows the pickup code: checked, used once, the stock leaves, the cash
    due is recorded as a payment and booked (as a courier's cash on delivery is), and the
    order is delivered and completed."""
    await require(uow, staff_id, Permission.HANDOVER)
    text = normalize_pickup_code(code)[:16]
    async with uow:
        pickup = await uow.parcels.pickup_code(text)
        if pickup is None:
            raise WrongPickupCode(code=text)
        order = await uow.orders.get_by_id(pickup.order_id)
        if order is None or order.id is None:
            raise NotFound()
        await require_paid(uow, order)  # before the code is used: it works again once paid
        if pickup.used_at is not None or not await uow.parcels.use_pickup_code(text, clock.now(), staff_id):
            raise PickupCodeUsed(code=text, order=order.code)
        if order.status is not OrderStatus.PACKED or not is_pickup(order):
            raise NotReadyForPickup(order=order.code, status=order.status.value)
        wanted: Counter[int] = Counter()
        for line in order.lines:
            wanted[line.product_id] += line.quantity
        out = await take_stock_out(uow, clock, order, staff_id, wanted)
        due = await _due(uow, order)
        if due.amount:
            await uow.payments.add(Payment(order.id, PaymentKind.PAYMENT, PaymentMethod.COD.value, due, clock.now()))
        actor = f"staff:{staff_id}"
        await deliver_order(uow, clock, order, actor, notify=False)
        await apply_transition(uow, order, OrderStatus.COMPLETED, clock=clock, actor=actor, reason="handed over")
        await book_cost_of_goods(uow, order, out, clock.now())  # last: it holds the costs' currencies
        await uow.commit()
        return Handover(order, due)
