"""Each API key's request rate (``API_RATE_LIMIT``): over it, ``429`` with ``Retry-After``."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from bot.metrics import API_RATE_LIMITED

log = logging.getLogger(__name__)
LOG_EVERY_S = 60.0  # a flooding key is logged once a minute, not once a refused request


@dataclass(frozen=True)
class Refusal:
    """The limit a key went over, and whole seconds until it may send again (at least 1)."""

    limit: str
    retry_after: int


class KeyRates:
    """A moving window per API key for each limit of ``API_RATE_LIMIT`` (the ``limits``
    library): in this process's memory, or in Redis when ``REDIS_URL`` is set, so several
    processes behind one proxy count a key's requests together."""

    def __init__(self, spec: str, *, redis_url: str | None = None, namespace: str = "ordergram") -> None:
        self.items: list[RateLimitItem] = parse_many(spec)
        self.storage = window_storage(redis_url, f"{namespace}:api-rate")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.logged: dict[str, float] = {}

    def most(self) -> int:
        """The most requests any one window lets a key send: a batch of more orders never fits."""
        return min(item.amount for item in self.items)

    async def refusal(self, key_id: int, key_name: str, cost: int = 1) -> Refusal | None:
        """None while the key is within every limit (this request is counted, as ``cost``
        requests: a batch's orders each); else the limit it is over. Redis unreachable: the
        request is let through (logged): a limit protects the shop, it is no reason to refuse
        its orders."""
        who = str(key_id)
        try:
            # Every limit is asked before any is counted: a request one limit refuses uses up none
            # of the others (counted in a longer window, a client's refused retries kept it locked
            # out long after its own requests would have).
            for item in self.items:
                if not await self.limiter.test(item, who, cost=cost):
                    return await self._over(item, who, key_name)
            for item in self.items:
                if not await self.limiter.hit(item, who, cost=cost):  # another request took the last place meanwhile
                    return await self._over(item, who, key_name)
        except Exception as error:  # noqa: BLE001 - the storage's own errors (Redis away): let the request through
            self._log(key_name, "API rate limit not checked (%s): the request goes through", type(error).__name__)
        return None

    async def _over(self, item: RateLimitItem, who: str, key_name: str) -> Refusal:
        stats = await self.limiter.get_window_stats(item, who)
        refusal = Refusal(spelled(item), max(1, math.ceil(stats.reset_time - time.time())))
        API_RATE_LIMITED.labels(key_name).inc()
        self._log(key_name, "API key %r is over its rate limit (%s): answered 429", key_name, refusal.limit)
        return refusal

    def _log(self, key_name: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self.logged.get(key_name, -LOG_EVERY_S) >= LOG_EVERY_S:
            self.logged[key_name] = now
            log.warning(message, *args)


def window_storage(redis_url: str | None, key_prefix: str) -> Storage:
    """Where moving windows are counted: this process's memory, or Redis shared by every process."""
    if not redis_url:
        return MemoryStorage()
    # limits names its async Redis URLs async+redis://, async+rediss://, async+redis+unix://;
    # redis-py (the client the rest of Ordergram uses) rather than limits' default coredis.
    scheme, _, rest = redis_url.partition("://")
    url = f"async+redis+unix://{rest}" if scheme == "unix" else f"async+{redis_url}"
    return RedisStorage(url, implementation="redispy", key_prefix=key_prefix)


def spelled(item: RateLimitItem) -> str:
    """``30 per 1 second`` as a person reads it: ``30 requests a second``, ``600 requests in 5 minutes``."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} requests a {unit}"
    return f"{item.amount} requests in {item.multiples} {unit}s"
