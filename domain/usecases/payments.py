"""Telegram Payments: checking a pre-checkout query, recording a successful payment once."""

from __future__ import annotations

from datetime import timedelta

from domain.accounting import Account
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.payments import PAYMENT_NOTE, Payment, PaymentKind, amount_paid, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.backorder_fill import due_on
from domain.usecases.bookkeeping import book, book_invoice_paid
from domain.usecases.card_charges import book_balance_charge, book_first_charge
from domain.usecases.orders import apply_transition
from domain.usecases.staff import require

INVOICE_PAYLOAD_PREFIX = "order:"
REPEAT_WINDOW = timedelta(minutes=5)  # the same /paid again within it is asked about, not recorded


class PaymentRefused(DomainError):
    key = N_("This order cannot be paid any more. Please check /orders.")


class AmountChanged(DomainError):
    key = N_("The amount to pay has changed. Please open the order again.")


def invoice_payload(order: Order) -> str:
    return f"{INVOICE_PAYLOAD_PREFIX}{order.code}"


def order_code_from_payload(payload: str) -> str:
    if not payload.startswith(INVOICE_PAYLOAD_PREFIX):
        raise NotFound()
    return normalize_order_code(payload.removeprefix(INVOICE_PAYLOAD_PREFIX))


async def order_to_pay(uow: UnitOfWork, *, customer_id: int, code: str) -> Order:
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.customer_id != customer_id:
        raise NotFound()
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        raise PaymentRefused()
    return order


# Paid already, not yet shipped: a total that rose (an edited order) is paid by a link for the difference.
TOP_UP_STATUSES = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.ALLOCATED,
        OrderStatus.PICKING,
        OrderStatus.PICKED,
        OrderStatus.PACKED,
        OrderStatus.ON_HOLD,
    }
)


def payable(order: Order) -> bool:
    """A card order still awaiting payment, or one with a balance to pay before it leaves."""
    return order.payment_method is PaymentMethod.CARD and (
        order.status is OrderStatus.AWAITING_PAYMENT or order.status in TOP_UP_STATUSES
    )


async def check_pre_checkout(uow: UnitOfWork, *, payload: str, amount: int, currency: str) -> Order:
    """Telegram asks before charging: the order must still await payment with its stock
    allocated (or owe a balance before it leaves), for exactly what is due, in its currency."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(order_code_from_payload(payload))
        if order is None or not payable(order):
            raise PaymentRefused()
        if order.status is OrderStatus.AWAITING_PAYMENT and not await uow.stock.order_reservations(order.id or 0):
            raise PaymentRefused()
        due = await due_on(uow, order, await uow.payments.for_order(order.id or 0))
    if due.amount == 0:
        raise PaymentRefused()
    if Money(amount, currency) != due:
        raise AmountChanged()
    return order


async def record_card_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    payload: str,
    amount: int,
    currency: str,
    telegram_charge_id: str,
    provider_charge_id: str | None,
    staff_chat_id: int | None = None,
) -> tuple[Order, bool, Money]:
    """Mark the order paid and ready to fulfil. Idempotent on the Telegram charge id:
    a redelivered update returns ``(order, False, nothing)`` and changes nothing. The third
    value is what the order still asks after the charge: an invoice paid after an edit raised
    the order (sent before it, paid after) pays less than it now costs; one paid after an edit
    lowered it pays more, and the excess (below zero here) is owed back.

    Paid once, recorded once: a second charge for an order with nothing left to pay (the
    same link paid twice, on two devices) is no payment: it is recorded as owed back to the
    customer, booked as such, and both the customer and the staff chat are told."""
    async with uow:
        found = await uow.orders.get_by_code(order_code_from_payload(payload))
        if found is None or found.id is None:
            raise NotFound()
        # Locking the order's row first makes a concurrent charge for it wait for this one's
        # commit on PostgreSQL (SQLite's write transactions are serialized already), so the
        # two cannot both see the order unpaid. A lock, not a write of the flags read above:
        # a waiting part filled meanwhile had its "waiting" written back, and the whole order
        # was never picked.
        await uow.parcels.lock_order(found.id)
        order = await uow.orders.get_by_id(found.id) or found
        earlier = await uow.payments.for_order(found.id)
        due = await due_on(uow, order, earlier)
        charged = Money(amount, currency)
        nothing = Money.zero(order.currency)
        if due.amount == 0 or order.status is OrderStatus.CANCELLED or currency != order.currency:
            if await record_duplicate(
                uow, clock, order, charged, telegram_charge_id, provider_charge_id, staff_chat_id
            ):
                await uow.commit()
            return order, False, nothing
        paid = Payment(
            found.id,
            PaymentKind.PAYMENT,
            PaymentMethod.CARD.value,
            charged,
            clock.now(),
            telegram_charge_id,
            provider_charge_id,
        )
        if not await uow.payments.add(paid):
            return order, False, nothing
        first = amount_paid(earlier, order.currency).amount == 0
        if first:
            await book_first_charge(uow, order, charged, due, paid.at)
        if due < charged:  # an invoice sent before an edit lowered the order, paid after it: owed back
            excess = charged - due
            await uow.payments.add(
                Payment(found.id, PaymentKind.REFUND_OWED, PaymentMethod.CARD.value, excess, paid.at)
            )
            memo = Memo.of(
                N_("order {code} charged {paid} for {due}: to refund"), code=order.code, paid=charged, due=due
            )
            source = f"order:{order.code}"
            await book(uow, paid.at, source, memo, excess, Account.CASH, Account.REFUNDS_PAYABLE, fx_rate=order.fx_rate)
        if order.status is OrderStatus.AWAITING_PAYMENT:
            await apply_transition(
                uow, order, OrderStatus.PAID, clock=clock, actor="system", reason=telegram_charge_id, notify=False
            )
            await apply_transition(uow, order, OrderStatus.ALLOCATED, clock=clock, actor="system", notify=False)
        elif not first:
            # A rise paid by the order's own invoice (its amount the same, open on another device):
            # sold now, as the edit's own invoice books it; nothing of a card order is on account.
            # Only what was due is sold: a charge beyond it was owed back above.
            memo = Memo.of(N_("balance of order {code} paid by card"), code=order.code)
            await book_balance_charge(uow, order, min(charged, due), paid.at, memo)
        await uow.commit()
        return order, True, due - charged


async def record_duplicate(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    charged: Money,
    charge_id: str,
    provider_charge_id: str | None,
    staff_chat_id: int | None,
) -> bool:
    """Inside an open unit of work: a charge for an order with nothing left to pay is no
    payment but money owed back whole. False when this charge is recorded already."""
    extra = Payment(order.id or 0, PaymentKind.DUPLICATE, "card", charged, clock.now(), charge_id, provider_charge_id)
    if not await uow.payments.add(extra):
        return False
    await _owe_back(uow, clock, order, charged, charge_id, staff_chat_id)
    return True


async def record_excess(
    uow: UnitOfWork, clock: Clock, order: Order, excess: Money, due: Money, provider_charge_id: str | None
) -> None:
    """Inside an open unit of work: a charge larger than what the order asked when it came (an edit lowered it
    after the invoice was sent) paid ``due``; the rest is no payment but money owed back, told as such."""
    extra = Payment(order.id or 0, PaymentKind.DUPLICATE, "card", excess, clock.now(), None, provider_charge_id)
    await uow.payments.add(extra)
    await _owe_back(uow, clock, order, excess, provider_charge_id or "", None, due=due)


async def _owe_back(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    charged: Money,
    charge_id: str,
    staff_chat: int | None,
    due: Money | None = None,
) -> None:
    now = clock.now()
    await book(
        uow,
        now,
        f"order:{order.code}",
        Memo.of(N_("order {code} paid again ({charge}): to refund"), code=order.code, charge=charge_id),
        charged,
        Account.CASH,
        Account.REFUNDS_PAYABLE,
        fx_rate=order.fx_rate,
    )
    customer = await uow.customers.get(order.customer_id)
    params: dict[str, object] = {"code": order.code, "amount_minor": charged.amount, "currency": charged.currency}
    if due is not None:  # a part of the charge only: what the order asked is named
        params["due_minor"] = due.amount
    told = for_customer(customer, "payment_duplicate", params)
    if told is not None:
        await uow.outbox.add(told, now)
    if staff_chat is not None:
        params = {"code": order.code, "amount_minor": charged.amount, "currency": charged.currency, "charge": charge_id}
        await uow.outbox.add(Notification(staff_chat, "staff_payment_duplicate", "", params), now)


async def record_invoice_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    staff_id: int,
    code: str,
    amount: str = "",
    minor: int | None = None,
    seen: int | None = None,
    note: str = "",
) -> tuple[Order, Money, Money, str]:
    """A business customer paid their invoice (bank transfer), whole or a part of it (``amount``,
    as typed, in the order's currency): staff record it; reminders stop once nothing is left.
    What it asks for is its total less what was paid and any parts no longer sent (credit
    notes). Returns the order, what was recorded, what is still to pay and the note kept. The same amount as a
    payment recorded on it within ``REPEAT_WINDOW`` (a /paid sent twice) is asked about
    (``PaymentRepeated``); recorded when confirmed with ``seen``, the payments the question counted
    (``minor``, the amount it asked about; an order paid since, or the question answered already,
    is refused: ``RepeatOutOfDate``). ``note``, what staff typed after the amount (a transfer's
    reference), is kept with the payment; a repeat with another note is another transfer, not asked
    about, and one confirmed keeps the note of the payment it repeats."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        if order.payment_method is not PaymentMethod.INVOICE or order.status is OrderStatus.CANCELLED:
            raise NotAnInvoice(code=order.code)
        # Two staff recording it at once (or a double send): the second waits here, then reads
        # the first one's payment. Without it PostgreSQL recorded and booked the invoice paid twice.
        await uow.parcels.lock_order(order.id)
        # Read again under the lock: an order cancelled meanwhile took a transfer on PostgreSQL.
        fresh = await uow.orders.get_by_id(order.id)
        if fresh is None or fresh.id is None or fresh.status is OrderStatus.CANCELLED:
            raise NotAnInvoice(code=order.code)
        order = fresh
        assert order.id is not None
        owed = invoice_owed(order.total, await uow.payments.for_order(order.id))
        if owed.amount <= 0:
            raise InvoiceAlreadyPaid(code=order.code)
        paid = Money.parse_typed(amount, order.currency) if amount.strip() else owed
        paid = Money(minor, order.currency) if minor is not None else paid  # as the question showed it
        if paid.amount <= 0:
            raise PaymentNotPositive()
        if owed < paid:  # what is over the invoice is not a payment of it: staff check and type again
            raise PaymentOverInvoice(code=order.code, owed=owed, amount=paid)
        payments = [p for p in await uow.payments.for_order(order.id) if p.kind is PaymentKind.PAYMENT]
        if seen is not None and seen != len(payments):
            raise RepeatOutOfDate(code=order.code)
        now = clock.now()
        kept = " ".join(note.split())[:PAYMENT_NOTE]
        if seen is not None:  # the question was about the latest payment of this amount: its note goes on
            kept = next((p.note for p in reversed(payments) if p.amount == paid), kept)
        elif any(p.amount == paid and p.note == kept and now - p.at <= REPEAT_WINDOW for p in payments):
            raise PaymentRepeated(code=order.code, amount=paid, seen=len(payments))
        invoice = PaymentMethod.INVOICE.value
        await uow.payments.add(Payment(order.id, PaymentKind.PAYMENT, invoice, paid, clock.now(), note=kept))
        await book_invoice_paid(uow, order, paid, owed, clock.now(), note=kept)
        await _tell_buyer_paid(uow, order, paid, owed - paid, staff_id, clock)
        await uow.commit()
        return order, paid, owed - paid, kept


async def _tell_buyer_paid(
    uow: UnitOfWork, order: Order, paid: Money, left: Money, staff_id: int, clock: Clock
) -> None:
    """The buyer hears what came in, what is left (or that it is paid in full) and the invoice's number, in
    the payment's transaction: once a payment, as a /paid refused (already paid) records and says nothing.
    Not a staff member recording their own order's payment: they read it in the reply."""
    customer = await uow.customers.get(order.customer_id)
    if customer is None or customer.telegram_id == staff_id:
        return
    params = {"code": order.code, "paid_minor": paid.amount, "left_minor": left.amount, "currency": paid.currency}
    params["invoice"] = order.invoice_label or ""
    if (told := for_customer(customer, "invoice_payment_received", params)) is not None:
        await uow.outbox.add(told, clock.now())


class PaymentRepeated(DomainError):
    key = N_(
        "A payment of {amount} was recorded for order {code} a few minutes ago. "
        "Record another {amount} payment for {code}?"
    )


class RepeatOutOfDate(DomainError):
    key = N_(
        "This question is out of date: order {code}'s payments changed since. Nothing was recorded; see /order {code}."
    )


class PaymentNotPositive(DomainError):
    key = N_("A payment is more than zero. Nothing was recorded.")


class PaymentOverInvoice(DomainError):
    key = N_(
        "The invoice for order {code} asks for {owed}; a payment of {amount} is more than that. Nothing was recorded."
    )


class NotAnInvoice(DomainError):
    key = N_("Order {code} is not an open invoice.")


class InvoiceAlreadyPaid(DomainError):
    key = N_("The invoice for order {code} is already paid.")
