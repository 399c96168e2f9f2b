"""What a channel's order request says, and the refusals that name its field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.orders import PaymentMethod


class InvalidField(DomainError):
    """A request field that is well-formed JSON but not acceptable; names the field."""

    key = N_("{field}: {reason}")


class ShortLine(InvalidField):
    """A line asking for more than the warehouses have: a conflict with the stock (409), named by
    its place in the request (a chat's refusal speaks of a cart a channel does not have)."""


class UnpaidCapReached(InvalidField):
    """A customer (not a business) already has ``MAX_UNPAID_ORDERS`` orders holding stock unpaid:
    one more by cash on delivery or a payment link is refused, as in chat (422, its own title)."""


class IdempotencyConflict(DomainError):
    # One channel's orders and stock receipts share its keys: a till numbering both from 1 must
    # learn why its receipt was refused, not take the 409 for "already done" and lose the goods.
    key = N_(
        "This Idempotency-Key was already used by this channel for another request: another body, or the "
        "other kind of request (orders and stock receipts share one set of keys). Send a new key."
    )


class RequestInProgress(DomainError):
    key = N_("A request with this Idempotency-Key is still being processed; retry shortly.")


class PaymentState(StrEnum):
    PAID = "paid"  # taken by the channel (web shop checkout, till)
    COD = "cod"  # collected on delivery
    INVOICE = "invoice"  # a business customer pays later
    LINK = "link"  # the customer pays by card through a Telegram payment link


@dataclass(frozen=True, slots=True)
class ApiCustomer:
    name: str
    phone: str | None = None
    email: str | None = None
    telegram_id: int | None = None
    business: bool | None = None  # None: leave as it is; True with the terms below; False: not a business
    payment_terms_days: int | None = None
    credit_limit: str | None = None  # decimal, base currency


@dataclass(frozen=True, slots=True)
class ApiOrderRequest:
    customer: ApiCustomer
    lines: tuple[tuple[str, int], ...]  # (SKU, quantity)
    currency: str
    payment: PaymentState
    address: str | None = None  # courier delivery …
    latitude: float | None = None
    longitude: float | None = None
    pickup_point: str | None = None  # … or pickup at this warehouse code
    shipping: str = "0"  # what the channel charged for delivery, in ``currency``
    reference: str = ""  # the channel's own order number
    promo_code: str = ""  # checked as at a chat review, its use counted in the order's transaction


PAYMENTS = {
    PaymentState.PAID: PaymentMethod.CARD,
    PaymentState.COD: PaymentMethod.COD,
    PaymentState.INVOICE: PaymentMethod.INVOICE,
    PaymentState.LINK: PaymentMethod.CARD,
}
