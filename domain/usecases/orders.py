"""Moving orders through their lifecycle (with a history row and a customer notification
for every step), and what a customer can see and do with their own orders."""

from __future__ import annotations

from dataclasses import dataclass

from domain.accounting import Account
from domain.backorders import BACKORDER_FLAG, BackorderStatus
from domain.credit_notes import ORDER_CANCELLED, OUT_OF_STOCK, Issued, credit_note_memo, issued, link
from domain.errors import DomainError, IllegalTransition, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money, allocated
from domain.notifications import Notification, for_customer
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.payments import Payment, PaymentKind, invoice_owed, paid_and_kept
from domain.ports import Clock, UnitOfWork
from domain.shortages import SHORT_FLAG
from domain.staff import Permission, can
from domain.usecases.backorder_fill import fill_backorders
from domain.usecases.bookkeeping import book_discount_change, book_refund, tax_held
from domain.usecases.callbacks import order_moved
from domain.usecases.credit_notes import credit_invoice
from domain.usecases.exchange_refunds import give_back_exchanged, lock_origin
from domain.usecases.pick_cancel import out_of_rounds
from domain.usecases.staff import require


class NotCancellable(DomainError):
    key = N_("Order {code} can no longer be cancelled: it is {status}.")


class ReturnInstead(NotCancellable):
    """Packed, or on its way: its goods left the shelves, so the way back is a return, not a cancel."""

    key = N_(
        "Order {code} can no longer be cancelled: it is {status}. Once it has arrived, the customer can return it "
        "from /orders (or refuse the parcel at the door)."
    )


class HeldReturnInstead(ReturnInstead):
    """On hold after a short at packing (or later): the rest of it is picked, so the way back is still a return;
    the missing part is its customer's to drop."""

    key = N_(
        "Order {code} can no longer be cancelled: it is on hold for an item missing at packing, the rest of it "
        "picked. The customer can drop the missing item under ⏳ Waiting for stock and, once the order has arrived, "
        "return it from /orders (or refuse the parcel at the door)."
    )


class HeldPickedForCustomer(NotCancellable):
    """``HeldReturnInstead`` said to the customer, what they can do themselves (an alert: at most 200 characters)."""

    key = N_(
        "Order {code} is on hold: an item went missing at packing and the rest is picked, so it cannot be "
        "cancelled. To drop that item, answer under ⏳ Waiting for stock; return the rest via /orders."
    )


class PickingNeedsManager(NotCancellable):
    key = N_(
        "Order {code} is being picked: only a manager can cancel it now (its picker is then told what to put back)."
    )


class AskTheShop(NotCancellable):
    """A customer's own cancel once picking began: refused, with the way out (the shop may still stop it)."""

    key = N_(
        "Order {code} is being picked, so it can no longer be cancelled here. To stop it, write to us with "
        "/support: the shop can still cancel it while it is being picked."
    )


class AskTheShopNoChat(AskTheShop):
    """``AskTheShop`` where the shop has no support chat, so no /support: the way out left is a return."""

    key = N_(
        "Order {code} is being picked, so it can no longer be cancelled. Once it has arrived, you can return it from "
        "/orders (or refuse the parcel at the door)."
    )


class HeldAskTheShop(AskTheShop):
    """``AskTheShop`` for an order held after a short pick: its question drops the missing part, the shop the rest."""

    key = N_(
        "Order {code} is on hold: part of it was not on the shelf. To drop that part, answer under ⏳ Waiting for "
        "stock; to cancel it all, write to us with /support."
    )


class HeldAskTheShopNoChat(AskTheShop):
    key = N_(
        "Order {code} is on hold: part of it was not on the shelf, so it can no longer be cancelled whole. To drop "
        "that part, answer under ⏳ Waiting for stock."
    )


def ask_the_shop(order: Order, *, support: bool) -> AskTheShop:
    """A customer's own cancel once picking began (or its short pick holds it); ``support``: the shop has a support
    chat to write to."""
    if order.status is OrderStatus.ON_HOLD:
        return HeldAskTheShop(code=order.code) if support else HeldAskTheShopNoChat(code=order.code)
    return AskTheShop(code=order.code) if support else AskTheShopNoChat(code=order.code)


class CancelledAlready(DomainError):
    key = N_("Order {code} is already cancelled.")


class MovedOnMeanwhile(NotCancellable):
    """The order moved on between reading it and cancelling it (a payment, a picker, staff)."""

    key = N_("Order {code} changed while it was being cancelled: it is {status} now, and nothing was cancelled.")


def moved_on(order: Order, refused: IllegalTransition) -> DomainError:
    """A cancel's compare-and-set lost: said with what the order is now, not the raw transition."""
    now = str(refused.params.get("current", order.status.value))
    if now == OrderStatus.CANCELLED.value:
        return CancelledAlready(code=order.code)
    return MovedOnMeanwhile(code=order.code, status=now)


# Picked whole, packed or on its way: a cancel is refused, and named the way out (a return).
_LEFT_THE_SHELVES = frozenset(
    {
        OrderStatus.PICKED,
        OrderStatus.PACKED,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
)
_PAID_ON = frozenset({OrderStatus.PAID, OrderStatus.ALLOCATED})  # where a card payment takes an order


class PaidMeanwhile(DomainError):
    key = N_(
        "Your payment for order {code} arrived as you cancelled it: the order is paid and being prepared, "
        "and nothing was cancelled. To cancel it and be refunded, press ✖ Cancel order again before it is picked, "
        "or write to us with /support."
    )


@dataclass(frozen=True, slots=True)
class OrdersPage:
    orders: list[Order]
    page: int
    pages: int


async def apply_transition(
    uow: UnitOfWork,
    order: Order,
    target: OrderStatus,
    *,
    clock: Clock,
    actor: str,
    reason: str = "",
    notify: bool = True,
) -> None:
    """Record the move; tell the customer unless they made it themselves (they see the reply).
    Cancelled, whoever cancels, the order gives back its promo code's use (the order keeps the
    code's name and discount as history)."""
    entry = order.transition(target, now=clock.now(), actor=actor, reason=reason)
    await uow.orders.record_transition(order, entry)
    await order_moved(uow, order, entry)  # the channel that placed it is told, with the move or not at all
    if target is OrderStatus.CANCELLED and order.flags & {BACKORDER_FLAG, SHORT_FLAG}:  # its parts wait no more
        for part in await uow.backorders.for_order(order.id or 0):
            if part.status is BackorderStatus.WAITING:  # sure to cancel: a fill, drop or answer locks the order first
                await uow.backorders.cancel(part.id or 0, part.quantity)
    if target is OrderStatus.CANCELLED and order.promo_code:  # a cancelled order used nothing: the use is free again
        code = await uow.promotions.code(order.promo_code)
        if code is not None and code.id is not None:
            await uow.promotions.change_code_use(code.id, order.id or 0, None)
    if not notify:
        return
    customer = await uow.customers.get(order.customer_id)
    params = {"code": order.code, "status": target.value, "reason": reason}
    told = for_customer(customer, "order_status", params)
    if told is not None and customer is not None and actor != f"customer:{customer.id}":
        await uow.outbox.add(told, clock.now())


async def transition_order(
    uow: UnitOfWork, clock: Clock, *, code: str, target: OrderStatus, actor: str, reason: str = ""
) -> Order:
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None:
            raise NotFound()
        await apply_transition(uow, order, target, clock=clock, actor=actor, reason=reason)
        await uow.commit()
        return order


async def my_orders(uow: UnitOfWork, *, customer_id: int, page: int, page_size: int) -> OrdersPage:
    async with uow.read_only():
        orders, total = await uow.orders.for_customer(customer_id, max(page, 0) * page_size, page_size)
    pages = max((total + page_size - 1) // page_size, 1)
    if page >= pages or page < 0:
        raise NotFound()
    return OrdersPage(orders, page, pages)


async def _own_order(uow: UnitOfWork, customer_id: int, code: str) -> Order:
    """Another customer's order is simply "not found": codes reveal nothing."""
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.customer_id != customer_id:
        raise NotFound()
    return order


async def my_order(uow: UnitOfWork, *, customer_id: int, code: str) -> Order:
    async with uow.read_only():
        return await _own_order(uow, customer_id, code)


async def release_allocations(uow: UnitOfWork, order: Order) -> dict[int, int | None]:
    """The order's stock goes back; returns product → a warehouse it went back to."""
    freed: dict[int, int | None] = {}
    for reservation in await uow.stock.order_reservations(order.id or 0):
        await uow.stock.release(reservation.product_id, reservation.warehouse_id, reservation.quantity)
        await uow.stock.delete_reservation(reservation)
        freed[reservation.product_id] = reservation.warehouse_id
    return freed


def _refunded_tax(order: Order, refund: Money, shipping: Money | None) -> Money:
    """The tax ``book_refund`` takes back with ``refund``, its ``shipping`` part first (as it splits it)."""
    zero = Money.zero(order.currency)
    carried = min(shipping, refund) if shipping is not None and shipping.amount > 0 else zero
    return order.included_tax(refund - carried) + order.included_tax(carried) if refund.amount else zero


def _shares(uow: UnitOfWork, *splits: tuple[int, Money, Money, Money]) -> list[int]:
    """For each (what the books hold in the base currency, of what whole, taken before, this part): the part's
    share of it (``domain.money.allocated``), so the parts of a cancellation take back exactly what was booked."""
    base = uow.base_currency
    return [allocated(Money(held, base), whole, before, part).amount for held, whole, before, part in splits]


def check_cancellable(order: Order, *, support: bool | None = None) -> None:
    """Refused with what the order is now: a button from an old message asks about the order
    as it was then (a "Cancel" pressed months later, the order delivered since). ``support``: asked for its
    customer (whose shop has a support chat, or not), an order being picked is refused with the way out."""
    if order.status is OrderStatus.CANCELLED:
        raise CancelledAlready(code=order.code)
    if support is not None and order.being_picked:
        raise ask_the_shop(order, support=support)
    if order.status is OrderStatus.ON_HOLD and order.held_from in _LEFT_THE_SHELVES:  # its goods left the shelves
        raise (HeldPickedForCustomer if support is not None else HeldReturnInstead)(code=order.code)
    if not (order.cancellable_by_customer or order.held_before_picking):
        raise NotCancellable(code=order.code, status=order.status.value)


async def cancel_my_order(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, staff_chat_id: int | None, support: bool = True
) -> Order:
    """Cancel before picking: stock goes back, a paid amount is recorded as a refund owed,
    the customer is told so, and the staff chat hears about it. ``support``: a support chat to point a customer
    refused mid-pick to (/support)."""
    async with uow:
        order = await _own_order(uow, customer_id, code)
        was = order.status
        check_cancellable(order, support=support)  # being picked: the shop's to stop now (a manager tells the picker)
        try:
            await cancel_before_picking(uow, clock, order, actor=f"customer:{customer_id}", staff_chat_id=staff_chat_id)
        except MovedOnMeanwhile:
            # The card payment landed between reading the order and cancelling it: the order
            # moved on (paid, allocated) and nothing was cancelled; said so, with the way on.
            now = await uow.orders.get_by_id(order.id or 0)
            if was is OrderStatus.AWAITING_PAYMENT and now is not None and now.status in _PAID_ON:
                raise PaidMeanwhile(code=order.code) from None
            if now is not None and now.being_picked:
                raise ask_the_shop(now, support=support) from None
            raise
        await uow.commit()
        return order


async def cancel_for_customer(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, staff_chat_id: int | None
) -> tuple[Order, Money | None]:
    """``/cancelorder``: staff cancel an order on its customer's behalf, as the customer could
    (before picking; what was paid owed back and booked, an invoice taken down by a credit
    note), and the customer is told it was staff. A manager may cancel it while it is being picked
    too, or on hold after a short pick (nothing of it shipped yet): the same cancellation, its waiting part
    cancelled with it, and its pickers told what to put back.
    Once picked whole it is refused, the way out named: a return. Returns the order and what it owes back."""
    member = await require(uow, staff_id, Permission.EDIT_ORDERS)
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None:
            raise NotFound()
        picking = order.being_picked
        if picking and not can(member, Permission.EDIT_STOCK):  # the warehouse's work undone: a manager's call
            raise PickingNeedsManager(code=order.code)
        if order.status in _LEFT_THE_SHELVES or (picking and await uow.parcels.for_order(order.id or 0)):
            raise ReturnInstead(code=order.code, status=order.status.value)
        actor, chat = f"staff:{staff_id}", staff_chat_id
        refund = await cancel_before_picking(uow, clock, order, actor=actor, staff_chat_id=chat, picking=picking)
        await uow.commit()
        return order, refund


async def cancel_before_picking(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    *,
    actor: str,
    staff_chat_id: int | None,
    held: bool = False,
    picking: bool = False,
) -> Money | None:
    """Inside an open unit of work: stock goes back, what was paid (card, API, or a business
    invoice settled by transfer) is recorded as a refund owed and the customer told so, an
    invoice's unpaid part is taken off the receivable by a credit note, and the staff chat
    hears about it. Refused
    once picking has started, unless the order is ``held`` for a short pick with nothing of
    it left to send, or a manager cancels it ``picking`` (being picked, or on hold from picking: its rounds then let
    it go, ``out_of_rounds``, and ``apply_transition`` its waiting parts).
    Returns what the customer is owed back (None: nothing)."""
    if order.status is OrderStatus.CANCELLED:
        raise CancelledAlready(code=order.code)
    if not held and not (picking and order.being_picked):
        check_cancellable(order)
    # The order row first, then stock rows: the order an edit locks them in (domain.usecases.
    # editing), so a cancel and an edit at once never deadlock on PostgreSQL.
    try:
        await apply_transition(uow, order, OrderStatus.CANCELLED, clock=clock, actor=actor, reason=actor.split(":")[0])
    except IllegalTransition as refused:  # moved on since it was read: nothing is cancelled
        raise moved_on(order, refused) from None
    if picking:  # under the order's row, as a picker's scan takes it: one of the two wins
        await out_of_rounds(uow, clock, order)
    await lock_origin(uow, order)  # a replacement: the order it replaces, before the counters
    freed = await release_allocations(uow, order)
    await fill_backorders(uow, clock.now(), freed)  # what it gave back goes to whoever waits for it
    given, notes = Money.zero(order.currency), list[Issued]()
    if "REPLACEMENT" in order.flags:  # the goods it was to replace came back: what they were paid
        given, notes = await give_back_exchanged(uow, order, order.lines, [], clock.now(), cancelled=True)
    paid = paid_and_kept(await uow.payments.for_order(order.id or 0), order.currency)
    # Nothing left, so the shipping the sale booked as income is given back as such (paid first).
    unshipped = order.shipping or Money.zero(order.currency)
    source, refund = f"order:{order.code}", paid + given if paid.amount or given.amount else None
    payments = await uow.payments.for_order(order.id or 0)
    # The sale was booked as a receivable when the invoice went out (checkout, intake), or, for a
    # card order, what its charge did not pay (an invoice paid after an edit raised the order).
    on_account = order.payment_method is PaymentMethod.INVOICE or (
        await uow.journal.credit_balance(source, Account.RECEIVABLE.value, uow.base_currency) < 0
    )
    unpaid = invoice_owed(order.total, payments) if on_account else Money.zero(order.currency)
    # Paid and unpaid parts together undo the whole sale: each takes back its share of the tax the
    # books hold, allocated from the cumulative total, so the two add up to it (each part's tax
    # converted apart left a penny in 2200).
    whole = paid + unpaid == order.total
    booked_tax = (await tax_held(uow, order))[1] if whole else 0
    # Likewise the shipping income (its part of each, paid first), so sales less returns is nothing too.
    shipping = order.shipping or Money.zero(order.currency)
    income = await uow.journal.credit_balance(source, Account.SHIPPING_INCOME.value, uow.base_currency) if whole else 0
    # The invoice falls by all it was: what was paid and what it still asked, on one document (a
    # short pick's hold cancelled: out of stock), which the entry taking it off the receivable names;
    # issued before either part is booked, so that it keeps the tax each takes back (``credited_tax``).
    why = OUT_OF_STOCK if held else ORDER_CANCELLED
    credited = await credit_invoice(uow, order, paid, unpaid, why, clock.now())
    own = issued(order.code, credited)
    if paid.amount:
        memo = Memo.of(N_("{code} cancelled"), code=order.code).within(N_("refund owed, {rest}"))
        shares = _shares(
            uow, (booked_tax, order.total, paid * 0, paid), (income, shipping, paid * 0, min(shipping, paid))
        )
        await book_refund(
            uow,
            order,
            paid,
            clock.now(),
            source=source,
            memo=memo,
            shipping=unshipped,
            tax_in_base=shares[0] if whole else None,
            shipping_in_base=shares[1] if whole else None,
            note=credited,
        )
        unshipped -= min(unshipped, paid)
        # What was paid is owed back: its row names the note.
        kind, method = PaymentKind.REFUND_OWED, order.payment_method.value
        await uow.payments.add(Payment(order.id or 0, kind, method, paid, clock.now(), credit_note_id=link(credited)))
    if unpaid.amount > 0:
        invoice = order.payment_method is PaymentMethod.INVOICE
        memo = Memo.of(N_("invoice {code} cancelled") if invoice else N_("{code} cancelled"), code=order.code)
        memo = credit_note_memo(memo, own)
        # The last part takes back the tax the first did not, in the order's currency as in the books.
        tax = shipping_tax = None
        carried = shipping - unshipped
        shares = _shares(uow, (booked_tax, order.total, paid, unpaid), (income, shipping, carried, unshipped))
        if whole:
            shipping_tax = order.included_tax(unshipped)
            tax = order.tax - _refunded_tax(order, paid, order.shipping) - shipping_tax
        await book_refund(
            uow,
            order,
            unpaid,
            clock.now(),
            source=source,
            memo=memo,
            credit=Account.RECEIVABLE,
            shipping=unshipped,
            goods_tax=tax,
            shipping_tax=shipping_tax,
            tax_in_base=shares[0] if whole else None,
            shipping_in_base=shares[1] if whole else None,
            note=credited,
        )
    notes = own + notes
    customer = await uow.customers.get(order.customer_id)
    if refund is not None:
        params = {"code": order.code, "refund_minor": refund.amount, "currency": order.currency, "credit_notes": notes}
        if (told := for_customer(customer, "order_refund_owed", params)) is not None:
            await uow.outbox.add(told, clock.now())
    elif own:  # nothing was paid: the customer hears their invoice is cancelled, its note with it
        params = {"code": order.code, "credit_minor": unpaid.amount, "owed_minor": 0, "currency": order.currency}
        params |= {"cancelled": True, "credit_notes": own}
        if (told := for_customer(customer, "invoice_reduced", params)) is not None:
            await uow.outbox.add(told, clock.now())
    if "REPLACEMENT" not in order.flags:  # all of it taken back at list price: it gives nothing off now
        await book_discount_change(
            uow, order, clock.now(), Memo.of(N_("discount of {code} cancelled"), code=order.code), order.discount * 0
        )
    if staff_chat_id is not None:
        await uow.outbox.add(
            Notification(
                chat_id=staff_chat_id,
                template="staff_order_cancelled",
                language="",
                params={
                    "code": order.code,
                    "refund_minor": refund.amount if refund else 0,
                    "currency": order.currency,
                    "by": actor,  # the customer, staff:ID or api:KEY
                },
            ),
            clock.now(),
        )
    return refund
