"""A card payment, an edit's difference paid or a manager's /vip landing while an order's
waiting part arrives (PostgreSQL, where they interleave): the order stays whole for picking."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.backorders import BACKORDER_FLAG
from domain.customers import Role, StaffMember
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.edit_difference import record_difference_payment
from domain.usecases.inventory import receive_goods
from domain.usecases.payments import INVOICE_PAYLOAD_PREFIX, record_card_payment
from domain.usecases.special import set_vip
from storage import models as m
from storage.db import session_factory
from storage.repositories.orders import SqlOrders
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.backorder_fill import _customers, _parts, _shop
from tests.storage.order_flags_race import paid_in_full
from tests.storage.requests import pickup_cash_on_delivery

pytestmark = pytest.mark.postgres


async def _three_lamps(engine: AsyncEngine, clock: FakeClock, *, card: bool) -> Order:
    """An order of 3 lamps, 1 in stock and 2 waiting (by card, else cash at pickup)."""
    _, shop = await _shop(engine, clock, on_hand=1)
    (customer,) = await _customers(engine, clock, [3])
    request = pickup_cash_on_delivery(customer, shop)
    if card:
        request = replace(request, payment_method=PaymentMethod.CARD)
    order = await place_order(
        SqlUnitOfWork(session_factory(engine)), clock, CheckoutPolicy(card_payments=card), request
    )
    assert BACKORDER_FLAG in order.flags
    return order


def _lamps_arrive_after(
    monkeypatch: pytest.MonkeyPatch, sessions: async_sessionmaker[AsyncSession], clock: FakeClock, read: str
) -> list[int]:
    """The 2 waiting lamps arrive (and fill the part, committed) right after the next
    ``SqlOrders.<read>``: between the use case reading the order and writing it."""
    original = getattr(SqlOrders, read)
    arrived: list[int] = []

    async def then_lamps_arrive(self: SqlOrders, *args: object) -> object:
        found = await original(self, *args)
        if not arrived:
            arrived.append(2)
            await receive_goods(SqlUnitOfWork(sessions), clock, actor="test", sku="P", quantity=2, warehouse_code="W1")
        return found

    monkeypatch.setattr(SqlOrders, read, then_lamps_arrive)
    return arrived


async def _whole(engine: AsyncEngine) -> tuple[list[tuple[str, int]], list[str]]:
    """The waiting parts (state, filled) and the order's flags."""
    async with session_factory(engine)() as session:
        flags = await session.scalar(select(m.OrderRow.flags)) or ""
    return [(state, filled) for _, state, _, filled in await _parts(engine)], sorted(flags.split(","))


async def test_a_card_payment_while_the_waiting_part_arrives_leaves_the_order_whole_for_picking(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paid just as the lamps came: the payment wrote back the "waiting" it had read, and
    the whole order was never picked."""
    order = await _three_lamps(pg_engine, clock, card=True)
    sessions = session_factory(pg_engine)
    arrived = _lamps_arrive_after(monkeypatch, sessions, clock, "get_by_code")
    await paid_in_full(sessions, clock, order)
    assert arrived == [2]
    assert await _whole(pg_engine) == ([("filled", 2)], [""])
    async with sessions() as session:
        assert await session.scalar(select(m.OrderRow.status)) == OrderStatus.ALLOCATED.value


async def test_a_customer_made_vip_while_the_waiting_part_arrives_leaves_the_order_whole_for_picking(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/vip read the customer's open orders, the lamps came, /vip flagged the order with the
    "waiting" it had read."""
    await _three_lamps(pg_engine, clock, card=False)
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.staff.put(StaffMember(telegram_id=71, role=Role.ADMIN))
        await uow.commit()
    arrived = _lamps_arrive_after(monkeypatch, sessions, clock, "for_customer")
    _, changed = await set_vip(SqlUnitOfWork(sessions), staff_id=71, reference="500", vip=True)
    assert (arrived, changed) == ([2], 1)
    assert await _whole(pg_engine) == ([("filled", 2)], ["VIP"])


async def test_an_edits_difference_paid_while_the_waiting_part_arrives_leaves_the_order_whole(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paid card order edited from 3 lamps to 4: its difference paid just as the lamps came
    is recorded once and the order is whole."""
    order = await _three_lamps(pg_engine, clock, card=True)
    sessions = session_factory(pg_engine)
    await record_card_payment(
        SqlUnitOfWork(sessions),
        clock,
        payload=INVOICE_PAYLOAD_PREFIX + order.code,
        amount=3000,
        currency="EUR",
        telegram_charge_id="tg-1",
        provider_charge_id=None,
    )
    async with sessions() as session, session.begin():  # edited to 4 (the edit's own tests prove that step)
        await session.execute(update(m.OrderLineRow).values(quantity=4))
    arrived = _lamps_arrive_after(monkeypatch, sessions, clock, "get_by_code")
    _, recorded = await record_difference_payment(
        SqlUnitOfWork(sessions),
        clock,
        payload=f"edit:{order.code}:{order.version}",
        amount=1000,
        currency="EUR",
        telegram_charge_id="tg-2",
        provider_charge_id=None,
    )
    assert (arrived, recorded) == ([2], True)
    assert await _whole(pg_engine) == ([("filled", 2)], [""])
    async with sessions() as session:
        paid = await session.scalar(select(func.sum(m.PaymentRow.amount_minor)).where(m.PaymentRow.kind == "payment"))
    assert paid == 4000
