"""Messages the system sends on its own. The domain records *what* to say (a template
name, parameters and the recipient's language); the notifier renders and delivers it, so a
message is written in the same transaction as the change that caused it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.customers import Customer


@dataclass(frozen=True, slots=True)
class Notification:
    chat_id: int
    template: str
    language: str
    params: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created_at: datetime | None = None


def for_customer(customer: Customer | None, template: str, params: dict[str, Any]) -> Notification | None:
    """A message to a customer in their language, or None when there is no chat to send it
    to: they blocked the bot, or they are known only from another channel (the API)."""
    if customer is None or customer.unreachable or customer.telegram_id is None:
        return None
    return Notification(customer.telegram_id, template, customer.notification_language, params)
