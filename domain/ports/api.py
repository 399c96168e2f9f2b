"""The API keys' repository port."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.apikeys import ApiKey, FirstUse
from domain.orders import OrderStatus


class ApiRepository(Protocol):
    async def add_key(self, key: ApiKey) -> ApiKey: ...
    async def key_by_prefix(self, prefix: str) -> ApiKey | None: ...
    async def keys(self) -> list[ApiKey]: ...
    async def revoke(self, name: str, at: datetime) -> bool: ...
    async def claim(self, key_id: int, idempotency_key: str, body_hash: str, at: datetime) -> FirstUse | None:
        """Take an Idempotency-Key for this transaction: None when it is ours now, else what
        the request of the channel that used it first sent and made (nothing while unfinished)."""
        ...

    async def settle(
        self, key_id: int, idempotency_key: str, *, order_id: int | None = None, result: str | None = None
    ) -> None:
        """Record what the claiming request made, in its transaction: an order, or another
        request's answer (``result``, e.g. a stock receipt's) for its replays."""
        ...

    async def adopt(self, order_id: int, replacement_id: int, at: datetime) -> bool:
        """A replacement of an order a channel made is that channel's too (as made by the key that made the
        order): found, listed and told of as its own. False, and nothing written, when no channel made it."""
        ...

    async def placed_by(self, key_id: int, order_id: int) -> bool:
        """Whether a key of this key's name (its channel, revoked keys too) made the order."""
        ...

    async def orders_placed(
        self,
        key_id: int,
        *,
        after: int,
        limit: int,
        status: OrderStatus | None = None,
        reference_key: str | None = None,
        changed_since: datetime | None = None,
    ) -> list[int]:
        """The ids of the orders a key of this key's name (its channel, revoked keys too) made,
        past ``after`` in id order, at most ``limit``: of that status, with that reference
        (``domain.orders.reference_key``), changed (moved, edited) at or after that moment."""
        ...
