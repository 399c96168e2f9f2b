"""API keys and the Idempotency-Key claims of the HTTP intake API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.apikeys import ApiKey, FirstUse, KeyNameTaken, Scope
from domain.orders import OrderStatus
from storage import models as m

ADOPTED = "\nreplacement "  # the claim that makes a replacement its first order's channel's


class SqlApi:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _key(row: m.ApiKeyRow) -> ApiKey:
        scopes = frozenset(Scope(name) for name in row.scopes.split())
        carriers = frozenset(name for name in row.carriers.split("\n") if name)
        return ApiKey(row.name, row.prefix, row.key_hash, row.created_at, row.revoked_at, row.id, scopes, carriers)

    async def add_key(self, key: ApiKey) -> ApiKey:
        """Refuses a name an active key has; a revoked key's name is free again."""
        k = m.ApiKeyRow
        if await self.s.scalar(select(k.id).where(k.name == key.name, k.revoked_at.is_(None))) is not None:
            raise KeyNameTaken(name=key.name)
        row = m.ApiKeyRow(
            name=key.name,
            prefix=key.prefix,
            key_hash=key.key_hash,
            created_at=key.created_at,
            scopes=" ".join(sorted(key.scopes)),
            carriers="\n".join(sorted(key.carriers)),
        )
        self.s.add(row)
        try:
            await self.s.flush()
        except IntegrityError:  # another process gave the name to its key since the check
            raise KeyNameTaken(name=key.name) from None
        key.id = row.id
        return key

    async def key_by_prefix(self, prefix: str) -> ApiKey | None:
        row = await self.s.scalar(select(m.ApiKeyRow).where(m.ApiKeyRow.prefix == prefix))
        return self._key(row) if row else None

    async def keys(self) -> list[ApiKey]:
        return [
            self._key(r) for r in await self.s.scalars(select(m.ApiKeyRow).order_by(m.ApiKeyRow.name, m.ApiKeyRow.id))
        ]

    async def revoke(self, name: str, at: datetime) -> bool:
        k = m.ApiKeyRow
        done = await self.s.execute(
            update(k)
            .where(k.name == name, k.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def claim(self, key_id: int, idempotency_key: str, body_hash: str, at: datetime) -> FirstUse | None:
        r = m.ApiRequestRow
        # The channel's earlier keys (revoked namesakes: one key of a name is active at a time)
        # first: a retry sent across a key rotation is the order it repeats, not a second one.
        earlier = (
            await self.s.execute(
                select(r.body_hash, r.order_id, r.result).where(
                    r.api_key_id.in_(_namesakes(key_id)), r.api_key_id != key_id, r.idempotency_key == idempotency_key
                )
            )
        ).first()
        if earlier is not None:
            return FirstUse(earlier.body_hash, earlier.order_id, earlier.result)
        try:
            async with self.s.begin_nested():  # a concurrent first use waits here, then loses
                self.s.add(r(api_key_id=key_id, idempotency_key=idempotency_key, body_hash=body_hash, created_at=at))
        except IntegrityError:
            first = (
                await self.s.execute(
                    select(r.body_hash, r.order_id, r.result).where(
                        r.api_key_id == key_id, r.idempotency_key == idempotency_key
                    )
                )
            ).one()
            return FirstUse(first.body_hash, first.order_id, first.result)
        return None

    async def adopt(self, order_id: int, replacement_id: int, at: datetime) -> bool:
        r = m.ApiRequestRow
        maker = await self.s.scalar(select(r.api_key_id).where(r.order_id == order_id).order_by(r.id).limit(1))
        if maker is None:
            return False
        # A claim of a key no request can send (a line break: not in a header, refused by ``bot.api``), so a
        # channel's own Idempotency-Keys never meet it; the one row that says which channel an order is.
        key = f"{ADOPTED}{replacement_id}"
        self.s.add(r(api_key_id=maker, idempotency_key=key, body_hash="", order_id=replacement_id, created_at=at))
        await self.s.flush()
        return True

    async def placed_by(self, key_id: int, order_id: int) -> bool:
        r = m.ApiRequestRow
        found = await self.s.scalar(
            select(r.id).where(r.api_key_id.in_(_namesakes(key_id)), r.order_id == order_id).limit(1)
        )
        return found is not None

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
        r, o = m.ApiRequestRow, m.OrderRow
        query = (
            select(o.id)
            .join(r, r.order_id == o.id)
            .where(r.api_key_id.in_(_namesakes(key_id)), o.id > after)
            .order_by(o.id)
            .limit(limit)
        )
        if status is not None:
            query = query.where(o.status == status.value)
        if reference_key is not None:
            query = query.where(o.reference_key == reference_key)
        if changed_since is not None:
            query = query.where(o.updated_at >= changed_since)
        return list(await self.s.scalars(query))

    async def settle(
        self, key_id: int, idempotency_key: str, *, order_id: int | None = None, result: str | None = None
    ) -> None:
        r = m.ApiRequestRow
        await self.s.execute(
            update(r)
            .where(r.api_key_id == key_id, r.idempotency_key == idempotency_key)
            .values(order_id=order_id, result=result)
            .execution_options(synchronize_session=False)
        )


def _namesakes(key_id: int) -> Select[int]:
    """The ids of every key with this key's name, revoked ones too: one channel's keys."""
    k, named = m.ApiKeyRow, aliased(m.ApiKeyRow)
    return select(k.id).where(k.name == select(named.name).where(named.id == key_id).scalar_subquery())
