"""Wrong promo codes per customer: over ``PROMO_GUESS_LIMIT`` (a setting) in a window, no code is checked."""

from __future__ import annotations

import logging

from limits import parse_many
from limits.aio.strategies import MovingWindowRateLimiter

from bot.api_limits import window_storage

log = logging.getLogger(__name__)


class PromoGuesses:
    """A moving window of a customer's unknown codes, in memory or in Redis (every process counts
    them together). Only unknown codes count: a right one (even one refused for its minimum or
    its dates) never holds anyone back; while over, codes are not checked at all, so a guess
    that happens to be right is not told apart. A spec of ``0`` holds nobody back."""

    def __init__(self, spec: str, *, redis_url: str | None = None, namespace: str = "ordergram") -> None:
        self.items = [] if spec == "0" else parse_many(spec)
        self.limiter = MovingWindowRateLimiter(window_storage(redis_url, f"{namespace}:promo-guesses"))

    async def over(self, customer_id: int) -> bool:
        """Whether this customer typed too many unknown codes lately. Redis away: False (logged)."""
        try:
            for item in self.items:
                if not await self.limiter.test(item, str(customer_id)):
                    return True
        except Exception as error:  # noqa: BLE001 - the storage's own errors (Redis away): check the code
            log.warning("promo code guesses not checked (%s)", type(error).__name__)
        return False

    async def failed(self, customer_id: int) -> None:
        """Count an unknown code this customer typed."""
        try:
            for item in self.items:
                await self.limiter.hit(item, str(customer_id))
        except Exception as error:  # noqa: BLE001 - as above
            log.warning("promo code guess not counted (%s)", type(error).__name__)
