"""Messages the system sends on its own. The domain records *what* to say (a template
name, parameters and the recipient's language); the notifier renders and delivers it, so a
message is written in the same transaction as the change that caused it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Notification:
    chat_id: int
    template: str
    language: str
    params: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created_at: datetime | None = None
