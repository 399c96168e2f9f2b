"""Wrong API keys per client address (``API_AUTH_FAILURE_LIMIT``): over it, ``429`` unchecked."""

from __future__ import annotations

import ipaddress
import logging
import math
import time

from limits import parse_many
from limits.aio.strategies import MovingWindowRateLimiter

from bot.api_limits import LOG_EVERY_S, Refusal, spelled, window_storage
from bot.metrics import API_AUTH_REFUSED

log = logging.getLogger(__name__)


class FailedKeys:
    """A moving window of wrong keys per client address for each limit, in memory or in Redis
    (every process counts an address's failures together). Only failures are counted, so a
    channel sending its right key is never held back; while an address is over, the keys it
    sends are not checked at all, so a guess that happens to be right is not told apart."""

    def __init__(self, spec: str, *, redis_url: str | None = None, namespace: str = "ordergram") -> None:
        self.items = parse_many(spec)
        self.limiter = MovingWindowRateLimiter(window_storage(redis_url, f"{namespace}:api-auth"))
        self.logged: dict[str, float] = {}

    async def refusal(self, address: str) -> Refusal | None:
        """The limit this address is over, or None. Redis unreachable: None (logged)."""
        address = counted_as(address)
        try:
            for item in self.items:
                if not await self.limiter.test(item, address):
                    stats = await self.limiter.get_window_stats(item, address)
                    API_AUTH_REFUSED.labels("429").inc()
                    self._log(address, "%s sent more wrong API keys than %s: answered 429", address, spelled(item))
                    return Refusal(spelled(item), max(1, math.ceil(stats.reset_time - time.time())))
        except Exception as error:  # noqa: BLE001 - the storage's own errors (Redis away): check the key
            self._log(address, "API key failures not checked (%s)", type(error).__name__)
        return None

    async def failed(self, address: str) -> None:
        """Count a wrong key from this address."""
        address = counted_as(address)
        API_AUTH_REFUSED.labels("401").inc()
        try:
            for item in self.items:
                await self.limiter.hit(item, address)
        except Exception as error:  # noqa: BLE001 - as above
            self._log(address, "API key failure not counted (%s)", type(error).__name__)

    def _log(self, address: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self.logged.get(address, -LOG_EVERY_S) >= LOG_EVERY_S:
            if len(self.logged) > 10_000:  # many addresses: forget them rather than grow without end
                self.logged.clear()
            self.logged[address] = now
            log.warning(message, *args)


def counted_as(address: str) -> str:
    """Whose failures an address's are: an IPv6 address's /64 (one subscriber's network, 2^64
    addresses to send each guess from a fresh one), an IPv4 address (mapped or not) itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
