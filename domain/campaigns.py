"""Marketing campaigns: the message, the segment it goes to, its deep links and its report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.pricing import normalize_group

# Outbox priorities: a smaller number is sent first, so an order's notifications written
# while a campaign drains jump the campaign's queue.
ORDER_PRIORITY = 0
CAMPAIGN_PRIORITY = 10
ORDER_WINDOW = timedelta(days=7)  # an order this soon after a click counts for the campaign
TEXT_LIMIT = 3500  # Telegram takes 4096; room for HTML and the buttons' words
CAPTION_LIMIT = 1000  # of Telegram's 1024 for a photo's caption
MAX_IDS = 100_000
LINK_PREFIX = "cmp"  # /start cmp<campaign>_<product>: the product button's deep link


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENT = "sent"  # written to the outbox: the notifier delivers it
    CANCELLED = "cancelled"


class SegmentKind(StrEnum):
    """Who a campaign goes to. A new kind is one member here, its value's check in
    ``segment_of`` and one query in the repository (``storage.repositories.campaigns.SEGMENT_FILTERS``)."""

    EVERYONE = "everyone"
    LANGUAGE = "language"  # value: a language code
    VIP = "vip"
    AT_RISK = "at_risk"  # ordered before, nothing for AT_RISK_AFTER (domain.usecases.insight)
    CATEGORY = "category"  # value: a category's name; bought from it or one inside it
    WAITING = "waiting"  # value: a SKU; subscribed to its back-in-stock message
    IDS = "ids"  # value: customer ids, comma-separated (from a CSV file)
    GROUP = "group"  # value: a customer group (its price list, ``domain.pricing``)


NEEDS_VALUE = frozenset(
    {SegmentKind.LANGUAGE, SegmentKind.CATEGORY, SegmentKind.WAITING, SegmentKind.IDS, SegmentKind.GROUP}
)


@dataclass(frozen=True, slots=True)
class Segment:
    kind: SegmentKind
    value: str = ""

    def ids(self) -> list[int]:
        return [int(part) for part in self.value.split(",") if part]


class CampaignError(DomainError):
    key = N_("This campaign cannot be changed now.")


class EmptySegment(DomainError):
    key = N_("Nobody in this segment can receive the campaign: nothing was sent.")


class BadLanguage(DomainError):
    key = N_("“{value}” is not a language code (e.g. en or ru).")


class BadSegmentValue(DomainError):
    key = N_("Type a category's name or a product's SKU (up to 128 characters).")


class TooManyIds(DomainError):
    key = N_("At most 100,000 customer ids, not {count}.")


class NoCustomerIds(DomainError):
    key = N_("The file holds no customer ids: one id a line, or a column named id or customer_id.")


class BadCustomerIdLine(DomainError):
    key = N_("Line {line}: “{text}” is not a customer id. Nothing was saved; fix the file and send it again.")


class MessageTooLong(DomainError):
    key = N_("The message is too long: {length} characters, at most {limit}.")


class EmptyMessage(DomainError):
    key = N_("The campaign message needs some text.")


class NotSubscribed(DomainError):
    key = N_("You are already unsubscribed from our news.")


class AlreadySubscribed(DomainError):
    key = N_("You already receive our news.")


@dataclass(slots=True)
class Campaign:
    text: str  # HTML as Telegram wrote the manager's message (their formatting kept)
    created_by: int
    created_at: datetime
    photo: str | None = None  # a Telegram file id
    product_id: int | None = None  # the product button's
    segment: Segment | None = None
    status: CampaignStatus = CampaignStatus.DRAFT
    scheduled_at: datetime | None = None
    sent_at: datetime | None = None
    targeted: int = 0  # in the segment with a Telegram chat, when it was sent
    opted_out: int = 0  # of those, unsubscribed before: not sent
    blocked: int = 0  # of those, had blocked the bot: not sent
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    customer_id: int
    chat_id: int
    language: str


@dataclass(frozen=True, slots=True)
class Audience:
    """A segment's customers who have a chat: who would get it and who would not."""

    recipients: list[Recipient]
    opted_out: int
    blocked: int

    @property
    def targeted(self) -> int:
        return len(self.recipients) + self.opted_out + self.blocked


@dataclass(frozen=True, slots=True)
class CampaignReport:
    campaign: Campaign
    targeted: int
    queued: int  # not delivered yet
    sent: int
    blocked: int  # blocked the bot before it was sent or while it was
    failed: int
    unsubscribed: int  # with this campaign's button
    clicks: int
    orders: int  # placed within ORDER_WINDOW of a click by the same customer
    revenue: dict[str, int] = field(default_factory=dict)  # per currency, minor units


def check_message(text: str, plain_length: int, photo: str | None) -> None:
    if not text.strip():
        raise EmptyMessage()
    limit = CAPTION_LIMIT if photo else TEXT_LIMIT
    if plain_length > limit:
        raise MessageTooLong(length=plain_length, limit=limit)


LANGUAGE = re.compile(r"^[a-z]{2,3}([_-][a-z]{2,4})?$")


def segment_of(kind: SegmentKind, value: str = "") -> Segment:
    """A segment from what the manager typed for its kind; a bad value is refused."""
    if kind not in NEEDS_VALUE:
        return Segment(kind)
    if kind is SegmentKind.IDS:
        return Segment(kind, ",".join(str(i) for i in parse_customer_ids(value)))
    value = " ".join(value.split())
    if kind is SegmentKind.GROUP:
        return Segment(kind, normalize_group(value))
    if kind is SegmentKind.LANGUAGE:
        if not LANGUAGE.match(value.lower()):
            raise BadLanguage(value=value)
        return Segment(kind, value.lower()[:8])
    if not value or len(value) > 128:
        raise BadSegmentValue()
    return Segment(kind, value)


def parse_customer_ids(text: str) -> list[int]:
    """Customer ids from a CSV file or a typed list: the first column, or the one named
    ``id``/``customer_id``; a header and blank lines are skipped, duplicates kept once. A line
    whose id is not one (a name, an empty cell, 0) refuses the whole file, naming the line: a
    campaign to most of a list is worse than none."""
    if "\n" not in text.strip():  # typed: "12, 15 19"
        text = text.replace(",", " ").replace(" ", "\n")
    numbered = [(n, line.strip().lstrip("\ufeff")) for n, line in enumerate(text.splitlines(), start=1)]
    numbered = [(n, line) for n, line in numbered if line]
    column = 0
    if numbered and not numbered[0][1].split(",")[0].strip().strip('"').isdecimal():
        header = [cell.strip().strip('"').lower() for cell in numbered[0][1].split(",")]
        column = next((i for i, name in enumerate(header) if name in ("id", "customer_id", "customer")), 0)
        numbered = numbered[1:]
    found: dict[int, None] = {}
    for n, line in numbered:
        cells = line.split(",")
        cell = cells[column].strip().strip('"') if column < len(cells) else ""
        if not (cell.isdecimal() and 0 < int(cell) < 2**31):
            raise BadCustomerIdLine(line=n, text=cell[:40])
        found[int(cell)] = None
    if not found:
        raise NoCustomerIds()
    if len(found) > MAX_IDS:
        raise TooManyIds(count=len(found))
    return list(found)


def link_payload(campaign_id: int, product_id: int) -> str:
    return f"{LINK_PREFIX}{campaign_id}_{product_id}"


def parse_link(payload: str) -> tuple[int, int] | None:
    """(campaign, product) from a product button's deep link, or None."""
    match = re.fullmatch(rf"{LINK_PREFIX}(\d{{1,9}})_(\d{{1,9}})", payload)
    return (int(match.group(1)), int(match.group(2))) if match else None


def orders_after_clicks(clicks: list[tuple[int, datetime]], orders: list[tuple[int, int, datetime]]) -> set[int]:
    """The orders (id) placed within ORDER_WINDOW after one of the same customer's clicks;
    ``clicks`` are (customer, when), ``orders`` (order, customer, when)."""
    by_customer: dict[int, list[datetime]] = {}
    for customer_id, at in clicks:
        by_customer.setdefault(customer_id, []).append(at)
    return {
        order_id
        for order_id, customer_id, placed in orders
        if any(at <= placed <= at + ORDER_WINDOW for at in by_customer.get(customer_id, ()))
    }
