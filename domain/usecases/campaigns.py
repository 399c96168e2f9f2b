"""Campaigns: draft, segment, preview, test, schedule or send; opt-outs, clicks and the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.campaigns import (
    AlreadySubscribed,
    Audience,
    Campaign,
    CampaignError,
    CampaignReport,
    CampaignStatus,
    EmptySegment,
    NotSubscribed,
    Segment,
    SegmentKind,
    check_message,
    orders_after_clicks,
    segment_of,
)
from domain.catalog import Product
from domain.customers import Customer
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.staff import require

EDITABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})


class UnknownCategory(DomainError):
    key = N_("There is no category named “{name}”.")


class NotInFuture(DomainError):
    key = N_("Pick a time in the future.")


@dataclass(frozen=True, slots=True)
class Preview:
    campaign: Campaign
    audience: Audience
    product: Product | None


async def start_campaign(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, text: str, plain_length: int, photo: str | None
) -> Campaign:
    """A draft with the manager's message (text, or a photo with its caption)."""
    check_message(text, plain_length, photo)
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await uow.campaigns.add(
            Campaign(text=text, created_by=staff_id, created_at=clock.now(), photo=photo)
        )
        await uow.commit()
    return campaign


async def _editable(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """Inside a unit of work: the campaign as the last change left it, while it may still be
    changed or sent (two presses of 🚀 Send now at once: the second sees it sent)."""
    await uow.campaigns.lock(campaign_id)
    campaign = await uow.campaigns.get(campaign_id)
    if campaign is None:
        raise NotFound()
    if campaign.status not in EDITABLE:
        raise CampaignError()
    return campaign


async def set_product(uow: UnitOfWork, *, staff_id: int, campaign_id: int, sku: str | None) -> Product | None:
    """The product its button opens (None: no button)."""
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await _editable(uow, campaign_id)
        product = await uow.products.get_by_sku(sku.strip()) if sku else None
        if sku and product is None:
            raise NotFound()
        campaign.product_id = product.id if product else None
        await uow.campaigns.save(campaign)
        await uow.commit()
    return product


async def choose_segment(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, campaign_id: int, kind: SegmentKind, value: str = ""
) -> Preview:
    """The segment it goes to, refused when nobody in it could receive it."""
    segment = segment_of(kind, value)
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await _editable(uow, campaign_id)
        segment = await _known(uow, segment)
        audience = await uow.campaigns.audience(segment, clock.now())
        if not audience.recipients:
            raise EmptySegment()
        campaign.segment = segment
        await uow.campaigns.save(campaign)
        product = await uow.products.get(campaign.product_id) if campaign.product_id else None
        await uow.commit()
    return Preview(campaign, audience, product)


async def _known(uow: UnitOfWork, segment: Segment) -> Segment:
    """The category or product it names exists (a category by its name, any case)."""
    if segment.kind is SegmentKind.CATEGORY:
        names = {name.casefold(): name for name in await uow.products.category_parents()}
        if segment.value.casefold() not in names:
            raise UnknownCategory(name=segment.value)
        return Segment(segment.kind, names[segment.value.casefold()])
    if segment.kind is SegmentKind.WAITING and await uow.products.get_by_sku(segment.value) is None:
        raise NotFound()
    return segment


async def preview(uow: UnitOfWork, clock: Clock, *, staff_id: int, campaign_id: int) -> Preview:
    await require(uow, staff_id, Permission.MARKETING)
    async with uow.read_only():
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        audience = (
            await uow.campaigns.audience(campaign.segment, clock.now()) if campaign.segment else Audience([], 0, 0)
        )
        product = await uow.products.get(campaign.product_id) if campaign.product_id else None
    return Preview(campaign, audience, product)


async def send_test(uow: UnitOfWork, clock: Clock, *, staff_id: int, campaign_id: int, language: str) -> None:
    """The message as customers will get it, to the manager's own chat (not counted)."""
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        params = {"campaign_id": campaign.id, "text": campaign.text, "photo": campaign.photo}
        params["product_id"] = campaign.product_id
        await uow.outbox.add(Notification(staff_id, "campaign", language, params), clock.now())
        await uow.commit()


async def _send(uow: UnitOfWork, campaign: Campaign, now: datetime) -> Campaign:
    if campaign.segment is None:
        raise EmptySegment()
    audience = await uow.campaigns.audience(campaign.segment, now)
    if not audience.recipients:
        raise EmptySegment()
    await uow.campaigns.enqueue(campaign, audience.recipients, now)
    campaign.status, campaign.sent_at = CampaignStatus.SENT, now
    campaign.targeted, campaign.opted_out, campaign.blocked = audience.targeted, audience.opted_out, audience.blocked
    await uow.campaigns.save(campaign)
    return campaign


async def send_campaign(uow: UnitOfWork, clock: Clock, *, staff_id: int, campaign_id: int) -> Campaign:
    """Written to the outbox now, one message per recipient; the notifier delivers them."""
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await _send(uow, await _editable(uow, campaign_id), clock.now())
        await uow.commit()
    return campaign


async def schedule_campaign(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, campaign_id: int, at: datetime
) -> Campaign:
    if at <= clock.now():
        raise NotInFuture()
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await _editable(uow, campaign_id)
        if campaign.segment is None:
            raise EmptySegment()
        campaign.status, campaign.scheduled_at = CampaignStatus.SCHEDULED, at
        await uow.campaigns.save(campaign)
        await uow.commit()
    return campaign


async def cancel_campaign(uow: UnitOfWork, *, staff_id: int, campaign_id: int) -> Campaign:
    await require(uow, staff_id, Permission.MARKETING)
    async with uow:
        campaign = await _editable(uow, campaign_id)
        campaign.status = CampaignStatus.CANCELLED
        await uow.campaigns.save(campaign)
        await uow.commit()
    return campaign


async def send_due_campaigns(uow: UnitOfWork, clock: Clock) -> int:
    """The scheduled job: each due campaign is sent in its own transaction; one whose segment
    has emptied is cancelled and its manager told. Run twice, it sends nothing twice."""
    async with uow.read_only():
        due = [c.id for c in await uow.campaigns.due(clock.now()) if c.id is not None]
    sent = 0
    for campaign_id in due:
        async with uow:
            await uow.campaigns.lock(campaign_id)  # a manager's 🚀 Send now at this moment goes first or second
            campaign = await uow.campaigns.get(campaign_id)
            if campaign is None or campaign.status is not CampaignStatus.SCHEDULED:
                continue
            try:
                await _send(uow, campaign, clock.now())
                sent += 1
            except EmptySegment:
                campaign.status = CampaignStatus.CANCELLED
                await uow.campaigns.save(campaign)
                notice = Notification(campaign.created_by, "staff_campaign_empty", "", {"campaign_id": campaign_id})
                await uow.outbox.add(notice, clock.now())
            await uow.commit()
    return sent


async def campaigns_list(uow: UnitOfWork, *, staff_id: int, limit: int = 10) -> list[Campaign]:
    await require(uow, staff_id, Permission.MARKETING)
    async with uow.read_only():
        return await uow.campaigns.recent(limit)


async def campaign_report(uow: UnitOfWork, *, staff_id: int, campaign_id: int) -> CampaignReport:
    await require(uow, staff_id, Permission.MARKETING)
    async with uow.read_only():
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound()
        delivery = await uow.campaigns.delivery(campaign_id)
        clicks = await uow.campaigns.clicks(campaign_id)
        since = min((at for _, at in clicks), default=None)
        orders = await uow.campaigns.orders_since(sorted({c for c, _ in clicks}), since) if since else []
        counted = orders_after_clicks(clicks, [(oid, cid, at) for oid, cid, at, _, _ in orders])
        revenue: dict[str, int] = {}
        for order_id, _, _, total, currency in orders:
            if order_id in counted:
                revenue[currency] = revenue.get(currency, 0) + total
        unsubscribed = await uow.campaigns.unsubscribed_with(campaign_id)
    return CampaignReport(
        campaign=campaign,
        targeted=campaign.targeted,
        queued=delivery["queued"],
        sent=delivery["sent"],
        blocked=campaign.blocked + delivery["blocked"],
        failed=delivery["failed"],
        unsubscribed=unsubscribed,
        clicks=len(clicks),
        orders=len(counted),
        revenue=revenue,
    )


async def unsubscribe(uow: UnitOfWork, clock: Clock, *, customer: Customer, campaign_id: int | None = None) -> None:
    """No more campaigns (order notifications still go); what is queued for them is dropped."""
    assert customer.id is not None
    async with uow:
        if campaign_id is not None and await uow.campaigns.get(campaign_id) is None:
            campaign_id = None  # a button naming no campaign of ours (forged): unsubscribed all the same
        if not await uow.campaigns.opt_out(customer.id, campaign_id, clock.now()):
            raise NotSubscribed()
        if customer.telegram_id is not None:
            await uow.campaigns.drop_queued(customer.telegram_id, clock.now())
        await uow.commit()


async def subscribe(uow: UnitOfWork, *, customer: Customer) -> None:
    assert customer.id is not None
    async with uow:
        if not await uow.campaigns.opt_in(customer.id):
            raise AlreadySubscribed()
        await uow.commit()


async def open_campaign_link(
    uow: UnitOfWork, clock: Clock, *, customer: Customer, campaign_id: int, product_id: int
) -> Product | None:
    """A product button's deep link: the click is counted (a link to no campaign is not),
    and the product it opens is returned."""
    assert customer.id is not None
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        product = await uow.products.get(product_id)
        if campaign is not None and campaign.status is CampaignStatus.SENT:
            await uow.campaigns.add_click(campaign_id, customer.id, product_id if product else None, clock.now())
            await uow.commit()
    return product
