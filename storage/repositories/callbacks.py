"""The intake API channels' status callbacks: their URLs, and the events waiting to be delivered."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.callbacks import ChannelCallback, DueCallback, OrderEvent
from storage import models as m

_E, _C = m.ApiEventRow, m.ApiCallbackRow

# A channel is open while it has an active key: a revoked key shuts it (the key leaked, or the channel left), so it
# is told nothing; its waiting events wait until the channel's next key opens it again.
_OPEN = exists(
    select(m.ApiKeyRow.id).where(m.ApiKeyRow.name == _C.channel, m.ApiKeyRow.revoked_at.is_(None))
).correlate(_C)


class SqlCallbacks:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def set_url(self, channel: str, url: str, secret: str, at: datetime) -> None:
        row = await self.s.get(_C, channel)
        if row is None:
            self.s.add(_C(channel=channel, url=url, secret=secret, set_at=at))
        else:
            row.url, row.secret, row.set_at = url, secret, at
        await self.s.flush()

    async def remove(self, channel: str) -> int | None:
        done = await self.s.execute(
            delete(_C).where(_C.channel == channel).execution_options(synchronize_session=False)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            return None
        # As a webhook endpoint deleted at Stripe or Shopify: what waited for it is not sent, to it or to
        # a URL set later (hours-old changes, meant for another receiver); delivered and given-up ones stay.
        dropped = await self.s.execute(
            delete(_E)
            .where(_E.channel == channel, _E.delivered_at.is_(None), _E.failed_at.is_(None))
            .execution_options(synchronize_session=False)
        )
        return int(dropped.rowcount)  # type: ignore[attr-defined]

    async def of_channel(self, channel: str) -> ChannelCallback | None:
        row = await self.s.get(_C, channel)
        if row is None:
            return None
        counts = (
            await self.s.execute(
                select(
                    func.count().filter(_E.delivered_at.is_(None), _E.failed_at.is_(None)),
                    func.count().filter(_E.failed_at.is_not(None)),
                ).where(_E.channel == channel)
            )
        ).one()
        return ChannelCallback(row.channel, row.url, row.set_at, int(counts[0]), int(counts[1]))

    async def record(self, order_id: int, event: OrderEvent) -> int | None:
        k, r = m.ApiKeyRow, m.ApiRequestRow
        channel = await self.s.scalar(
            select(_C.channel)
            .join(k, k.name == _C.channel)
            .join(r, r.api_key_id == k.id)
            .where(r.order_id == order_id, _OPEN)
            .limit(1)
            # The URL's row shared until the change commits: a removal (``remove``) waits for it and then drops
            # its event with the others, and a change after the removal finds no URL (PostgreSQL; SQLite's
            # writers take turns).
            .with_for_update(read=True, of=_C)
        )
        if channel is None:
            return None
        row = _E(
            channel=channel,
            order_id=order_id,
            type=event.type.value,
            data=json.dumps(event.data(), ensure_ascii=False),
            occurred_at=event.occurred_at,
            next_attempt_at=event.occurred_at,
            attempts=0,
            last_error="",
        )
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def due(self, now: datetime, limit: int, skip: Collection[str] = ()) -> list[DueCallback]:
        query = (
            select(_E.id, _E.channel, _C.url, _C.secret, _E.type, _E.occurred_at, _E.data, _E.attempts)
            .join(_C, _C.channel == _E.channel)
            .where(_E.delivered_at.is_(None), _E.failed_at.is_(None), _E.next_attempt_at <= now, _OPEN)
            .order_by(_E.id)
            .limit(limit)
        )
        if skip:
            query = query.where(_E.channel.not_in(list(skip)))
        rows = await self.s.execute(query)
        return [
            DueCallback(
                row.id, row.channel, row.url, row.secret, row.type, row.occurred_at, json.loads(row.data), row.attempts
            )
            for row in rows
        ]

    async def delivered(self, event_id: int, at: datetime) -> None:
        await self.s.execute(
            update(_E)
            .where(_E.id == event_id)
            .values(delivered_at=at, attempts=_E.attempts + 1)
            .execution_options(synchronize_session=False)
        )

    async def failed(self, event_id: int, error: str, at: datetime, retry_at: datetime | None) -> None:
        values: dict[str, object] = {"attempts": _E.attempts + 1, "last_error": error[:500]}
        if retry_at is None:
            values["failed_at"] = at
        else:
            values["next_attempt_at"] = retry_at
        await self.s.execute(
            update(_E).where(_E.id == event_id).values(**values).execution_options(synchronize_session=False)
        )
