"""Support conversations: the question-or-search rule, conversations, and their timing figures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_

# A question starts with one of these words (English and Russian, the shipped catalogs) ...
QUESTION_WORDS = frozenset(
    {
        # English
        "help", "how", "what", "when", "where", "why", "who", "which", "does", "hello", "hi",
        "please", "problem", "question",
        # Russian
        "помогите", "помощь", "помоги", "где", "как", "когда", "почему", "зачем", "что", "кто",
        "какой", "какая", "какие", "сколько", "можно", "можете", "здравствуйте", "привет",
        "добрый", "подскажите", "скажите", "вопрос", "проблема",
    }
)  # fmt: skip
# ... or it is a sentence: this many words is more than anyone types to find a product.
SENTENCE_WORDS = 6
_WORD = re.compile(r"\w+", re.UNICODE)


def looks_like_question(text: str) -> bool:
    """Free text a person typed: a question for the shop (True) or words to search the
    catalog for (False). A question ends with "?", starts with a question word or a
    greeting ("how", "где", "help", "здравствуйте"), or is a sentence of six words or more;
    anything else (a product name, a SKU, a barcode) is a search."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith(("?", "？", "¿")):
        return True
    words = _WORD.findall(stripped.lower())
    if not words:
        return False
    if words[0] in QUESTION_WORDS:
        return True
    return len(words) >= SENTENCE_WORDS


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Direction(StrEnum):
    IN = "in"  # from the customer to the shop
    OUT = "out"  # from staff to the customer


@dataclass(frozen=True, slots=True)
class Conversation:
    customer_id: int
    chat_id: int  # the support chat (a forum supergroup, or the staff chat)
    thread_id: int | None  # the customer's forum topic; None: reply threading in a plain group
    order_code: str | None  # the order the customer came from
    status: ConversationStatus
    opened_at: datetime
    first_reply_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    messages_in: int = 0
    messages_out: int = 0
    header_message_id: int | None = None  # who the customer is, atop the conversation in the support chat
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupportMessage:
    """One message relayed: where it was written and where its copy is."""

    conversation_id: int
    direction: Direction
    customer_message_id: int  # in the customer's private chat
    staff_message_id: int  # in the support chat
    kind: str  # text | photo | document | voice | other
    text: str  # the text or caption (the start of it), for history and "Search instead"
    created_at: datetime
    staff_name: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupportTimes:
    """First-reply and resolution times over a period, in seconds (None: nothing to measure)."""

    conversations: int
    first_reply_median: float | None
    first_reply_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    rated: int
    average_rating: float | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The ``share`` quantile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def support_times(conversations: Sequence[Conversation]) -> SupportTimes:
    first = [_seconds(c.first_reply_at - c.opened_at) for c in conversations if c.first_reply_at]
    resolved = [_seconds(c.closed_at - c.opened_at) for c in conversations if c.closed_at]
    ratings = [c.rating for c in conversations if c.rating]
    return SupportTimes(
        conversations=len(conversations),
        first_reply_median=percentile(first, 0.5),
        first_reply_p90=percentile(first, 0.9),
        resolution_median=percentile(resolved, 0.5),
        resolution_p90=percentile(resolved, 0.9),
        rated=len(ratings),
        average_rating=sum(ratings) / len(ratings) if ratings else None,
    )


def _seconds(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0.0)


def topic_name(display_name: str, username: str | None, customer_id: int) -> str:
    """A forum topic's name (Telegram takes 1–128 characters): the customer's name, their
    username and id, so staff can tell two Annas apart; one line, no control characters."""
    name = " ".join("".join(ch if ch.isprintable() else " " for ch in display_name).split()) or "?"
    suffix = f" (@{username}) #{customer_id}" if username else f" #{customer_id}"
    room = 128 - len(suffix)
    if len(name) > room:
        name = name[: room - 1].rstrip() + "…"
    return name + suffix


class NoSupportChat(DomainError):
    key = N_("Sorry, the shop has not set up a support chat yet. Please try again later.")


class MessageGone(DomainError):
    key = N_("That message is no longer in this chat, so nothing was sent. Please write it again.")


class ConversationClosed(DomainError):
    key = N_("This conversation is closed. The customer reopens it by writing again.")


class BadRating(DomainError):
    key = N_("Ratings go from 1 to 5.")
