"""Buy now: eight payments for the last three units arriving at once (each passed its
pre-checkout) make three orders and five cancelled ones whose charges are recorded and owed
back, stock exact (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.usecases.buynow import place_bought_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.buy_now_shop import POLICY, buy_now_shop

BUYERS = 8
LAST_UNITS = 3


async def test_the_last_three_units_bought_now_by_eight_make_three_orders(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    shop = await buy_now_shop(sessions, clock, units=LAST_UNITS, buyers=BUYERS)
    start = asyncio.Event()

    async def pay(buyer: Customer) -> bool:
        await start.wait()
        paid = shop.payment(buyer, f"tg_{buyer.id}")
        order, placed = await place_bought_order(SqlUnitOfWork(sessions), clock, POLICY, paid)
        return placed and order is not None

    tasks = [asyncio.create_task(pay(buyer)) for buyer in shop.buyers]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sum(results) == LAST_UNITS
    late = BUYERS - LAST_UNITS
    async with sessions() as session:
        statuses = (await session.scalars(select(m.OrderRow.status))).all()
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
        told = (await session.scalars(select(m.OutboxRow.template))).all()
    assert sorted(statuses) == ["allocated"] * LAST_UNITS + ["cancelled"] * late
    assert (on_hand, reserved) == (LAST_UNITS, LAST_UNITS)
    kinds = [kind for kind, amount in payments if amount == 1500]
    assert (kinds.count("payment"), kinds.count("refund_owed"), len(payments)) == (BUYERS, late, BUYERS + late)
    assert told.count("buy_now_sold_out") == BUYERS - LAST_UNITS
    assert told.count("staff_buy_now_sold_out") == BUYERS - LAST_UNITS
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
