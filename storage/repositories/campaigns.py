"""Campaigns: the segment queries, the outbox rows of a send, opt-outs, clicks and the report's figures."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, false, func, insert, literal, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns import (
    CAMPAIGN_PRIORITY,
    Audience,
    Campaign,
    CampaignStatus,
    Recipient,
    Segment,
    SegmentKind,
)
from domain.orders import OrderStatus
from domain.usecases.insight import AT_RISK_AFTER
from storage import models as m
from storage.repositories.sql import insert_if_missing

DROPPED = "unsubscribed"  # last_error of a campaign row not sent because its customer unsubscribed
IDS_PER_QUERY = 5_000  # bound parameters per statement stay far under SQLite's and PostgreSQL's limits
c = m.CustomerRow
o = m.OrderRow
LIVE = o.status != OrderStatus.CANCELLED.value

Filter = Callable[[AsyncSession, Segment, datetime], Awaitable[list[ColumnElement[bool]]]]


async def _everyone(_s: AsyncSession, _segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    return [true()]


async def _language(_s: AsyncSession, segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    """The language messages reach them in (``Customer.notification_language``)."""
    app = func.lower(c.telegram_language)
    return [
        or_(
            c.language == segment.value,
            and_(
                or_(c.language.is_(None), c.language == ""), or_(app == segment.value, app.like(f"{segment.value}-%"))
            ),
        )
    ]


async def _vip(_s: AsyncSession, _segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    return [c.is_vip.is_(True)]


async def _at_risk(_s: AsyncSession, _segment: Segment, now: datetime) -> list[ColumnElement[bool]]:
    """They ordered, but not for ``AT_RISK_AFTER`` (the customer profile's "at risk")."""
    ordered = select(o.id).where(o.customer_id == c.id, LIVE)
    recently = ordered.where(o.created_at > now - AT_RISK_AFTER)
    return [and_(exists(ordered), ~exists(recently))]


async def _category(s: AsyncSession, segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    """They bought (an order not cancelled) a product of the category or of one inside it."""
    tree = (await s.execute(select(m.CategoryRow.id, m.CategoryRow.parent_id, m.CategoryRow.name))).all()
    wanted = {cid for cid, _parent, name in tree if name.casefold() == segment.value.casefold()}
    grew = True
    while grew:
        inside = {cid for cid, parent, _name in tree if parent in wanted} - wanted
        wanted |= inside
        grew = bool(inside)
    bought = (
        select(o.customer_id)
        .join(m.OrderLineRow, m.OrderLineRow.order_id == o.id)
        .join(m.ProductRow, m.ProductRow.id == m.OrderLineRow.product_id)
        .where(LIVE, m.ProductRow.category_id.in_(wanted or {-1}))
    )
    return [c.id.in_(bought)]


async def _waiting(_s: AsyncSession, segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    """Subscribed to the product's back-in-stock message and not told yet."""
    t = m.StockSubscriptionRow
    waiting = (
        select(t.customer_id)
        .join(m.ProductRow, m.ProductRow.id == t.product_id)
        .where(m.ProductRow.sku == segment.value, t.notified_at.is_(None))
    )
    return [c.id.in_(waiting)]


async def _ids(_s: AsyncSession, segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    ids = segment.ids()
    return [c.id.in_(ids[i : i + IDS_PER_QUERY]) for i in range(0, len(ids), IDS_PER_QUERY)] or [c.id == -1]


async def _group(_s: AsyncSession, segment: Segment, _now: datetime) -> list[ColumnElement[bool]]:
    return [c.price_group == segment.value]


# One filter per kind of segment; each returns alternatives (a long id list is several), and
# a customer is in the segment when one of them holds.
SEGMENT_FILTERS: dict[SegmentKind, Filter] = {
    SegmentKind.EVERYONE: _everyone,
    SegmentKind.LANGUAGE: _language,
    SegmentKind.VIP: _vip,
    SegmentKind.AT_RISK: _at_risk,
    SegmentKind.CATEGORY: _category,
    SegmentKind.WAITING: _waiting,
    SegmentKind.IDS: _ids,
    SegmentKind.GROUP: _group,
}


def _campaign(row: m.CampaignRow) -> Campaign:
    segment = Segment(SegmentKind(row.segment_kind), row.segment_value) if row.segment_kind else None
    return Campaign(
        text=row.text,
        created_by=row.created_by,
        created_at=row.created_at,
        photo=row.photo,
        product_id=row.product_id,
        segment=segment,
        status=CampaignStatus(row.status),
        scheduled_at=row.scheduled_at,
        sent_at=row.sent_at,
        targeted=row.targeted,
        opted_out=row.opted_out,
        blocked=row.blocked,
        id=row.id,
    )


def _columns(campaign: Campaign) -> dict[str, object]:
    return {
        "text": campaign.text,
        "photo": campaign.photo,
        "product_id": campaign.product_id,
        "segment_kind": campaign.segment.kind.value if campaign.segment else None,
        "segment_value": campaign.segment.value if campaign.segment else "",
        "status": campaign.status.value,
        "created_by": campaign.created_by,
        "created_at": campaign.created_at,
        "scheduled_at": campaign.scheduled_at,
        "sent_at": campaign.sent_at,
        "targeted": campaign.targeted,
        "opted_out": campaign.opted_out,
        "blocked": campaign.blocked,
    }


def outbox_params(campaign: Campaign) -> dict[str, object]:
    """What the notifier needs to render a campaign message (``notifications/campaign``)."""
    return {
        "campaign_id": campaign.id,
        "text": campaign.text,
        "photo": campaign.photo,
        "product_id": campaign.product_id,
    }


class SqlCampaigns:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, campaign: Campaign) -> Campaign:
        row = m.CampaignRow(**_columns(campaign))
        self.s.add(row)
        await self.s.flush()
        campaign.id = row.id
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self.s.get(m.CampaignRow, campaign_id)
        return _campaign(row) if row is not None else None

    async def lock(self, campaign_id: int) -> None:
        await self.s.execute(select(m.CampaignRow.id).where(m.CampaignRow.id == campaign_id).with_for_update())

    async def save(self, campaign: Campaign) -> None:
        await self.s.execute(update(m.CampaignRow).where(m.CampaignRow.id == campaign.id).values(**_columns(campaign)))

    async def recent(self, limit: int) -> list[Campaign]:
        rows = await self.s.scalars(select(m.CampaignRow).order_by(m.CampaignRow.id.desc()).limit(limit))
        return [_campaign(row) for row in rows]

    async def due(self, now: datetime) -> list[Campaign]:
        t = m.CampaignRow
        rows = await self.s.scalars(
            select(t).where(t.status == CampaignStatus.SCHEDULED.value, t.scheduled_at <= now).order_by(t.id)
        )
        return [_campaign(row) for row in rows]

    async def audience(self, segment: Segment, now: datetime) -> Audience:
        opted = exists(select(m.MarketingOptOutRow.customer_id).where(m.MarketingOptOutRow.customer_id == c.id))
        base = select(c.id, c.telegram_id, c.language, c.telegram_language, c.unreachable, opted).where(
            c.telegram_id.is_not(None)
        )
        recipients: list[Recipient] = []
        opted_out = blocked = 0
        seen: set[int] = set()
        for condition in await SEGMENT_FILTERS[segment.kind](self.s, segment, now):
            for customer_id, chat_id, language, app_language, unreachable, out in await self.s.execute(
                base.where(condition).order_by(c.id)
            ):
                if customer_id in seen:
                    continue
                seen.add(customer_id)
                if out:
                    opted_out += 1
                elif unreachable:
                    blocked += 1
                else:
                    spoken = language or (app_language.split("-")[0].lower()[:8] if app_language else "")
                    recipients.append(Recipient(customer_id, chat_id or 0, spoken))
        return Audience(recipients, opted_out, blocked)

    async def enqueue(self, campaign: Campaign, recipients: Sequence[Recipient], at: datetime) -> None:
        params = json.dumps(outbox_params(campaign), ensure_ascii=False)
        rows = [
            {
                "chat_id": r.chat_id,
                "template": "campaign",
                "language": r.language,
                "params": params,
                "created_at": at,
                "next_attempt_at": at,
                "attempts": 0,
                "last_error": "",
                "priority": CAMPAIGN_PRIORITY,
                "campaign_id": campaign.id,
            }
            for r in recipients
        ]
        for i in range(0, len(rows), 1000):
            await self.s.execute(insert(m.OutboxRow), rows[i : i + 1000])

    async def opted_out(self, customer_id: int) -> bool:
        return await self.s.get(m.MarketingOptOutRow, customer_id) is not None

    async def opt_out(self, customer_id: int, campaign_id: int | None, at: datetime) -> bool:
        """False when opted out already (a double tap: the second waits for the first's row)."""
        values = {"customer_id": customer_id, "at": at, "campaign_id": campaign_id}
        return await insert_if_missing(self.s, m.MarketingOptOutRow, values)

    async def opt_in(self, customer_id: int) -> bool:
        t = m.MarketingOptOutRow
        result = await self.s.execute(delete(t).where(t.customer_id == customer_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def drop_queued(self, chat_id: int, at: datetime) -> int:
        t = m.OutboxRow
        result = await self.s.execute(
            update(t)
            .where(t.chat_id == chat_id, t.campaign_id.is_not(None), t.sent_at.is_(None), t.failed_at.is_(None))
            .values(failed_at=at, last_error=DROPPED)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def add_click(self, campaign_id: int, customer_id: int, product_id: int | None, at: datetime) -> None:
        self.s.add(
            m.CampaignClickRow(campaign_id=campaign_id, customer_id=customer_id, product_id=product_id, clicked_at=at)
        )
        await self.s.flush()

    async def delivery(self, campaign_id: int) -> dict[str, int]:
        t = m.OutboxRow
        state = (
            t.sent_at.is_not(None).label("sent"),
            t.failed_at.is_not(None).label("failed"),
            (t.last_error == literal(DROPPED)).label("dropped"),
            func.coalesce(c.unreachable, false()).label("unreachable"),
        )
        rows = await self.s.execute(
            select(*state, func.count())
            .outerjoin(c, c.telegram_id == t.chat_id)
            .where(t.campaign_id == campaign_id)
            .group_by(*state)  # by the labels: PostgreSQL sees one expression, not two bound twice
        )
        counts = dict.fromkeys(("queued", "sent", "blocked", "failed", "dropped"), 0)
        for sent, failed, dropped, unreachable, count in rows:
            outcome = (
                "sent"
                if sent
                else "queued"
                if not failed
                else "dropped"
                if dropped
                else "blocked"
                if unreachable
                else "failed"
            )
            counts[outcome] += int(count)
        return counts

    async def unsubscribed_with(self, campaign_id: int) -> int:
        t = m.MarketingOptOutRow
        return int(await self.s.scalar(select(func.count()).where(t.campaign_id == campaign_id)) or 0)

    async def clicks(self, campaign_id: int) -> list[tuple[int, datetime]]:
        t = m.CampaignClickRow
        rows = await self.s.execute(select(t.customer_id, t.clicked_at).where(t.campaign_id == campaign_id))
        return [(customer_id, at) for customer_id, at in rows]

    async def orders_since(
        self, customer_ids: Sequence[int], since: datetime
    ) -> list[tuple[int, int, datetime, int, str]]:
        found: list[tuple[int, int, datetime, int, str]] = []
        ids = list(customer_ids)
        for i in range(0, len(ids), IDS_PER_QUERY):
            rows = await self.s.execute(
                select(o.id, o.customer_id, o.created_at, o.total_minor, o.currency).where(
                    o.customer_id.in_(ids[i : i + IDS_PER_QUERY]), o.created_at >= since, LIVE
                )
            )
            found.extend((a, b, when, total, currency) for a, b, when, total, currency in rows)
        return found
