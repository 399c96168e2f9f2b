"""Orders from other channels (a web shop, a point of sale) over the HTTP API, through the
same rules as a chat checkout: stock allocated by conditional reservations, routed to
warehouses, booked, notified. One request, one transaction; the same Idempotency-Key with the
same body returns the first order, with another body it is refused."""

from __future__ import annotations

from datetime import datetime

from domain.accounting import Account
from domain.apikeys import ApiKey, FirstUse, Scope
from domain.backorders import PreorderFull
from domain.customers import Customer
from domain.i18n import N_
from domain.memos import Memo
from domain.notifications import Notification, for_customer
from domain.orders import Channel, DeliveryMethod, Order, OrderStatus, PaymentMethod, order_reference
from domain.payments import Payment, PaymentKind
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.usecases.backorders import offers, record_backorders, routable_part
from domain.usecases.bookkeeping import book_sale
from domain.usecases.callbacks import order_placed
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.checkout_routing import CartChanged, allocation_rows, reserve_routed, route_or_explain
from domain.usecases.intake_fields import request_cart, request_customer, request_delivery, request_money
from domain.usecases.intake_request import (
    PAYMENTS,
    ApiOrderRequest,
    IdempotencyConflict,
    InvalidField,
    PaymentState,
    RequestInProgress,
    ShortLine,
    UnpaidCapReached,
)
from domain.usecases.invoice_terms import check_credit, invoice_due_date, number_invoice
from domain.usecases.orders import apply_transition
from domain.usecases.placing import Families, families_of, place_cart
from domain.usecases.promotions import count_code_use, discounts_for
from domain.usecases.shop import keep_tax_numbers
from domain.usecases.stock import release_expired_holds
from domain.usecases.unpaid_orders import TooManyUnpaidOrders, check_unpaid_cap


async def place_api_order(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    *,
    key: ApiKey,
    idempotency_key: str,
    body_hash: str,
    request: ApiOrderRequest,
) -> tuple[Order, bool]:
    """The order, and whether this request made it (False: a repeat of an earlier one)."""
    assert key.id is not None
    key.require(Scope.ORDERS)
    families = await families_of(uow, skus=(sku for sku, _ in request.lines))
    async with uow:
        now = clock.now()
        first = await uow.api.claim(key.id, idempotency_key, body_hash, now)
        if first is not None:
            return await _repeat(uow, first, body_hash), False
        order = await _place(uow, clock, policy, key, request, now, families)
        assert order.id is not None
        await uow.api.settle(key.id, idempotency_key, order_id=order.id)
        await order_placed(uow, order, clock)  # now the channel's: its first event, as it stands
        await uow.commit()
        return order, True


async def _repeat(uow: UnitOfWork, first: FirstUse, body_hash: str) -> Order:
    if first.body_hash != body_hash:
        raise IdempotencyConflict()
    order = await uow.orders.get_by_id(first.order_id) if first.order_id is not None else None
    if order is None:
        raise RequestInProgress()
    return order


async def _place(
    uow: UnitOfWork,
    clock: Clock,
    policy: CheckoutPolicy,
    key: ApiKey,
    request: ApiOrderRequest,
    now: datetime,
    families: Families,
) -> Order:
    customer = await request_customer(uow, request.customer, now, key)
    if request.payment is PaymentState.INVOICE and not customer.is_business:
        # As in chat: paying later is a business customer's term, set with the customers scope.
        raise InvalidField(field="payment", reason="an invoice is for a business customer (customer.business: true)")
    if request.payment is PaymentState.COD and not policy.cash_on_delivery:  # as chat's checkout no longer offers it
        raise InvalidField(
            field="payment", reason="this shop takes no cash on delivery: send the order paid, or with a payment link"
        )
    payment = PAYMENTS[request.payment]
    await _check_unpaid_cap(uow, policy, customer, request.payment)
    cart = await request_cart(uow, request, customer.price_group)
    # The running promotions, then the code: refused with the reason (a promo problem), as in chat.
    _, discounts = await discounts_for(uow, now, cart, customer.id or 0, request.promo_code)
    delivery, point = await request_delivery(uow, request)
    shipping = request_money(request.shipping, cart.currency, "shipping")
    ids = [line.product.id or 0 for line in cart.lines]
    # As chat's checkout: orders of a product with a backorder limit take its terms in turn, and
    # what stock cannot cover waits (a backorder or preorder) when the product takes it.
    await uow.backorders.lock_terms(ids)
    await uow.stock.lock_products(ids)  # released, then reserved where routed: the lock order first
    for line in cart.lines:
        await release_expired_holds(uow, line.product.id or 0, now)
    levels = await uow.stock.levels(ids)
    try:
        routable, waiting = await routable_part(uow, cart, now, None, levels)
        to_pickup = delivery.method is not DeliveryMethod.COURIER
        decision, _ = await route_or_explain(uow, routable, None, point, levels, pickup=to_pickup)
        await reserve_routed(uow, routable, decision)  # another order may take the units first
    except (CartChanged, PreorderFull) as short:
        name, available = short.params["name"], short.params["available"]
        i, line = next((i, line) for i, line in enumerate(cart.lines) if line.product.display_name == name)
        what = "can be preordered" if isinstance(short, PreorderFull) else "available"
        reason = f"only {available} of {line.product.sku} {what} now"
        offer = (await offers(uow, [line.product.id or 0], shop_day(now, uow.timezone))).get(line.product.id or 0)
        if isinstance(short, CartChanged) and offer is not None and offer.room:  # else it would say "only 0"
            reason += f", and {offer.room} more can wait"
        raise ShortLine(field=f"lines.{i}.quantity", reason=reason) from None
    order = await place_cart(
        uow,
        cart,
        discounts,
        tax_rate=policy.tax_rate,
        customer_id=customer.id or 0,
        now=now,
        actor=f"api:{key.name}",
        shipping=shipping,
        families=families,
        channel=Channel.API,
        payment_method=payment,
        delivery=delivery,
        contact_phone=customer.phone or "",
        routing=[*decision.warehouse_codes, *decision.reasons],
        invoice_due=invoice_due_date(now, policy, customer) if payment is PaymentMethod.INVOICE else None,
        reference=order_reference(request.reference),  # on one line, as a chat's PO number: the invoice prints it
    )
    await check_credit(uow, customer, order)
    await keep_tax_numbers(uow, order, customer)
    await uow.orders.add(order)
    await count_code_use(uow, order, discounts, now)
    await allocation_rows(uow, order, decision, now)
    await record_backorders(uow, order, waiting, now)
    await _first_steps(uow, clock, order, request, key)
    if request.payment is PaymentState.INVOICE:  # issued: numbered last, after every other lock
        await number_invoice(uow, order, now)
    await _announce(uow, policy, customer, order, key, now)
    return order


async def _check_unpaid_cap(uow: UnitOfWork, policy: CheckoutPolicy, customer: Customer, state: PaymentState) -> None:
    """The chat's cap on unpaid orders, for an order the channel did not take payment for (cash on
    delivery, a payment link): a web shop's script could otherwise reserve the shop empty through
    the API. A business is not capped, as in chat: its invoices are bounded by its credit limit.
    The customer's checkouts on every channel take turns on their row, so they count each other."""
    if state not in (PaymentState.COD, PaymentState.LINK):
        return
    await uow.customers.lock(customer.id or 0)
    try:
        await check_unpaid_cap(uow, policy.max_unpaid_orders, customer, PAYMENTS[state], Channel.API)
    except TooManyUnpaidOrders as capped:
        count = capped.params["count"]
        reason = (
            f"the customer has {count} orders not yet paid (cash on delivery, or a card payment awaited), the most "
            "this shop takes at once; send it paid, or again once one of them is paid, collected or cancelled"
        )
        raise UnpaidCapReached(field="payment", reason=reason) from None


async def _first_steps(uow: UnitOfWork, clock: Clock, order: Order, request: ApiOrderRequest, key: ApiKey) -> None:
    """Paid at the channel: recorded and booked as cash; an invoice: a receivable; cash on
    delivery: booked when collected. All three are then allocated, ready to pick."""
    actor = f"api:{key.name}"
    if request.payment is PaymentState.PAID:
        reason = f"paid at {key.name}" + (f", {request.reference}" if request.reference else "")
        await apply_transition(uow, order, OrderStatus.PAID, clock=clock, actor=actor, reason=reason, notify=False)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, f"api:{key.name}", order.total, clock.now()))
        await book_sale(
            uow,
            order,
            clock.now(),
            debit=Account.CASH,
            memo=Memo.of(N_("sale {code} (paid at {key})"), code=order.code, key=key.name),
        )
    elif request.payment is PaymentState.INVOICE:
        due = order.invoice_due.isoformat() if order.invoice_due else ""
        await apply_transition(
            uow, order, OrderStatus.INVOICED, clock=clock, actor=actor, reason=f"due {due}", notify=False
        )
        await book_sale(
            uow,
            order,
            clock.now(),
            debit=Account.RECEIVABLE,
            memo=Memo.of(N_("sale {code} (invoice)"), code=order.code),
        )
    elif request.payment is PaymentState.LINK:  # allocated once paid, as a card order in chat
        reason = "payment link"
        await apply_transition(
            uow, order, OrderStatus.AWAITING_PAYMENT, clock=clock, actor=actor, reason=reason, notify=False
        )
        return
    await apply_transition(uow, order, OrderStatus.ALLOCATED, clock=clock, actor=actor, notify=False)


async def _announce(
    uow: UnitOfWork, policy: CheckoutPolicy, customer: Customer, order: Order, key: ApiKey, now: datetime
) -> None:
    told = for_customer(customer, "order_from_channel", {"code": order.code, "channel": key.name})
    if told is not None:  # they know the bot: they can follow the order there
        await uow.outbox.add(told, now)
    if policy.staff_chat_id is not None:
        params = {
            "code": order.code,
            "units": sum(line.quantity for line in order.lines),
            "total_minor": order.total.amount,
            "currency": order.currency,
            "payment": order.payment_terms,
            "paid_at": order.paid_at,  # "paid at web shop (WEB-1001)": no Telegram charge to refund
            "reference": order.reference,
            "channel": f"{order.channel.value} ({key.name})",
            "warehouses": ", ".join(order.routing[:1]),
            "vip": customer.is_vip,
        }
        await uow.outbox.add(Notification(policy.staff_chat_id, "staff_new_order", "", params), now)
