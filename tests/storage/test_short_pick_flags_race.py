"""A short pick held while a manager makes the customer VIP (PostgreSQL, where they interleave):
the order keeps the VIP flag given after the pick round was first read, and its missing part waits
in the VIP queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.orders import OrderStatus
from domain.shortages import SHORT_FLAG
from domain.usecases.short_picks import report_short
from domain.usecases.special import set_vip
from storage import models as m
from storage.db import session_factory
from storage.repositories.fulfilment import SqlPicking
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import in_a_pick_round, mugs_at_a_pickup_shop

pytestmark = pytest.mark.postgres
PICKER, MANAGER, CUSTOMER = 501, 71, 9_000


async def test_a_customer_made_vip_while_their_order_is_found_short_keeps_vip_and_waits_first(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        customer = await uow.customers.add(Customer(telegram_id=CUSTOMER, first_name="Cleo", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id or 0, 2, clock.now())
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.ADMIN))
        await uow.commit()
    order = await in_a_pick_round(sessions, clock, customer.id or 0, shop, PICKER)

    original = SqlPicking.open_for
    made_vip: list[int] = []

    async def then_made_vip(self: SqlPicking, picker_telegram_id: int) -> object:
        """The manager's /vip, committed right after the short pick first read its round: before it locks the
        round's orders (``round_under_locks``), the one moment a /vip can come between (it locks the order too)."""
        found = await original(self, picker_telegram_id)
        if not made_vip:
            made_vip.append(order.id or 0)
            _, changed = await set_vip(SqlUnitOfWork(sessions), staff_id=MANAGER, reference=str(CUSTOMER), vip=True)
            assert changed == 1
        return found

    monkeypatch.setattr(SqlPicking, "open_for", then_made_vip)
    await report_short(SqlUnitOfWork(sessions), clock, staff_id=PICKER, found=0, staff_chat_id=None)
    assert made_vip == [order.id]
    async with sessions() as session:
        row = await session.get(m.OrderRow, order.id)
        assert row is not None and row.status == OrderStatus.ON_HOLD.value
        assert set(row.flags.split(",")) == {"VIP", SHORT_FLAG}
        assert list(await session.scalars(select(m.BackorderRow.vip))) == [True]
