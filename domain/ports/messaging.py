"""The ports of messages to customers: the outbox, back-in-stock subscriptions, campaigns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.campaigns import Audience, Campaign, Recipient, Segment
from domain.notifications import Notification


class OutboxRepository(Protocol):
    async def add(self, notification: Notification, at: datetime) -> None: ...
    async def add_reply(self, notification: Notification, at: datetime) -> Notification:
        """``add`` for a message its caller sends itself right after the commit, as the reply:
        written already claimed (no notifier pass takes it meanwhile; after a crash, one sends
        it when the claim lapses). The notification with its ``id``."""
        ...


class SubscriptionRepository(Protocol):
    async def subscribe(self, customer_id: int, product_id: int, at: datetime) -> bool: ...
    async def waiting(self, product_ids: Sequence[int]) -> list[tuple[int, int]]: ...
    async def mark_notified(self, customer_id: int, product_id: int, at: datetime) -> bool:
        """Marked told if it was still waiting (a conditional write): False when another
        transaction told them meanwhile (goods arriving in two warehouses at once)."""
        ...


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...
    async def get(self, campaign_id: int) -> Campaign | None: ...
    async def lock(self, campaign_id: int) -> None:
        """Take the campaign's row for this transaction (PostgreSQL; SQLite's writers are
        serial): two sends of one campaign go in turn, and the second sees it sent."""
        ...

    async def save(self, campaign: Campaign) -> None: ...
    async def recent(self, limit: int) -> list[Campaign]: ...
    async def due(self, now: datetime) -> list[Campaign]:
        """Scheduled campaigns whose time has come."""
        ...

    async def audience(self, segment: Segment, now: datetime) -> Audience:
        """The segment's customers with a chat, split into who gets it and who does not."""
        ...

    async def enqueue(self, campaign: Campaign, recipients: Sequence[Recipient], at: datetime) -> None:
        """One outbox row per recipient, at the campaign priority."""
        ...

    async def opted_out(self, customer_id: int) -> bool: ...
    async def opt_out(self, customer_id: int, campaign_id: int | None, at: datetime) -> bool:
        """False when they had already."""
        ...

    async def opt_in(self, customer_id: int) -> bool: ...
    async def drop_queued(self, chat_id: int, at: datetime) -> int:
        """Campaign messages not yet sent to this chat are not sent (they unsubscribed)."""
        ...

    async def add_click(self, campaign_id: int, customer_id: int, product_id: int | None, at: datetime) -> None: ...
    async def delivery(self, campaign_id: int) -> dict[str, int]:
        """Its outbox rows by outcome: queued, sent, blocked, failed, dropped."""
        ...

    async def unsubscribed_with(self, campaign_id: int) -> int: ...
    async def clicks(self, campaign_id: int) -> list[tuple[int, datetime]]: ...
    async def orders_since(
        self, customer_ids: Sequence[int], since: datetime
    ) -> list[tuple[int, int, datetime, int, str]]:
        """Orders not cancelled: (id, customer, placed at, total in minor units, currency)."""
        ...
