"""Editing an order before picking: who may and until when, what changed, and what it costs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, OrderLine, OrderStatus, PaymentMethod
from domain.payments import Payment, PaymentKind, amount_paid, invoice_owed, within_what_was_paid
from domain.pricing import NO_TERMS, OrderingTerms

S = OrderStatus
# Nothing of the order has been touched in the warehouse yet: stock may be moved freely.
EDITABLE = frozenset({S.PLACED, S.AWAITING_PAYMENT, S.PAID, S.INVOICED, S.ALLOCATED})
PREPARING = frozenset({S.PICKING, S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED})
MAX_EDIT_QUANTITY = 9_999  # as much as a cart takes (domain.usecases.cart): a business's 5,000 may become 4,800


class PickingStarted(DomainError):
    key = N_("Order {code} can no longer be changed: picking has started. Nothing was changed.")


class NotEditable(DomainError):
    key = N_("Order {code} can no longer be changed: it is {status}. Nothing was changed.")


class EditWindowClosed(DomainError):
    key = N_(
        "Order {code} can be changed only within {minutes} minutes of placing it. Nothing was changed; "
        "please contact us."
    )


class EditConflict(DomainError):
    key = N_("Order {code} was changed by someone else a moment ago. Nothing was changed; please look at it again.")


class NothingToChange(DomainError):
    key = N_("Order {code} already is like that: nothing to change.")


class BadEditQuantity(DomainError):
    key = N_("Quantity must be a whole number from 0 (remove the line) to {maximum}.")


class ExchangedLineRaised(DomainError):
    key = N_("{name} was sent in exchange for goods returned: it can be lowered, not raised. Nothing was changed.")


@dataclass(frozen=True, slots=True)
class LineChange:
    """Set a product's quantity on the order: 0 removes the line, a product not on it is added."""

    product_id: int
    quantity: int
    # A ➖/➕ press (or "add one"): a step from the line's quantity towards ``quantity``, which
    # lands on the next quantity the customer's price list allows that way (whole packs).
    step: bool = False


@dataclass(frozen=True, slots=True)
class OrderChanges:
    lines: tuple[LineChange, ...] = ()
    delivery: Delivery | None = None  # a new address or method; None keeps the order's
    by_sku: tuple[tuple[str, int], ...] = ()  # as staff type them: (SKU, quantity)
    pickup_code: str = ""  # pick up at this warehouse instead


@dataclass(frozen=True, slots=True)
class LineDiff:
    sku: str
    name: str
    before: int  # 0: added
    after: int  # 0: removed
    names: Mapping[str, str] = field(default_factory=dict, hash=False)  # as ``OrderLine.names``


@dataclass(frozen=True, slots=True)
class EditDiff:
    """What an edit changed, as both sides are told it (not the whole order again)."""

    code: str
    lines: tuple[LineDiff, ...]
    delivery_before: tuple[str, str]  # (method, address or pickup point's name)
    delivery_after: tuple[str, str]
    shipping_before: Money
    shipping_after: Money
    total_before: Money
    total_after: Money
    discount_before: Money | None = None  # None: as zero
    discount_after: Money | None = None
    promo_dropped: str = ""  # the order's promo code, when the edit left it no longer applying
    promo_minimum: Money | None = None  # …because the goods fell under its minimum

    @property
    def empty(self) -> bool:
        return not self.lines and self.delivery_before == self.delivery_after and self.total_before == self.total_after

    def _minor(self, money: Money | None) -> int:
        return money.amount if money is not None else 0

    def summary(self) -> str:
        """One line for the order's history (staff read it; English like other history reasons)."""
        parts = [f"{d.sku} {d.before}→{d.after}" for d in self.lines]
        if self.delivery_before != self.delivery_after:
            parts.append(f"delivery {' '.join(self.delivery_before)} → {' '.join(self.delivery_after)}")
        if self._minor(self.discount_before) != self._minor(self.discount_after):
            parts.append(f"discounts {self.discount_before} → {self.discount_after}")
        if self.promo_dropped:
            parts.append(f"promo code {self.promo_dropped} dropped")
        parts.append(f"total {self.total_before} → {self.total_after}")
        return "edited: " + "; ".join(parts)

    def in_language(self, language: str) -> EditDiff:
        """A copy whose lines are named in ``language`` as the order's are (``OrderLine.named_in``)."""
        named = tuple(replace(d, name=d.names.get(language) or d.name) for d in self.lines)
        return replace(self, lines=named)

    def params(self) -> dict[str, Any]:
        """Plain JSON values: the message waits in the outbox."""
        return {
            "code": self.code,
            "currency": self.total_after.currency,
            "lines": [{"name": d.name, "before": d.before, "after": d.after} for d in self.lines],
            "delivery_before": list(self.delivery_before),
            "delivery_after": list(self.delivery_after),
            "shipping_before_minor": self.shipping_before.amount,
            "shipping_after_minor": self.shipping_after.amount,
            "total_before_minor": self.total_before.amount,
            "total_after_minor": self.total_after.amount,
            "discount_before_minor": self._minor(self.discount_before),
            "discount_after_minor": self._minor(self.discount_after),
            "promo_dropped": self.promo_dropped,
            "promo_minimum_minor": self._minor(self.promo_minimum),
        }


def delivery_text(delivery: Delivery | None, pickup_names: dict[int, str]) -> tuple[str, str]:
    if delivery is None:
        return ("", "")
    if delivery.method is DeliveryMethod.PICKUP:
        return ("pickup", pickup_names.get(delivery.pickup_warehouse_id or 0, ""))
    return ("courier", delivery.address)


def diff_orders(before: Order, after: Order, pickup_names: dict[int, str]) -> EditDiff:
    old = {line.product_id: line for line in before.lines}
    new = {line.product_id: line for line in after.lines}
    lines = []
    for product_id in [*old, *(p for p in new if p not in old)]:
        was, now = old.get(product_id), new.get(product_id)
        quantity_before, quantity_after = was.quantity if was else 0, now.quantity if now else 0
        if quantity_before != quantity_after:
            line = now or was
            assert line is not None
            lines.append(LineDiff(line.sku, line.name, quantity_before, quantity_after, line.names))
    zero = Money.zero(before.currency)
    return EditDiff(
        before.code,
        tuple(lines),
        delivery_text(before.delivery, pickup_names),
        delivery_text(after.delivery, pickup_names),
        before.shipping or zero,
        after.shipping or zero,
        before.total,
        after.total,
        before.discount,
        after.discount,
    )


def changed_lines(
    lines: list[OrderLine], changes: tuple[LineChange, ...], added: dict[int, OrderLine], language: str = ""
) -> list[OrderLine]:
    """The order's lines after the changes: kept lines keep the price they were sold at (and
    their discount, per unit, never for more units than it was given for); an added product
    comes at today's price (``added``, already priced in the order currency). A line sent in
    exchange (``paid_minor`` kept) may only be lowered — its price is the swap's difference, so
    units added would go out free — and keeps what its units left were paid (``exchange_kept``)."""
    wanted = {change.product_id: change.quantity for change in changes}
    for quantity in wanted.values():
        if not 0 <= quantity <= MAX_EDIT_QUANTITY:
            raise BadEditQuantity(maximum=MAX_EDIT_QUANTITY)
    result = []
    for line in lines:
        quantity = wanted.pop(line.product_id, line.quantity)
        if line.paid_minor is not None and quantity > line.quantity:
            raise ExchangedLineRaised(name=line.named_in(language))
        if quantity:
            # A kept line keeps its discount per unit, rounded down: an edit never discounts more.
            kept = line.discount_minor * min(quantity, line.quantity) // line.quantity
            result.append(
                replace(line, quantity=quantity, discount_minor=kept, paid_minor=exchange_kept(line, quantity))
            )
    for product_id, quantity in wanted.items():
        if quantity:
            template = added[product_id]
            result.append(replace(template, product_id=product_id, quantity=quantity))
    return result


def exchange_kept(line: OrderLine, quantity: int) -> int | None:
    """What ``quantity`` of a line sent in exchange stand for of what all its units were paid:
    the units taken off take their share first (``domain.returns.share``, rounded down), so what
    they give back and what a later refund of the rest gives add up to exactly what was paid."""
    if line.paid_minor is None or line.quantity <= 0:
        return line.paid_minor
    return line.paid_minor - line.paid_minor * (line.quantity - min(quantity, line.quantity)) // line.quantity


def exchange_given_back(before: list[OrderLine], after: list[OrderLine]) -> int:
    """What an edit owes back, beyond its own total, for units sent in exchange it took off:
    their share of what they were paid (on the order they were returned from, and since), less
    what the replacement itself charged for them, which leaves its total with them."""
    kept = {line.product_id: line for line in after}
    owed = 0
    for line in before:
        if line.paid_minor is None:
            continue
        now = kept.get(line.product_id)
        paid_now = now.paid_minor or 0 if now is not None else 0
        net_now = now.net.amount if now is not None else 0
        owed += max((line.paid_minor - paid_now) - (line.net.amount - net_now), 0)
    return owed


def stepped(
    lines: list[OrderLine], changes: tuple[LineChange, ...], terms: Mapping[int, tuple[str, OrderingTerms]]
) -> tuple[LineChange, ...]:
    """Steps made quantities: up to the next allowed one above the line's (the minimum for a
    line not on the order), down to the next below (0 under the minimum), as the cart's ➖/➕."""
    before = {line.product_id: line.quantity for line in lines}
    result = []
    for change in changes:
        was, rule = before.get(change.product_id, 0), terms.get(change.product_id, ("", NO_TERMS))[1]
        if change.step and change.quantity > was:
            change = LineChange(change.product_id, rule.up(was))
        elif change.step and change.quantity < was:
            change = LineChange(change.product_id, rule.down(was))
        result.append(change)
    return tuple(result)


def check_terms(
    lines: list[OrderLine], changes: tuple[LineChange, ...], terms: Mapping[int, tuple[str, OrderingTerms]]
) -> None:
    """A line the edit adds or whose quantity it changes follows the customer's price list
    (at least its minimum, whole packs) as a cart's line does, refused with the same message;
    removing a line, or leaving one as it was sold, is always allowed. ``terms``: per product,
    its name and terms (a product missing has none)."""
    before = {line.product_id: line.quantity for line in lines}
    wanted = {change.product_id: change.quantity for change in changes}
    for product_id, quantity in wanted.items():
        if quantity and quantity != before.get(product_id, 0):
            name, rule = terms.get(product_id, ("", NO_TERMS))
            rule.check(quantity, name)


def check_editable(order: Order, *, now: datetime, by_customer: bool, window_minutes: int) -> None:
    """Staff may edit until picking starts; the customer only within the shop's window too."""
    if order.status in PREPARING or (order.status is S.ON_HOLD and order.held_from in PREPARING):
        raise PickingStarted(code=order.code)
    if order.status not in EDITABLE:
        raise NotEditable(code=order.code, status=order.status.value)
    if by_customer and not customer_may_edit(order, now, window_minutes):
        raise EditWindowClosed(code=order.code, minutes=window_minutes)


def customer_may_edit(order: Order, now: datetime, window_minutes: int) -> bool:
    if order.status not in EDITABLE or window_minutes <= 0 or order.created_at is None:
        return False
    return now < order.created_at + timedelta(minutes=window_minutes)


@dataclass(frozen=True, slots=True)
class Settlement:
    """What an edit does to the money: to collect now (a card order already paid), a refund
    owed, or the invoice's receivable moved up (``receivable``) or down (``credit_note``)."""

    charge: Money
    refund: Money
    receivable: Money
    credit_note: Money
    emptied: bool = False  # the refund is all that was paid and kept: a goodwill refund took the rest


def settle(order: Order, total_before: Money, payments: list[Payment]) -> Settlement:
    """Cash on delivery and unpaid card orders simply have a new total to pay."""
    zero = Money.zero(order.currency)
    paid = amount_paid(payments, order.currency)
    if order.payment_method is PaymentMethod.INVOICE:
        delta = order.total - total_before
        if delta.amount >= 0:
            return Settlement(zero, zero, delta, zero)
        unpaid = invoice_owed(total_before, payments)  # less parts already credited
        credit = Money(min(-delta.amount, unpaid.amount), order.currency)
        fall = Money(-delta.amount, order.currency) - credit
        refund = within_what_was_paid(fall, payments)
        return Settlement(zero, refund, zero, credit, refund != fall)
    if order.payment_method is PaymentMethod.CARD and paid.amount:
        due = balance_due(order, payments)
        if due.amount > 0:
            return Settlement(due, zero, zero, zero)
        # A goodwill refund gave from what was paid: the fall is owed back only from what it left.
        refund = within_what_was_paid(Money(-due.amount, order.currency), payments)
        return Settlement(zero, refund, zero, zero, refund.amount != -due.amount)
    return Settlement(zero, zero, zero, zero)


def balance_due(order: Order, payments: list[Payment], charged: Money | None = None) -> Money:
    """What a paid card order's customer still owes (negative: what is owed back to them),
    counting the refunds already owed; ``charged``: what the order charges when not its total
    (less a short pick's dropped part, whose refund owed is not due again)."""
    paid = amount_paid(payments, order.currency)
    owed = sum(p.amount.amount for p in payments if p.kind is PaymentKind.REFUND_OWED)
    return Money((charged or order.total).amount - paid.amount + owed, order.currency)


class ChannelPaidRise(DomainError):
    """The customer's edit of an order another channel took payment for, costing more: Telegram cannot take it."""

    key = N_(
        "Order {code} was paid at {channel}, so the {amount} more this change costs cannot be paid here. Nothing was "
        "changed: ask us (💬 Contact us) and we will settle it with you."
    )


class ChannelPaidRiseNoChat(DomainError):
    """``ChannelPaidRise`` where the shop has no support chat, so no 💬 Contact us: asked where they paid."""

    key = N_(
        "Order {code} was paid at {channel}, so the {amount} more this change costs cannot be paid here. Nothing was "
        "changed: contact us through {channel}, where you paid, and we will settle it with you."
    )


class ChannelPaidRiseStaff(DomainError):
    key = N_(
        "Order {code} was paid at {channel}: this change would leave {amount} to pay, which only {channel} can take. "
        "Nothing was changed: have {channel} send what is added as a new order, or make a change that costs no more."
    )


class UnnamedChannelPaidRise(ChannelPaidRise):
    """``ChannelPaidRise`` of an order whose history names no API key: no channel's name to say."""

    key = N_(
        "Order {code} was paid at a sales channel, so the {amount} more this change costs cannot be paid here. Nothing "
        "was changed: ask us (💬 Contact us) and we will settle it with you."
    )


class UnnamedChannelPaidRiseNoChat(ChannelPaidRiseNoChat):
    key = N_(
        "Order {code} was paid at a sales channel, so the {amount} more this change costs cannot be paid here. Nothing "
        "was changed: contact us through the sales channel where you paid, and we will settle it with you."
    )


class UnnamedChannelPaidRiseStaff(ChannelPaidRiseStaff):
    key = N_(
        "Order {code} was paid at a sales channel: this change would leave {amount} to pay, which only that channel "
        "can take. Nothing was changed: have it send what is added as a new order, or make a change that costs no more."
    )


def check_channel_paid(
    code: str, paid_at: str | None, charge: Money, *, by_customer: bool, support: bool = True
) -> None:
    """An order another channel took payment for (``paid_at``: its name) is settled there: a change that would leave
    ``charge`` to pay (an edit, an exchange for dearer, its difference's button) is refused, as neither Telegram's
    invoice nor staff's payment link may take it and nothing here records the channel's. ``support``: the shop has a
    support chat, which the customer is pointed to (💬 Contact us); without one, to the channel they paid at. A
    channel whose name is not known (``paid_at`` "": ``Order.paid_at``) is refused alike, as "a sales channel"."""
    if paid_at is None or not charge.amount:
        return
    if paid_at:
        refused = ChannelPaidRiseStaff if not by_customer else ChannelPaidRise if support else ChannelPaidRiseNoChat
    else:
        refused = (
            UnnamedChannelPaidRiseStaff
            if not by_customer
            else UnnamedChannelPaidRise
            if support
            else UnnamedChannelPaidRiseNoChat
        )
    raise refused(code=code, channel=paid_at, amount=charge)
