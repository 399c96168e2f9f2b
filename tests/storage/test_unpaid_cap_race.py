"""One customer's checkouts at the same moment (a script's, in several tabs) cannot all pass the cap
on unpaid orders: on SQLite and PostgreSQL, they take turns on the customer and count each other."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.errors import DomainError
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.unpaid_orders import TooManyUnpaidOrders
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

AT_ONCE = 6


async def test_a_customers_checkouts_at_once_place_no_more_unpaid_orders_than_the_cap(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product, shop = await mugs_at_a_pickup_shop(uow, clock, 100)
        customer = await uow.customers.add(Customer(telegram_id=10_001, first_name="Script", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
        await uow.commit()
    policy = CheckoutPolicy(max_unpaid_orders=1)
    start = asyncio.Event()

    async def checkout(attempt: int) -> str:
        await start.wait()
        request = replace(pickup_cash_on_delivery(customer.id or 0, shop.id), checkout_key=f"tab-{attempt}")
        try:
            await place_order(SqlUnitOfWork(sessions), clock, policy, request)
        except TooManyUnpaidOrders:
            return "capped"
        except DomainError as other:  # the cart the first one ordered is empty now
            return type(other).__name__
        return "placed"

    tasks = [asyncio.create_task(checkout(i)) for i in range(AT_ONCE)]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sorted(results) == ["capped"] * (AT_ONCE - 1) + ["placed"], results
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.OrderRow)) == 1
        reserved = await session.scalar(select(m.StockRow.reserved))
    assert reserved == 1
