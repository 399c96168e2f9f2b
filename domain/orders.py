"""Orders, their lines, and the one table of allowed status transitions."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError, IllegalTransition
from domain.i18n import N_
from domain.money import Money, sum_money
from domain.text import without_direction_controls

# The most lines one order has, whichever way it comes: a cart (chat and Mini App) holds this
# many different products and the intake API takes this many lines. The chat pages a long cart.
MAX_ORDER_LINES = 100
MAX_REFERENCE = 64  # the customer's own number for an order (a PO number): orders.reference's width


class OrderStatus(StrEnum):
    PLACED = "placed"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    INVOICED = "invoiced"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PICKED = "picked"  # every line picked: ready to pack
    PACKED = "packed"
    PARTIALLY_SHIPPED = "partially_shipped"  # some parcels have left, not every line yet
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ON_HOLD = "on_hold"


S = OrderStatus

# The whole order lifecycle. Cancelling is possible until picking starts (mid-pick, on hold after a short pick too, by
# a manager); an order on hold resumes only to the status it was held from (see ``Order.transition``) or is cancelled.
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    # PLACED → PAID: the payment was taken by another channel (a web shop's checkout, a till).
    S.PLACED: frozenset({S.AWAITING_PAYMENT, S.PAID, S.INVOICED, S.ALLOCATED, S.CANCELLED, S.ON_HOLD}),
    S.AWAITING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.ON_HOLD}),
    S.PAID: frozenset({S.ALLOCATED, S.CANCELLED, S.ON_HOLD}),
    S.INVOICED: frozenset({S.ALLOCATED, S.CANCELLED, S.ON_HOLD}),
    S.ALLOCATED: frozenset({S.PICKING, S.CANCELLED, S.ON_HOLD}),
    # PICKING, PICKED → SHIPPED: the rest of a partly shipped order was short and cancelled.
    # PICKING → CANCELLED: a manager cancels it mid-pick (its pickers put back what they took).
    S.PICKING: frozenset({S.PICKED, S.SHIPPED, S.ON_HOLD, S.CANCELLED}),
    # PICKED → PICKING: a packer found part of it missing and the customer waits for it.
    S.PICKED: frozenset({S.PACKED, S.PICKING, S.SHIPPED, S.ON_HOLD}),
    # PACKED → DELIVERED: a pickup order handed over at the counter (``/handover``).
    S.PACKED: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.ON_HOLD}),
    # PARTIALLY_SHIPPED → PICKING: the rest of a split order arrived and is picked.
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.PICKING, S.ON_HOLD}),
    S.SHIPPED: frozenset({S.DELIVERED, S.ON_HOLD}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.ON_HOLD: frozenset(
        {
            S.PLACED,
            S.AWAITING_PAYMENT,
            S.PAID,
            S.INVOICED,
            S.ALLOCATED,
            S.PICKING,
            S.PICKED,
            S.PACKED,
            S.PARTIALLY_SHIPPED,
            S.SHIPPED,
            S.CANCELLED,
        }
    ),
}

CANCELLABLE_BY_CUSTOMER = frozenset({S.PLACED, S.AWAITING_PAYMENT, S.PAID, S.INVOICED, S.ALLOCATED})
# How a hold for missing units begins its recorded reason (a bin count's, a short pick's, a packer's short), the
# SKU after it: the rule a customer may cancel a held order by reads it (an order carries no other hold kind).
COUNT_HOLD, SHORT_PICK_HOLD, PACK_SHORT_HOLD = "count: ", "short pick: ", "short: "
SHORTAGE_HOLDS = (COUNT_HOLD, SHORT_PICK_HOLD, PACK_SHORT_HOLD)


class Channel(StrEnum):
    TELEGRAM = "telegram"
    SUPPORT = "support"
    API = "api"


class PaymentMethod(StrEnum):
    CARD = "card"  # Telegram Payments
    COD = "cod"  # cash on delivery
    INVOICE = "invoice"  # business buyers, pay by a due date


class DeliveryMethod(StrEnum):
    COURIER = "courier"
    PICKUP = "pickup"


def payment_terms(method: PaymentMethod, delivery: DeliveryMethod | None, paid_at: str | None = None) -> str:
    """The code of how an order is paid, as people read it: "cash on delivery" is paid at
    the counter when the order is picked up; "channel": another sales channel took the money
    (``paid_at`` names it), so there is no Telegram charge to refund."""
    if paid_at is not None:
        return "channel"
    if method is PaymentMethod.COD and delivery is DeliveryMethod.PICKUP:
        return "cod_pickup"
    return method.value


@dataclass(frozen=True, slots=True)
class Delivery:
    method: DeliveryMethod
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    pickup_warehouse_id: int | None = None
    carrier: str = ""
    service: str = ""
    eta: date | None = None
    ready_by: datetime | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class ReturnStatus(StrEnum):
    REQUESTED = "return_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    RECEIVED = "received"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"


R = ReturnStatus
RETURN_TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    R.REQUESTED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.RECEIVED}),
    R.REJECTED: frozenset(),
    R.RECEIVED: frozenset({R.REFUNDED, R.EXCHANGED}),
    R.REFUNDED: frozenset(),
    R.EXCHANGED: frozenset(),
}


class EmptyOrder(DomainError):
    key = N_("An order needs at least one line.")


class ReturnMovedOn(IllegalTransition):
    """A return's step pressed on a sheet drawn before someone took it elsewhere: it names the
    return's state, not an order's."""

    key = N_("This return is already {return_status}: that step is no longer possible.")


def check_return_transition(current: ReturnStatus, target: ReturnStatus) -> None:
    if target not in RETURN_TRANSITIONS[current]:
        raise ReturnMovedOn(return_status=current.value)


# Crockford-style alphabet without look-alikes (0/O, 1/I/L) and without vowels that spell words.
CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


class ReferenceTooLong(DomainError):
    key = N_("A purchase order number is at most {limit} characters; this one has {length}. Nothing was changed.")


def order_reference(text: str) -> str:
    """A number the buyer gives their order (their purchase order's), on one line: the invoice prints it
    as a single line, so line breaks and runs of blanks become one space; direction controls (U+202E…) go,
    as they do from other typed text (``domain.text.typed``): they turned staff's /order line around."""
    reference = " ".join(without_direction_controls(text).split())
    if len(reference) > MAX_REFERENCE:
        raise ReferenceTooLong(limit=MAX_REFERENCE, length=len(reference))
    return reference


MAX_REFERENCE_KEY = 3 * MAX_REFERENCE  # orders.reference_key's width: casefolding may lengthen a character to three


def reference_key(text: str) -> str:
    """How an order is found by its reference: on one line and casefolded, so "po-5512" quoted on the phone
    finds PO-5512 and «заказ-7» finds «Заказ-7» (computed here, not by the database's lower(): SQLite's folds
    ASCII alone)."""
    return " ".join(text.split()).casefold()[:MAX_REFERENCE_KEY]


def new_order_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """Random, not sequential: 28^8 ≈ 3.8e11 codes, so guessing another customer's is hopeless."""
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_order_code(text: str) -> str:
    """What people type: ``#ab12-cd34``, ``AB12CD34``, or a special code such as
    ``VIP-AB12CD34`` (the flag prefix is dropped)."""
    text = text.strip().upper()
    for prefix in SPECIAL_PREFIXES.values():
        if text.startswith(prefix + "-"):
            text = text.removeprefix(prefix + "-")
    return text.replace("-", "").replace(" ", "").lstrip("#")


# Flags that make an order special, most important first, and the prefix of its special code.
SPECIAL_PREFIXES = {"REPLACEMENT": "RPL", "GIFT": "GFT", "VIP": "VIP"}
OPEN_STATUSES = frozenset(
    {
        OrderStatus.PLACED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.INVOICED,
        OrderStatus.ALLOCATED,
        OrderStatus.PICKING,
        OrderStatus.PICKED,
        OrderStatus.PACKED,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.ON_HOLD,
    }
)


def special_code(code: str, flags: frozenset[str]) -> str | None:
    """The code staff quote for a flagged order (``RPL-…``, ``GFT-…``, ``VIP-…``)."""
    for flag, prefix in SPECIAL_PREFIXES.items():
        if flag in flags:
            return f"{prefix}-{code}"
    return None


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price: Money
    id: int | None = None
    discount_minor: int = 0  # this line's share of the order's discounts (``domain.discounts``)
    # The rule: a line is named as it was sold — ``name`` in the shop's language and these
    # translations (language code → name), both copied from the product when it was ordered;
    # a later rename or translation of the product changes no order.
    names: Mapping[str, str] = field(default_factory=dict, hash=False)
    # A replacement's line (an exchange), in minor units of the order's currency: the line of the
    # replaced order it was sent for; what ALL its units were paid in all, after discounts (their
    # share of the replaced line by the cumulative rule of ``domain.returns.refund_for``, plus what
    # the swap charged, less what it owed back), so refunds of it add up to exactly that; and the
    # list price one unit stands at (the first order's, moved by each swap's difference), which a
    # later swap is priced against. None elsewhere, and on replacement lines made before these were
    # kept that could not be worked out.
    replaces_line_id: int | None = None
    paid_minor: int | None = None
    list_price_minor: int | None = None

    def named_in(self, language: str) -> str:
        """The name in ``language`` as it was translated when ordered, else the name it was sold under."""
        return self.names.get(language) or self.name

    @property
    def total(self) -> Money:
        """Before discounts: unit price × quantity."""
        return self.unit_price * self.quantity

    @property
    def discount(self) -> Money:
        return Money(self.discount_minor, self.unit_price.currency)

    @property
    def net(self) -> Money:
        """What the customer pays for the line."""
        return self.total - self.discount


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str  # "customer:42", "staff:7", "system"
    from_status: OrderStatus | None
    to_status: OrderStatus
    reason: str = ""
    amount: Money | None = None  # money the entry moved, in the order's currency (a goodwill refund's)


@dataclass(slots=True)
class Order:
    code: str
    customer_id: int
    currency: str
    lines: list[OrderLine]
    status: OrderStatus = S.PLACED
    shipping: Money | None = None
    fx_rate: str = "1"  # order currency per base currency at placement; kept for history
    tax_rate: str = "0"  # percent included in the prices at placement (VAT/GST), e.g. "20"
    flags: frozenset[str] = frozenset()
    held_from: OrderStatus | None = None
    created_at: datetime | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    channel: Channel = Channel.TELEGRAM
    payment_method: PaymentMethod = PaymentMethod.COD
    delivery: Delivery | None = None
    contact_phone: str = ""
    invoice_due: date | None = None
    routing: list[str] = field(default_factory=list)  # warehouse codes, then "why" lines
    checkout_key: str | None = None
    tracking_number: str = ""
    gift_message: str = ""
    promo_code: str = ""  # the code used, counted once in the order's transaction
    reference: str = ""  # the buyer's own number for it: a business's PO number, another channel's order number
    discounts: tuple[tuple[str, int], ...] = ()  # (promotion name or code, minor units) as shown
    # The buyer's and the shop's tax numbers when it was placed, as its invoices print them ("": none then;
    # None: placed before they were kept, so invoices print today's).
    buyer_tax_number: str | None = None
    seller_tax_number: str | None = None
    invoice_number: int | None = None  # its invoice's place in the shop's one sequence (None: none, or from before)
    id: int | None = None
    version: int = 0  # bumped by every edit: two people editing the same order cannot both win

    @classmethod
    def place(
        cls,
        *,
        code: str,
        customer_id: int,
        currency: str,
        lines: list[OrderLine],
        now: datetime,
        actor: str,
        shipping: Money | None = None,
        fx_rate: str = "1",
        **details: object,
    ) -> Order:
        if not lines:
            raise EmptyOrder()
        order = cls(
            code=code,
            customer_id=customer_id,
            currency=currency,
            lines=list(lines),
            shipping=shipping,
            fx_rate=fx_rate,
            created_at=now,
            **details,  # type: ignore[arg-type]
        )
        _ = order.total  # raises CurrencyMismatch if a line is not in the order currency
        order.history.append(HistoryEntry(now, actor, None, S.PLACED, "placed"))
        return order

    def in_language(self, language: str) -> Order:
        """A copy whose lines are named in ``language`` (``OrderLine.named_in``): what a reader of it sees."""
        return replace(self, lines=[replace(line, name=line.named_in(language)) for line in self.lines])

    @property
    def subtotal(self) -> Money:
        return sum_money([line.total for line in self.lines], self.currency)

    @property
    def discount(self) -> Money:
        return Money(sum(line.discount_minor for line in self.lines), self.currency)

    @property
    def goods(self) -> Money:
        """The goods after discounts: what tax is computed on."""
        return self.subtotal - self.discount

    @property
    def total(self) -> Money:
        shipping = self.shipping or Money.zero(self.currency)
        return self.goods + shipping

    def included_tax(self, gross: Money) -> Money:
        """The tax inside a tax-inclusive amount: gross × r / (100 + r), half-even."""
        rate = Decimal(self.tax_rate)
        return Money.from_decimal(gross.to_decimal() * rate / (100 + rate), gross.currency) if rate else gross * 0

    def net_of(self, units: Mapping[int, int]) -> Money:
        """What the customer pays for some units of the order's products (product → units),
        taken from its lines in turn: a line of n units that costs P after its discount is
        worth ⌊P·k/n⌋ for k of them, as a return refunds them — never its undiscounted price."""
        return Money(sum(line.net.amount * k // line.quantity for line, k in self._taken(units)), self.currency)

    def discount_of(self, units: Mapping[int, int]) -> Money:
        """The discount some units of the order's products carried: their list price less what
        they are worth (``net_of``), so the discounts of parts dropped one after another add up to
        the lines' own."""
        listed = sum(line.unit_price.amount * k for line, k in self._taken(units))
        return Money(listed, self.currency) - self.net_of(units)

    def _taken(self, units: Mapping[int, int]) -> list[tuple[OrderLine, int]]:
        """``units`` (product → units) taken from the lines in turn: each line and how many of it."""
        left, taken = dict(units), []
        for line in self.lines:
            k = min(left.get(line.product_id, 0), line.quantity)
            if k > 0:
                left[line.product_id] -= k
                taken.append((line, k))
        return taken

    @property
    def tax(self) -> Money:
        return self.included_tax(self.goods) + self.included_tax(self.shipping or Money.zero(self.currency))

    @property
    def invoice_label(self) -> str | None:
        """As its invoice and the credit notes correcting it print the number: INV-000001 (None: not numbered)."""
        return None if self.invoice_number is None else f"INV-{self.invoice_number:06d}"

    @property
    def no_charge_replacement(self) -> bool:
        """An exchange's replacement on account asking nothing more: no invoice was issued (it has no number),
        so its document is a delivery note, not an invoice."""
        return (
            "REPLACEMENT" in self.flags
            and self.payment_method is PaymentMethod.INVOICE
            and self.invoice_number is None
            and self.total.amount == 0
        )

    @property
    def special_code(self) -> str | None:
        return special_code(self.code, self.flags)

    @property
    def payment_terms(self) -> str:
        return payment_terms(self.payment_method, self.delivery.method if self.delivery else None, self.paid_at)

    @property
    def paid_at(self) -> str | None:
        """The sales channel that took the payment itself (an API order sent paid: its key's name), else None.
        Read from the step to paid it recorded (actor "api:NAME"): the method stays card for the books and
        edits, while a payment link's order is paid in Telegram (its step's actor is the system, from awaiting
        payment). One whose history names no key (``channel_name`` ""), paid but not through a link, was paid at
        the channel all the same: "", a channel whose name is not known, never a Telegram charge."""
        if self.channel is not Channel.API or self.payment_method is not PaymentMethod.CARD:
            return None
        step = next((h for h in self.history if h.to_status is S.PAID), None)
        if step is None:
            return None
        if step.actor.startswith("api:"):
            return step.actor.removeprefix("api:")
        return "" if self.channel_name == "" and step.from_status is not S.AWAITING_PAYMENT else None

    @property
    def channel_name(self) -> str | None:
        """The sales channel an API order came from (its key's name, from the placing's actor "api:NAME"), else None:
        its ``reference`` is then that channel's order number, not the buyer's PO number."""
        if self.channel is not Channel.API:
            return None
        placed = next((h.actor for h in self.history if h.actor.startswith("api:")), None)
        return placed.removeprefix("api:") if placed is not None else ""

    @property
    def cancellable_by_customer(self) -> bool:
        return self.status in CANCELLABLE_BY_CUSTOMER

    @property
    def held_before_picking(self) -> bool:
        """On hold for a shortage from a status its customer could cancel it in (a bin count found its units gone
        before it was picked): nothing of it is in a tote, so it is cancelled as it was before the hold, by its
        customer too."""
        return self.status is S.ON_HOLD and self.held_from in CANCELLABLE_BY_CUSTOMER and self.held_for_a_shortage

    @property
    def held_for_a_shortage(self) -> bool:
        """The hold it is in was recorded for units found missing (a bin count's, a short pick's): a staff hold
        (a fraud check) is the shop's to lift or cancel, never its customer's."""
        hold = next((entry for entry in reversed(self.history) if entry.to_status is S.ON_HOLD), None)
        return hold is not None and hold.reason.startswith(SHORTAGE_HOLDS)

    @property
    def being_picked(self) -> bool:
        """Picking, or on hold from picking (a short pick waits for the customer's answer): either way its pickers
        may hold part of it in their totes, so a cancel is the shop's (a manager's, a channel's) and tells them."""
        return self.status is S.PICKING or (self.status is S.ON_HOLD and self.held_from is S.PICKING)

    def can_transition(self, target: OrderStatus) -> bool:
        if target not in ORDER_TRANSITIONS[self.status]:
            return False
        if self.status is S.ON_HOLD and target is not S.CANCELLED:
            return target == self.held_from
        return True

    def transition(self, target: OrderStatus, *, now: datetime, actor: str, reason: str = "") -> HistoryEntry:
        if not self.can_transition(target):
            raise IllegalTransition(current=self.status.value, target=target.value)
        entry = HistoryEntry(now, actor, self.status, target, reason)
        self.held_from = self.status if target is S.ON_HOLD else None
        self.status = target
        self.history.append(entry)
        return entry
