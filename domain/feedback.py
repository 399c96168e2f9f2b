"""What customers tell us after delivery: a rating from 1 to 5 and, if they like, a few words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.i18n import N_

LOW_RATING = 2  # at or below: the staff chat hears about it at once
MAX_REVIEW_LENGTH = 1000


class NotRateable(DomainError):
    key = N_("Only a delivered order can be rated.")


@dataclass(frozen=True, slots=True)
class Review:
    order_id: int
    customer_id: int
    stars: int
    text: str
    created_at: datetime
    order_code: str = ""
