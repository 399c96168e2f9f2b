"""Returns and exchanges (RMA): what may be returned, and the rules of the refund.

A delivered order can be returned within the return window, counted from delivery; never
more of a line than was delivered minus what earlier returns already took back. A return is
refunded (goods, plus shipping when the reason is the shop's fault) or exchanged for a
replacement order at no charge. Its status moves through ``RETURN_TRANSITIONS``."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_, N_plural
from domain.money import Money, sum_money
from domain.orders import CODE_ALPHABET, Order, OrderStatus, ReturnStatus, check_return_transition
from domain.parcels import Parcel, ParcelStatus


class ReturnReason(StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    DOESNT_FIT = "doesnt_fit"  # the size (or fit) chosen was not right
    CHANGED_MIND = "changed_mind"
    OTHER = "other"


# The shop refunds shipping only for its own faults. A size that does not fit was the customer's choice of a
# correct item, so it is treated as a change of mind: the goods refunded, no shipping, no fee kept back.
SHOP_FAULT = frozenset({ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM, ReturnReason.NOT_AS_DESCRIBED})


def reasons_offered(*, size_swap: bool) -> list[ReturnReason]:
    """The reasons a customer chooses from, in order: an exchange for another variant of the same product (a size
    swap) is most often one that did not fit, so that comes first there (and is not filed as "wrong item")."""
    reasons = list(ReturnReason)
    if size_swap:
        reasons.remove(ReturnReason.DOESNT_FIT)
        reasons.insert(0, ReturnReason.DOESNT_FIT)
    return reasons


class ReturnKind(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"


class ReturnMethod(StrEnum):
    DROP_OFF = "drop_off"  # brought to a pickup point
    COURIER = "courier"  # collected by a courier


class NotReturnable(DomainError):
    key, plural = N_plural(
        "Order {code} cannot be returned: only delivered orders can, within {days} day of delivery.",
        "Order {code} cannot be returned: only delivered orders can, within {days} days of delivery.",
    )
    counted = "days"


class AlreadyInReturn(DomainError):
    key = N_("Everything in order {code} that can come back is already in a return: {rmas}.")


class TooManyReturned(DomainError):
    key = N_("Only {available} of {sku} can still be returned.")


class NothingToReturn(DomainError):
    key = N_("Choose at least one item to return.")


class NotASwap(DomainError):
    key = N_("{sku} can only be exchanged for another variant of the same product.")


class NotOnSale(DomainError):
    key = N_("{name} is not on sale now, so it cannot be sent in exchange.")


class ReplacementShort(DomainError):
    key = N_("{name}: only {available} available.")


class NotInspected(DomainError):
    key = N_("Inspect every line first: restock it or write it off.")


@dataclass(slots=True)
class ReturnLine:
    order_line_id: int
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price: Money
    restocked: int = 0
    written_off: int = 0
    id: int | None = None
    swap_product_id: int | None = None  # an exchange for another variant of the same parent (a size swap)
    swap_sku: str = ""  # that variant's SKU, as staff read it

    @property
    def inspected(self) -> bool:
        return self.restocked + self.written_off >= self.quantity


@dataclass(slots=True)
class ReturnRequest:
    rma_code: str
    order_id: int
    customer_id: int
    kind: ReturnKind
    reason: ReturnReason
    method: ReturnMethod
    lines: list[ReturnLine]
    created_at: datetime
    status: ReturnStatus = ReturnStatus.REQUESTED
    note: str = ""
    photos: list[str] = field(default_factory=list)  # Telegram file ids
    reject_reason: str = ""
    refund: Money | None = None
    replacement_order_id: int | None = None
    order_code: str = ""
    id: int | None = None
    decided_by: int | None = None  # the Telegram id of the staff member who approved or rejected it

    def move(self, target: ReturnStatus) -> None:
        check_return_transition(self.status, target)
        self.status = target

    @property
    def owes_back(self) -> bool:
        """Money to pay the customer: a refund's, or an exchange's difference owed back."""
        resolved = self.status in (ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED)
        return resolved and self.refund is not None and self.refund.amount > 0

    @property
    def goods_value(self) -> Money:
        return sum_money([line.unit_price * line.quantity for line in self.lines], self.lines[0].unit_price.currency)

    def named_in(self, language: str, order: Order) -> ReturnRequest:
        """A copy whose lines are named in ``language`` as the order's lines they return were
        sold (``OrderLine.named_in``): the request keeps the shop's name."""
        names = {line.id: line.named_in(language) for line in order.lines}
        return replace(
            self, lines=[replace(line, name=names.get(line.order_line_id, line.name)) for line in self.lines]
        )


def first_replaced(requests: Iterable[ReturnRequest], order_id: int) -> int | None:
    """The order a replacement (``order_id``) was first sent for: its exchange's order, followed back
    through replacements of replacements to one that replaces nothing (None: ``order_id`` is no replacement)."""
    made = {r.replacement_order_id: r.order_id for r in requests if r.replacement_order_id is not None}
    first, seen = None, set[int]()
    while order_id in made and order_id not in seen:
        seen.add(order_id)
        first = order_id = made[order_id]
    return first


def new_rma_code() -> str:
    return "R" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))


def delivered_at(order: Order) -> datetime | None:
    return next((h.at for h in reversed(order.history) if h.to_status is OrderStatus.DELIVERED), None)


def returnable(
    order: Order,
    now: datetime,
    window_days: int,
    already: dict[int, int],
    parcels: Sequence[Parcel] = (),
    dropped: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Per order line id: how many may still be returned (empty outside the window).

    An order that left in parcels returns what its delivered parcels brought, each within the
    window counted from that parcel's delivery — so a partially shipped order's delivered
    parcel may come back while the rest is on its way, and nothing still travelling can. What
    no parcel carried (handed over at a counter) is returnable once the order is delivered,
    but the units its customer gave up (``dropped``: product → units), which never came."""
    window = timedelta(days=window_days)
    when = delivered_at(order)
    whole = order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED) and when is not None and now <= when + window
    arrived: Counter[int] = Counter()
    carried: Counter[int] = Counter()
    for parcel in parcels:
        came = parcel.delivered_at or when
        fresh = parcel.status is ParcelStatus.DELIVERED and came is not None and now <= came + window
        for item in parcel.lines:
            carried[item.order_line_id] += item.quantity
            if fresh:
                arrived[item.order_line_id] += item.quantity
    left = {}
    gone = dict(dropped or {})
    for line in order.lines:
        line_id = line.id or 0
        never = min(gone.get(line.product_id, 0), max(line.quantity - carried[line_id], 0))
        if never:
            gone[line.product_id] -= never
        unparcelled = max(line.quantity - carried[line_id] - never, 0) if whole else 0
        left[line_id] = min(arrived[line_id] + unparcelled, line.quantity) - already.get(line_id, 0)
    return {line_id: n for line_id, n in left.items() if n > 0}


def refund_for(
    request: ReturnRequest,
    order: Order,
    shipping_already_refunded: bool,
    refunded_before: Mapping[int, int] | None = None,
    paid: Mapping[int, Money] | None = None,
) -> Money:
    """The goods returned at what was paid for them (their share of the line after its
    discount), plus the order's shipping when it is the shop's fault (once).

    A line of n units that cost P after discount refunds, once k of them are back in all,
    ⌊P·k/n⌋: each return refunds the growth of that figure from the units taken back before
    (``refunded_before``, per order line id: refunded or exchanged), so partial returns never add
    up to more than was paid, and the last unit back brings the line's refunds to exactly P.
    A replacement's line cost what ``paid`` gives (per order line id: what all its units were
    paid, on the first order and since, not only what the replacement itself charged)."""
    before = refunded_before or {}
    lines = {line.id: line for line in order.lines}
    amount = Money.zero(order.currency)
    for returned in request.lines:
        line = lines.get(returned.order_line_id)
        if line is None:  # not a line of this order: at its own unit price, as before
            amount += returned.unit_price * returned.quantity
            continue
        total = (paid or {}).get(returned.order_line_id, line.net)
        amount += share(total, line.quantity, before.get(returned.order_line_id, 0), returned.quantity)
    return amount + shipping_back(request, order, shipping_already_refunded)


def shipping_back(request: ReturnRequest, order: Order, shipping_already_refunded: bool) -> Money:
    """The order's shipping given back with a return: all of it when the return is the shop's
    fault, once; else nothing. Booked against shipping income, as the sale credited it."""
    if request.reason in SHOP_FAULT and order.shipping is not None and not shipping_already_refunded:
        return order.shipping
    return Money.zero(order.currency)


def goods_taken_back(order: Order, taken: Mapping[int, int], paid: Mapping[int, Money] | None = None) -> Money:
    """What the units ``taken`` back (per order line id) stand for by the cumulative rule: the
    base a refund's tax is taken back from, so the tax of all the refunds of an order's goods adds
    up to exactly the tax its sale booked on them (each taken on its own rounded apart)."""
    amount = Money.zero(order.currency)
    for line in order.lines:
        if line.id is not None and taken.get(line.id):
            amount += share((paid or {}).get(line.id, line.net), line.quantity, 0, taken[line.id])
    return amount


def discount_taken_back(order: Order, taken: Mapping[int, int]) -> Money:
    """The discount the units ``taken`` back (per order line id) carried: their list price less
    what they stand for by the cumulative rule (``goods_taken_back``), so the discounts of all an
    order's returns add up to exactly the discount its sale booked."""
    listed = Money.zero(order.currency)
    for line in order.lines:
        if line.id is not None and taken.get(line.id):
            listed += line.unit_price * min(taken[line.id], line.quantity)
    return listed - goods_taken_back(order, taken)


def share(paid: Money, units: int, prior: int, count: int) -> Money:
    """What ``count`` of a line's ``units`` that cost ``paid`` in all stand for, once ``prior``
    of them were taken back before: ⌊P·(prior+count)/n⌋ − ⌊P·prior/n⌋, so the shares of all n
    add up to exactly P however they are taken back."""
    if units <= 0:
        return paid * 0
    total = paid.amount
    return Money(total * (prior + count) // units - total * prior // units, paid.currency)
