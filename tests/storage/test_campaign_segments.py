"""Campaign segments and delivery on SQLite and PostgreSQL: who each segment reaches (and who
it skips: unsubscribed, blocked, no chat), the outbox rows of a send at a lower priority than
an order's notifications, an unsubscribe dropping what is still queued, and the report."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.campaigns import EmptySegment, Segment, SegmentKind
from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.notifications import Notification
from domain.usecases.campaigns import (
    campaign_report,
    choose_segment,
    open_campaign_link,
    schedule_campaign,
    send_campaign,
    send_due_campaigns,
    start_campaign,
    unsubscribe,
)
from storage import models as m
from storage.db import session_factory
from storage.outbox import OutboxStore
from storage.repositories import campaigns as repository
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

MANAGER = 4242


async def _shop(engine: AsyncEngine, clock: FakeClock) -> tuple[SqlUnitOfWork, dict[str, int]]:
    """Customers: ann (en, VIP, bought a candle 100 days ago: at risk), boris (Telegram app
    in ru-RU, bought a mug 10 days ago), cat (ru, VIP, unsubscribed), dan (blocked the bot,
    waits for the mug), eve (VIP, no chat: the API), fay (her only order was cancelled),
    gus (waits for the mug)."""
    uow = SqlUnitOfWork(session_factory(engine))
    now = clock.now()
    people = {
        "ann": Customer(900, "Ann", language="en", is_vip=True),
        "boris": Customer(901, "Boris", telegram_language="ru-RU", price_group="wholesale"),
        "cat": Customer(902, "Cat", language="ru", is_vip=True),
        "dan": Customer(903, "Dan", language="en", unreachable=True),
        "eve": Customer(None, "Eve", is_vip=True),
        "fay": Customer(905, "Fay"),
        "gus": Customer(906, "Gus"),
    }
    async with uow:
        ids = {}
        for name, customer in people.items():
            customer.created_at = now
            ids[name] = (await uow.customers.add(customer)).id or 0
        candle = await uow.products.upsert(Product(sku="CANDLE", name="Candle", category="Candles", prices={}))
        mug = await uow.products.upsert(Product(sku="MUG", name="Mug", category="Kitchen", prices={}))
        await uow.products.link_categories({"Candles": "Home"})
        ids["candle"], ids["mug"] = candle.id or 0, mug.id or 0
        await uow.staff.put(StaffMember(MANAGER, Role.MANAGER))
        await uow.commit()
    async with session_factory(engine)() as session, session.begin():
        for n, (who, product, days, status) in enumerate(
            [("ann", "candle", 100, "delivered"), ("boris", "mug", 10, "placed"), ("fay", "candle", 200, "cancelled")]
        ):
            at = now - timedelta(days=days)
            placed = dict(code=f"ORD{n}", customer_id=ids[who], status=status, currency="EUR", created_at=at)
            order = m.OrderRow(**placed, subtotal_minor=500, total_minor=500, updated_at=at)
            session.add(order)
            await session.flush()
            line = m.OrderLineRow(order_id=order.id, product_id=ids[product], sku="X", name="X", quantity=1)
            session.add(line)
            line.unit_price_minor = 500
        for who in ("dan", "gus"):
            session.add(m.StockSubscriptionRow(customer_id=ids[who], product_id=ids["mug"], created_at=now))
        session.add(m.MarketingOptOutRow(customer_id=ids["cat"], at=now))
    return uow, ids


async def _segment(
    uow: SqlUnitOfWork, clock: FakeClock, kind: SegmentKind, value: str = ""
) -> tuple[set[int], int, int]:
    async with uow.read_only():
        audience = await uow.campaigns.audience(Segment(kind, value), clock.now())
    return {r.chat_id for r in audience.recipients}, audience.opted_out, audience.blocked


async def test_each_segment_reaches_its_customers_and_skips_the_unsubscribed_and_blocked(
    engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    uow, ids = await _shop(engine, clock)
    k = SegmentKind
    assert await _segment(uow, clock, k.EVERYONE) == ({900, 901, 905, 906}, 1, 1)
    assert await _segment(uow, clock, k.LANGUAGE, "ru") == ({901}, 1, 0)  # Boris by his app's language
    assert await _segment(uow, clock, k.LANGUAGE, "en") == ({900}, 0, 1)
    assert await _segment(uow, clock, k.VIP) == ({900}, 1, 0)  # Eve has no chat: not even targeted
    assert await _segment(uow, clock, k.AT_RISK) == ({900}, 0, 0)  # Fay's only order was cancelled
    assert await _segment(uow, clock, k.CATEGORY, "home") == ({900}, 0, 0)  # a candle is inside Home
    assert await _segment(uow, clock, k.CATEGORY, "Kitchen") == ({901}, 0, 0)
    assert await _segment(uow, clock, k.CATEGORY, "Garden") == (set(), 0, 0)
    assert await _segment(uow, clock, k.WAITING, "MUG") == ({906}, 0, 1)
    assert await _segment(uow, clock, k.GROUP, "wholesale") == ({901}, 0, 0)
    assert await _segment(uow, clock, k.GROUP, "retail") == ({900, 905, 906}, 1, 1)
    some = ",".join(str(ids[who]) for who in ("boris", "eve", "gus", "cat")) + ",99999"
    assert await _segment(uow, clock, k.IDS, some) == ({901, 906}, 1, 0)
    monkeypatch.setattr(repository, "IDS_PER_QUERY", 2)  # a long list is read in parts, each customer once
    assert await _segment(uow, clock, k.IDS, some + "," + some) == ({901, 906}, 1, 0)


async def test_a_send_queues_behind_order_notifications_and_an_unsubscribe_drops_the_rest(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow, ids = await _shop(engine, clock)
    draft = await start_campaign(uow, clock, staff_id=MANAGER, text="Sale!", plain_length=5, photo=None)
    assert draft.id is not None
    with pytest.raises(EmptySegment):
        await choose_segment(uow, clock, staff_id=MANAGER, campaign_id=draft.id, kind=SegmentKind.LANGUAGE, value="de")
    await choose_segment(uow, clock, staff_id=MANAGER, campaign_id=draft.id, kind=SegmentKind.EVERYONE)
    sent = await send_campaign(uow, clock, staff_id=MANAGER, campaign_id=draft.id)
    assert (sent.targeted, sent.opted_out, sent.blocked) == (6, 1, 1)
    async with uow:  # an order's message written after the campaign
        await uow.outbox.add(Notification(905, "order_status", "en", {"code": "X"}), clock.now())
        await uow.commit()
    store = OutboxStore(session_factory(engine))
    first = await store.claim(clock.now(), limit=1)
    assert [(msg.chat_id, msg.template) for msg in first] == [(905, "order_status")]

    async with uow.read_only():
        gus = await uow.customers.get(ids["gus"])
    assert gus is not None
    await unsubscribe(uow, clock, customer=gus, campaign_id=draft.id)
    claimed = await store.claim(clock.now())
    assert sorted(msg.chat_id for msg in claimed) == [900, 901, 905]  # Gus's was dropped
    for msg in claimed:
        await store.sent(msg.id, clock.now())

    async with uow.read_only():
        ann = await uow.customers.get(ids["ann"])
    assert ann is not None
    assert await open_campaign_link(uow, clock, customer=ann, campaign_id=draft.id, product_id=ids["mug"])
    async with session_factory(engine)() as session, session.begin():
        at = clock.now() + timedelta(days=2)
        after = dict(code="AFTER", customer_id=ids["ann"], status="placed", currency="EUR", created_at=at)
        session.add(m.OrderRow(**after, subtotal_minor=1250, total_minor=1250, updated_at=at))
    report = await campaign_report(uow, staff_id=MANAGER, campaign_id=draft.id)
    assert (report.targeted, report.sent, report.blocked, report.failed, report.queued) == (6, 3, 1, 0, 0)
    assert (report.unsubscribed, report.clicks, report.orders, report.revenue) == (1, 1, 1, {"EUR": 1250})


async def test_a_scheduled_campaign_is_sent_once_when_due(engine: AsyncEngine, clock: FakeClock) -> None:
    uow, _ids = await _shop(engine, clock)
    draft = await start_campaign(uow, clock, staff_id=MANAGER, text="Soon", plain_length=4, photo=None)
    assert draft.id is not None
    await choose_segment(uow, clock, staff_id=MANAGER, campaign_id=draft.id, kind=SegmentKind.VIP)
    await schedule_campaign(uow, clock, staff_id=MANAGER, campaign_id=draft.id, at=clock.now() + timedelta(hours=1))
    assert await send_due_campaigns(uow, clock) == 0
    clock.advance(hours=1)
    assert await send_due_campaigns(uow, clock) == 1
    assert await send_due_campaigns(uow, clock) == 0
    async with session_factory(engine)() as session:
        chats = (await session.scalars(select(m.OutboxRow.chat_id).where(m.OutboxRow.campaign_id == draft.id))).all()
    assert list(chats) == [900]


async def test_a_campaign_sent_twice_at_once_reaches_each_customer_once(engine: AsyncEngine, clock: FakeClock) -> None:
    """Two managers press 🚀 Send now together (or one presses it as the scheduler sends it):
    one send wins, the other is refused, and nobody gets the campaign twice."""
    uow, _ids = await _shop(engine, clock)
    draft = await start_campaign(uow, clock, staff_id=MANAGER, text="Once", plain_length=4, photo=None)
    assert draft.id is not None
    await choose_segment(uow, clock, staff_id=MANAGER, campaign_id=draft.id, kind=SegmentKind.EVERYONE)
    other = SqlUnitOfWork(session_factory(engine))  # another process's unit of work
    results = await asyncio.gather(
        send_campaign(uow, clock, staff_id=MANAGER, campaign_id=draft.id),
        send_campaign(other, clock, staff_id=MANAGER, campaign_id=draft.id),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Campaign", "CampaignError"]
    async with session_factory(engine)() as session:
        chats = (await session.scalars(select(m.OutboxRow.chat_id).where(m.OutboxRow.campaign_id == draft.id))).all()
    assert sorted(chats) == [900, 901, 905, 906]  # each reachable customer once
