"""The outbox (notifications written with the change that caused them) and back-in-stock subscriptions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notifications import Notification
from storage import models as m
from storage.repositories.sql import _chunks, _table, insert_if_missing, run

_ADD_MESSAGE = insert(_table(m.OutboxRow))
REPLY_LEASE = timedelta(seconds=60)  # as a notifier's claim (storage.outbox.LEASE)


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, notification: Notification, at: datetime) -> None:
        """A Core INSERT (``sql.run``): placing an order writes one, and the ORM's add and
        flush cost more than the rest of its statements together."""
        await run(self.s, _ADD_MESSAGE, self._values(notification, at))

    async def add_reply(self, notification: Notification, at: datetime) -> Notification:
        """Claimed as ``storage.outbox.OutboxStore.claim`` would claim it (its attempt counted,
        leased until ``REPLY_LEASE`` from now), by the transaction that writes it: placing
        an order then claims its confirmation with no write transaction of its own."""
        values = self._values(notification, at) | {"next_attempt_at": at + REPLY_LEASE, "attempts": 1}
        written = await run(self.s, _ADD_MESSAGE, values)
        return replace(notification, id=written.inserted_primary_key[0], created_at=at)  # type: ignore[index]

    @staticmethod
    def _values(notification: Notification, at: datetime) -> dict[str, object]:
        return {
            "chat_id": notification.chat_id,
            "template": notification.template,
            "language": notification.language,
            "params": json.dumps(notification.params, ensure_ascii=False, default=str),
            "created_at": at,
            "next_attempt_at": at,
            "attempts": 0,
        }


class SqlSubscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def subscribe(self, customer_id: int, product_id: int, at: datetime) -> bool:
        # Made if missing in one statement: "Notify me" tapped twice at once read no row in both
        # and the second insert failed on PostgreSQL (duplicate key, "something went wrong").
        values = {"customer_id": customer_id, "product_id": product_id, "created_at": at}
        if await insert_if_missing(self.s, m.StockSubscriptionRow, values):
            return True
        row = await self.s.get(m.StockSubscriptionRow, (customer_id, product_id), with_for_update=True)
        if row is None or row.notified_at is None:  # waiting already
            return False
        row.created_at, row.notified_at = at, None  # told once before: waits again
        await self.s.flush()
        return True

    async def waiting(self, product_ids: Sequence[int]) -> list[tuple[int, int]]:
        if not product_ids:
            return []
        t = m.StockSubscriptionRow
        found: list[tuple[int, int]] = []
        for chunk in _chunks(list(product_ids)):  # a stock file names up to 100,000 products
            rows = await self.s.execute(
                select(t.customer_id, t.product_id).where(t.product_id.in_(chunk), t.notified_at.is_(None))
            )
            found += [(c, p) for c, p in rows]
        return found

    async def mark_notified(self, customer_id: int, product_id: int, at: datetime) -> bool:
        t = m.StockSubscriptionRow
        done = await self.s.execute(
            update(t)
            .where(t.customer_id == customer_id, t.product_id == product_id, t.notified_at.is_(None))
            .values(notified_at=at)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]
