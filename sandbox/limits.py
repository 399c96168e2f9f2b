"""Telegram's documented limits, checked the way the Bot API checks them.

Each check raises ``ApiError`` carrying the HTTP status and description Telegram returns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.html import HtmlParseError, parse_html

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_INVOICE_TITLE = 32
MAX_INVOICE_DESCRIPTION = 255
MAX_INVOICE_PAYLOAD = 128
BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "pay",
        "switch_inline_query",
        "web_app",
        "login_url",
        "copy_text",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "callback_game",
    }
)


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def rendered_text(text: str | None, parse_mode: str | None) -> str:
    """The text as Telegram would display it (entities parsed, surrounding blanks trimmed)."""
    if text is None:
        return ""
    if parse_mode and parse_mode.upper() == "HTML":
        try:
            text = parse_html(text)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    return text.strip()


def check_text(text: str | None, parse_mode: str | None) -> str:
    plain = rendered_text(text, parse_mode)
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain


def check_caption(caption: str | None, parse_mode: str | None) -> str:
    plain = rendered_text(caption, parse_mode)
    if len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    if not markup:
        return
    rows = markup.get("inline_keyboard")
    if rows is None:
        rows = markup.get("keyboard")
        if rows is not None:
            _check_grid(rows)
        return
    _check_grid(rows)
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            if BUTTON_ACTIONS.isdisjoint(button):  # (no set made per button)
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )


def _check_grid(rows: list[list[Any]]) -> None:
    if any(len(row) > MAX_BUTTONS_PER_ROW for row in rows):
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")


def check_invoice(params: dict[str, Any]) -> None:
    title = str(params.get("title") or "")
    description = str(params.get("description") or "")
    payload = str(params.get("payload") or "")
    if not 1 <= len(title) <= MAX_INVOICE_TITLE:
        raise bad_request("INVOICE_TITLE_INVALID" if title else "title is empty")
    if not 1 <= len(description) <= MAX_INVOICE_DESCRIPTION:
        raise bad_request("INVOICE_DESCRIPTION_INVALID" if description else "description is empty")
    if not 1 <= len(payload.encode("utf-8")) <= MAX_INVOICE_PAYLOAD:
        raise bad_request("INVOICE_PAYLOAD_INVALID" if payload else "payload is empty")
    currency = str(params.get("currency") or "")
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise bad_request("CURRENCY_INVALID")
    prices = params.get("prices") or []
    if not prices:
        raise bad_request("PRICES_EMPTY")
    for price in prices:
        if not isinstance(price.get("amount"), int) or not str(price.get("label", "")).strip():
            raise bad_request("PRICE_LABEL_INVALID" if not price.get("label") else "price amount must be an integer")
    if currency != "XTR" and not params.get("provider_token"):
        raise bad_request("PAYMENT_PROVIDER_INVALID")


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(default=-1.0)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class FloodControl:
    """Telegram's broadcast limits: about 1 message/s per chat with a small burst, and
    about 30 messages/s overall. A refused call gets 429 with ``retry_after``."""

    per_chat_rate: float = 1.0
    per_chat_burst: float = 3.0
    global_rate: float = 30.0
    global_burst: float = 30.0
    chats: dict[int, TokenBucket] = field(default_factory=dict)
    overall: TokenBucket | None = None
    refused: int = 0
    clock: Callable[[], float] = time.monotonic  # tests freeze it to count exactly

    def check(self, chat_id: int) -> None:
        now = self.clock()
        if self.overall is None:
            self.overall = TokenBucket(self.global_rate, self.global_burst, stamp=now)
        if chat_id not in self.chats:
            self.chats[chat_id] = TokenBucket(self.per_chat_rate, self.per_chat_burst, stamp=now)
        chat = self.chats[chat_id]
        wait = max(chat.wait_time(now), self.overall.wait_time(now))
        if wait > 0:
            self.refused += 1
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        chat.take()
        self.overall.take()
