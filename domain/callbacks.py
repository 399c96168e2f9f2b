"""Status callbacks to an intake API channel: the event an order's change writes, the signed JSON a
channel's callback URL receives, and how long a failed delivery waits before it is tried again.

An event is written in the transaction of the change it tells of (``domain.usecases.callbacks``), so a
change rolled back tells nothing and a committed one is told at least once: a receiver de-duplicates
by the event's id. The body is signed with the channel's secret, HMAC-SHA256 over
``"{timestamp}." + body``, sent as ``Ordergram-Signature: t={timestamp},v1={hex}``."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from domain.example_hosts import is_example_address
from domain.orders import HistoryEntry, Order

SIGNATURE_HEADER = "Ordergram-Signature"
EVENT_ID_HEADER = "Ordergram-Event-Id"
EVENT_TYPE_HEADER = "Ordergram-Event-Type"
MAX_ATTEMPTS = 10  # then given up: logged, counted, listed by ``ordergram apikey list``
FIRST_WAIT = timedelta(seconds=30)  # doubled after each failure …
LONGEST_WAIT = timedelta(hours=2)  # … up to this: ten tries take about four hours
MAX_URL = 2000
# A run of the jobs' tick starts no delivery after this long: a slow receiver with a backlog would hold the tick (its
# sweeps and reminders) for as long as its events take; the rest wait for the next tick, in their order.
RUN_BUDGET = timedelta(seconds=20)
SECRET_PREFIX = "ogwh_"


class EventType(StrEnum):
    PLACED = "order.placed"  # the channel's order was placed (its status then: placed, paid, allocated, …)
    STATUS_CHANGED = "order.status_changed"
    RETURN_CHANGED = "order.return_changed"  # a return of the order opened, approved, rejected, received, resolved
    REFUND_PAID = "order.refund_paid"  # a return's refund paid out (staff confirmed it)


class CallbackFailed(Exception):
    """A delivery the receiver did not take (no 2xx answer in time): tried again later."""


class InvalidCallbackUrl(ValueError):
    """Said by the operator's CLI only (English, like its other words)."""

    def __init__(self) -> None:
        super().__init__("a callback URL is an http:// or https:// address with a host, at most 2000 characters")


class ExampleCallbackUrl(InvalidCallbackUrl):
    """An address on a documentation domain: a copied example (README's), where every event would be lost."""

    def __init__(self, url: str) -> None:
        ValueError.__init__(
            self,
            f"{url[:200]!r} is an example address (a reserved documentation domain): the channel's events would be "
            "lost there; give the channel's own address",
        )


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if (
        len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in url)
        or not _sendable(parts.hostname)
    ):
        raise InvalidCallbackUrl()
    try:
        parts.port  # noqa: B018 (out of range: refused here, not at each delivery)
    except ValueError:
        raise InvalidCallbackUrl() from None
    if is_example_address(url):
        raise ExampleCallbackUrl(url)
    return url


def _sendable(host: str) -> bool:
    """A host a client can send to: it encodes as a DNS name (no label over 63 characters, none empty)."""
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``"{timestamp}." + body`` under the channel's secret, in hex."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def wait_after(attempts: int) -> timedelta:
    """How long a delivery that failed ``attempts`` times waits before the next try."""
    doubled: timedelta = FIRST_WAIT * 2 ** min(max(attempts - 1, 0), 20)
    return min(doubled, LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """What a channel is told of its order, as it was when the change happened."""

    type: EventType
    code: str
    reference: str
    status: str
    previous_status: str | None
    carrier: str
    tracking_number: str
    occurred_at: datetime
    return_code: str | None = None  # a return's events: its RMA code and status
    return_status: str | None = None
    original: str | None = None  # a replacement's events: the channel's order it was first sent for

    @classmethod
    def placed(cls, order: Order, at: datetime, original: str | None = None) -> OrderEvent:
        return cls._of(order, EventType.PLACED, None, at, original)

    @classmethod
    def moved(cls, order: Order, entry: HistoryEntry, original: str | None = None) -> OrderEvent:
        previous = entry.from_status.value if entry.from_status else None
        return cls._of(order, EventType.STATUS_CHANGED, previous, entry.at, original)

    @classmethod
    def of_return(
        cls, order: Order, rma: str, status: str, at: datetime, *, paid: bool = False, original: str | None = None
    ) -> OrderEvent:
        """A return's step leaves the order's status as it was: no previous status (the return's is ``status``)."""
        kind = EventType.REFUND_PAID if paid else EventType.RETURN_CHANGED
        carrier = order.delivery.carrier if order.delivery else ""
        return cls(
            kind,
            order.code,
            order.reference,
            order.status.value,
            None,
            carrier,
            order.tracking_number,
            at,
            rma,
            status,
            original,
        )

    @classmethod
    def _of(cls, order: Order, kind: EventType, previous: str | None, at: datetime, original: str | None) -> OrderEvent:
        carrier = order.delivery.carrier if order.delivery else ""
        return cls(
            kind,
            order.code,
            order.reference,
            order.status.value,
            previous,
            carrier,
            order.tracking_number,
            at,
            original=original,
        )

    def data(self) -> dict[str, Any]:
        return {
            "order_code": self.code,
            "reference": self.reference,
            "status": self.status,
            "previous_status": self.previous_status,
            "carrier": self.carrier or None,
            "tracking_number": self.tracking_number or None,
            "return_code": self.return_code,
            "return_status": self.return_status,
            "original_order_code": self.original,
        }


@dataclass(frozen=True, slots=True)
class DueCallback:
    """An event not yet delivered, due now, with where it goes and the secret it is signed with."""

    id: int
    channel: str
    url: str
    secret: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    attempts: int  # tries made so far


@dataclass(frozen=True, slots=True)
class ChannelCallback:
    channel: str
    url: str
    set_at: datetime
    pending: int  # events not yet delivered nor given up
    given_up: int


def callback_body(event: DueCallback) -> bytes:
    """The JSON a receiver gets: the same bytes on every try of the event."""
    code = event.data.get("order_code", "")
    document = {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        **event.data,
        "order_url": f"/api/v1/orders/{code}",  # the order as GET answers it now, with the channel's key
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def callback_headers(event: DueCallback, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: str(event.id),
        EVENT_TYPE_HEADER: event.type,
        SIGNATURE_HEADER: signature_header(event.secret, timestamp, body),
        "User-Agent": "Ordergram-Callbacks/1",
    }
