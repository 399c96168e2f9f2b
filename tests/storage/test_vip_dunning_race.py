"""/vip for a business while the invoice reminders run over two of its orders (PostgreSQL, where
rows are locked): neither is given up as a deadlock's victim; both land, the orders flagged and chased."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.usecases.jobs import dun_invoices
from domain.usecases.special import set_vip
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.invoice_payment_race import invoice_order
from tests.storage.lock_waits import at_once, worst_interleaving

MANAGER = 621


async def _two_invoices(engine: AsyncEngine, clock: FakeClock) -> None:
    """A business with two open invoice orders, both past due (the older one placed first)."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("VIP-1", "Crate", "C", {"EUR": Money(1000, "EUR")}))
        customer = await uow.customers.add(Customer(telegram_id=622, first_name="Corp", created_at=clock.now()))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        for code in ("CDFGHJKN", "CDFGHJKP"):
            clock.advance(minutes=1)
            order = invoice_order(code, customer, product, 1, clock)
            await uow.orders.add(order)
        await uow.commit()


async def _outcome(engine: AsyncEngine) -> list[tuple[str, str, int]]:
    async with session_factory(engine)() as session:
        rows = await session.execute(select(m.OrderRow.code, m.OrderRow.flags, m.OrderRow.dunning_stage))
        return sorted((code, flags, stage) for code, flags, stage in rows)


def _writes_an_order(statement: str) -> bool:
    return statement.startswith("UPDATE orders")


def _both(engine: AsyncEngine, clock: FakeClock) -> tuple[Any, Any]:
    sessions = session_factory(engine)

    async def chase() -> object:
        return await dun_invoices(SqlUnitOfWork(sessions), clock, staff_chat_id=None)

    async def vip() -> object:
        return (await set_vip(SqlUnitOfWork(sessions), staff_id=MANAGER, reference="622", vip=True))[1]

    return chase, vip


@pytest.mark.postgres
async def test_vip_for_a_business_while_its_invoices_are_chased_deadlocks_neither(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    await _two_invoices(pg_engine, clock)
    chase, vip = _both(pg_engine, clock)
    # The reminders hold the older order's row; /vip then takes the customer and waits for it.
    outcomes = await worst_interleaving(
        pg_engine, chase, vip, locks=lambda statement: statement.startswith("UPDATE orders")
    )
    assert outcomes == [2, 2]  # two flagged, two chased: no deadlock's victim
    assert await _outcome(pg_engine) == [("CDFGHJKN", "VIP", 1), ("CDFGHJKP", "VIP", 1)]


async def test_vip_and_the_invoice_reminders_at_the_same_moment_both_land(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await _two_invoices(engine, clock)
    chase, vip = _both(engine, clock)
    assert await at_once(chase, vip) == [2, 2]
    assert await _outcome(engine) == [("CDFGHJKN", "VIP", 1), ("CDFGHJKP", "VIP", 1)]
