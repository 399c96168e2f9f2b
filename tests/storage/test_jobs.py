"""Scheduled jobs on SQLite and PostgreSQL, driven by a fake clock: the hold sweeper and
abandoned-cart reminder (running twice changes nothing), and the scheduler lock (exactly
one of several processes leads; another takes over when the lock expires)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.usecases.cart import add_to_cart
from domain.usecases.jobs import lead_scheduler, resign_scheduler, sweep_holds
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

HOLD_MINUTES = 30
REMIND_AFTER = timedelta(hours=2)


async def _shop(engine: AsyncEngine, clock: FakeClock) -> tuple[SqlUnitOfWork, int, list[int]]:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(500, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop"))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 10, "count", "t", clock.now())
        customers = [
            (await uow.customers.add(Customer(telegram_id=900 + i, first_name=f"C{i}", created_at=clock.now()))).id or 0
            for i in range(3)
        ]
        await uow.commit()
    return uow, product.id or 0, customers


async def _reserved(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as session:
        return int(await session.scalar(select(func.sum(m.StockRow.reserved))) or 0)


async def _reminders(engine: AsyncEngine) -> list[int]:
    async with session_factory(engine)() as session:
        rows = await session.scalars(select(m.OutboxRow.chat_id).where(m.OutboxRow.template == "cart_reminder"))
        return sorted(rows)


async def test_expired_holds_are_released_and_an_idle_cart_is_reminded_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow, product, customers = await _shop(engine, clock)
    for customer in customers[:2]:
        await add_to_cart(uow, clock, customer_id=customer, product_id=product, quantity=2, hold_minutes=HOLD_MINUTES)
    assert await _reserved(engine) == 4

    clock.advance(minutes=HOLD_MINUTES - 1)
    assert await sweep_holds(uow, clock, remind_after=REMIND_AFTER) == (0, 0)  # nothing due yet
    clock.advance(minutes=2)
    report = await sweep_holds(uow, clock, remind_after=REMIND_AFTER)
    assert (report.released, report.reminded) == (2, 0)
    assert await _reserved(engine) == 0 and await stock_drift(uow) == []

    clock.advance(hours=2)
    assert (await sweep_holds(uow, clock, remind_after=REMIND_AFTER)).reminded == 2
    assert await _reminders(engine) == [900, 901]
    assert await sweep_holds(uow, clock, remind_after=REMIND_AFTER) == (0, 0)  # twice: no change

    # Changing the cart again earns one more reminder, after another idle spell.
    clock.advance(minutes=5)
    await add_to_cart(uow, clock, customer_id=customers[0], product_id=product, quantity=1, hold_minutes=HOLD_MINUTES)
    clock.advance(hours=3)
    assert await sweep_holds(uow, clock, remind_after=REMIND_AFTER) == (1, 1)
    assert await _reminders(engine) == [900, 900, 901]


async def test_exactly_one_process_leads_the_scheduler_and_another_takes_over_after_expiry(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    ttl = timedelta(minutes=3)
    holders = [f"process-{i}" for i in range(6)]
    leads = await asyncio.gather(*(lead_scheduler(SqlUnitOfWork(sessions), clock, holder=h, ttl=ttl) for h in holders))
    assert leads.count(True) == 1
    leader = holders[leads.index(True)]
    other = next(h for h in holders if h != leader)
    clock.advance(minutes=1)
    assert await lead_scheduler(SqlUnitOfWork(sessions), clock, holder=leader, ttl=ttl)  # renewed
    assert not await lead_scheduler(SqlUnitOfWork(sessions), clock, holder=other, ttl=ttl)
    clock.advance(minutes=4)  # the leader stopped renewing (it died)
    assert await lead_scheduler(SqlUnitOfWork(sessions), clock, holder=other, ttl=ttl)
    assert not await lead_scheduler(SqlUnitOfWork(sessions), clock, holder=leader, ttl=ttl)


async def test_a_leader_that_resigns_is_followed_at_once_and_one_that_does_not_lead_ends_nothing(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    ttl = timedelta(minutes=3)
    assert await lead_scheduler(SqlUnitOfWork(sessions), clock, holder="old", ttl=ttl)
    assert not await resign_scheduler(SqlUnitOfWork(sessions), clock, holder="new")  # not the leader
    assert not await lead_scheduler(SqlUnitOfWork(sessions), clock, holder="new", ttl=ttl)
    assert await resign_scheduler(SqlUnitOfWork(sessions), clock, holder="old")
    assert await lead_scheduler(SqlUnitOfWork(sessions), clock, holder="new", ttl=ttl)  # not 3 minutes later
    assert not await resign_scheduler(SqlUnitOfWork(sessions), clock, holder="old")  # it no longer leads
    assert not await lead_scheduler(SqlUnitOfWork(sessions), clock, holder="old", ttl=ttl)
