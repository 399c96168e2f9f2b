"""A promo code with one use left and 50 customers confirming at the same moment, on SQLite
and PostgreSQL: exactly one order gets it, the others are told and confirm without it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.promotions import DiscountKind, PromoCode, PromoRefused
from domain.usecases.checkout import CheckoutPolicy, place_order
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

CUSTOMERS = 50


async def test_the_last_use_of_a_code_goes_to_exactly_one_of_fifty_orders(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product, shop = await mugs_at_a_pickup_shop(uow, clock, CUSTOMERS)
        code = await uow.promotions.add_code(
            PromoCode(
                "LAST1",
                DiscountKind.PERCENT,
                clock.now(),
                clock.now() + timedelta(days=1),
                percent=Decimal(20),
                max_uses=3,
            )
        )
        customers = []
        for i in range(CUSTOMERS):
            customer = await uow.customers.add(
                Customer(telegram_id=20_000 + i, first_name=f"C{i}", created_at=clock.now())
            )
            await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()
    async with sessions() as session:  # two of its three uses are gone already
        await session.execute(update(m.PromoCodeRow).values(uses=2))
        await session.commit()

    start = asyncio.Event()

    async def confirm(customer_id: int) -> tuple[bool, int]:
        await start.wait()
        request = replace(pickup_cash_on_delivery(customer_id, shop.id), promo_code="last 1")
        try:
            order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)
            return True, order.total.amount
        except PromoRefused:
            again = replace(request, promo_code="")  # told why; confirms without it
            order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), again)
            return False, order.total.amount

    tasks = [asyncio.create_task(confirm(c)) for c in customers]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sorted(results) == [(False, 1000)] * (CUSTOMERS - 1) + [(True, 800)]
    async with sessions() as session:
        uses = await session.scalar(select(m.PromoCodeRow.uses).where(m.PromoCodeRow.id == code.id))
        recorded = await session.scalar(select(func.count()).select_from(m.PromoCodeUseRow))
        orders = await session.scalar(select(func.count()).select_from(m.OrderRow))
        discounted = await session.scalar(
            select(func.count())
            .select_from(m.OrderRow)
            .where(m.OrderRow.promo_code == "LAST1", m.OrderRow.discount_minor == 200)
        )
    assert (uses, recorded, orders, discounted) == (3, 1, CUSTOMERS, 1)
