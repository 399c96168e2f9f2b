"""What a customer's /track shows of an order: its parcels, an invoice's or a card order's balance, and its
returns with where each one's refund (or replacement) stands, and money owed back outside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.credit_notes import CreditNote
from domain.debit_notes import DebitNote
from domain.editing import balance_due
from domain.errors import NotFound
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.owed_back import RETURN_MARK, owed_back
from domain.parcels import Parcel, tracking_page
from domain.payments import Payment, PaymentKind, invoice_owed
from domain.ports import UnitOfWork
from domain.returns import ReturnRequest
from domain.usecases.backorder_fill import charged_total
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.goodwill import TIMELINE_MARK
from domain.usecases.return_handling import refund_marker


@dataclass(frozen=True, slots=True)
class ReturnState:
    """One return as its customer follows it: the request, whether its refund was paid back,
    and the code of the order an exchange sent in its place."""

    request: ReturnRequest
    refund_paid: bool = False
    replacement_code: str = ""


@dataclass(frozen=True, slots=True)
class OrderTracking:
    order: Order
    parcels: list[Parcel] = field(default_factory=list)
    invoice_left: Money | None = None  # an invoice not yet settled: what it still asks for
    returns: list[ReturnState] = field(default_factory=list)
    refund_pending: Money | None = None  # owed back outside the returns (an edit, a cancellation), not yet paid
    refunded: Money | None = None  # paid back outside the returns
    # A paid card order an edit raised (its invoice paid after the edit, or the difference not
    # yet paid): what is left, paid with the order's "Pay the difference" button.
    card_left: Money | None = None
    # The sales channel that took the order's money, when ``card_left`` is owed there (an edit made before such
    # edits were refused): only that channel takes it, so no "Pay the difference" is offered for it.
    card_left_at: str | None = None
    links: dict[int, str] = field(default_factory=dict)  # a parcel's seq → its carrier's tracking page
    # The timeline's goodwill refunds (/refund): the entry's place in the order's history → what was given.
    goodwill: dict[int, Money] = field(default_factory=dict)
    credit_notes: list[CreditNote] = field(default_factory=list)  # what corrects its receipt, as /receipt sends them
    debit_notes: list[DebitNote] = field(default_factory=list)  # what adds to its invoice, as /receipt sends them
    # An exchange's other variant (its product id) → its option values, as the card's buttons read
    # them ("M / Navy"): the customer chose it by those, never saw its SKU.
    swaps: dict[int, str] = field(default_factory=dict)
    # The same in each language the variant's options are translated into (``options_ru``): id → language → words.
    swaps_translated: dict[int, dict[str, str]] = field(default_factory=dict)

    def swap_named(self, product_id: int, language: str) -> str | None:
        """The variant exchanged for as the card names it to a reader of ``language``."""
        return self.swaps_translated.get(product_id, {}).get(language) or self.swaps.get(product_id)


def goodwill_on_timeline(order: Order, payments: list[Payment]) -> dict[int, Money]:
    """Each goodwill refund's timeline entry (its place in the history) and its amount: the one the entry
    carries. An entry written before entries carried one (migration 0058) takes the payment row of its
    place: ``give_goodwill`` writes one entry and one payment row in one transaction, both in the order
    they were given, so the n-th entry is the n-th row (their times may be equal)."""
    given = iter(p.amount for p in payments if p.kind is PaymentKind.GOODWILL)
    found: dict[int, Money] = {}
    for place, entry in enumerate(order.history):
        if entry.from_status == entry.to_status and entry.reason.startswith(TIMELINE_MARK):
            paired = next(given, None)
            if (amount := entry.amount or paired) is not None:
                found[place] = amount
    return found


# An order not paid yet is paid whole with its own invoice (💳 Pay); a cancelled one owes nothing.
_NOTHING_DUE_YET = (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED)


async def my_order_tracking(uow: UnitOfWork, *, customer_id: int, code: str) -> OrderTracking:
    """A customer's order (another customer's: not found) with everything that happened to it
    after it was placed: parcels, the invoice's balance, returns and refunds."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None or order.customer_id != customer_id:
            raise NotFound()
        payments = await uow.payments.for_order(order.id)
        left = None
        if order.payment_method is PaymentMethod.INVOICE and order.status is not OrderStatus.CANCELLED:
            owed = invoice_owed(order.total, payments)
            left = owed if owed.amount > 0 else None
        card_left = None
        if order.payment_method is PaymentMethod.CARD and order.status not in _NOTHING_DUE_YET:
            due = balance_due(order, payments, await charged_total(uow, order))
            card_left = due if due.amount > 0 else None
        card_left_at = await paid_at_channel(uow, order) if card_left is not None else None
        requests = await uow.returns.for_order(order.id)
        paid_markers = {p.method for p in payments if p.kind is PaymentKind.REFUNDED}
        states = []
        for request in requests:
            replacement = ""
            if request.replacement_order_id is not None:
                placed = await uow.orders.get_by_id(request.replacement_order_id)
                replacement = placed.code if placed else ""
            paid = refund_marker(request.rma_code) in paid_markers
            states.append(ReturnState(request, refund_paid=paid, replacement_code=replacement))
        pending = owed_back(order.currency, payments, requests)
        refunded = sum(
            p.amount.amount for p in payments if p.kind is PaymentKind.REFUNDED and not p.method.startswith(RETURN_MARK)
        )
        parcels = await uow.parcels.for_order(order.id)
        return OrderTracking(
            order,
            parcels,
            left,
            states,
            pending if pending.amount > 0 else None,
            Money(refunded, order.currency) if refunded > 0 else None,
            card_left,
            card_left_at,
            await _links(uow, parcels),
            goodwill_on_timeline(order, payments),
            await uow.credit_notes.for_order(order.id),
            await uow.debit_notes.for_order(order.id),
            *await _swaps(uow, requests),
        )


async def _swaps(uow: UnitOfWork, requests: list[ReturnRequest]) -> tuple[dict[int, str], dict[int, dict[str, str]]]:
    wanted = sorted({line.swap_product_id for r in requests for line in r.lines if line.swap_product_id})
    if not wanted:
        return {}, {}
    found = [p for p in await uow.products.get_many(wanted) if p.id is not None]
    named = {p.id or 0: p.variant_label or p.name for p in found}
    translated = {
        p.id or 0: {t[0]: words for t in p.option_translations if (words := p.in_language(t[0]).variant_label)}
        for p in found
    }
    return named, translated


async def _links(uow: UnitOfWork, parcels: list[Parcel]) -> dict[int, str]:
    """Each parcel's tracking page, as the "shipped" message links it."""
    if not parcels:
        return {}
    rates = await uow.carriers.all()
    return {p.seq: link for p in parcels if (link := tracking_page(rates, p))}
