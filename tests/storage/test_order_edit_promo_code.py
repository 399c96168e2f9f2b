"""An edit that takes an order under its promo code's minimum gives the code's use back, on
SQLite and PostgreSQL: the order's money and the code's count both exact, the use free again."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from domain.editing import LineChange, OrderChanges
from domain.money import Money
from domain.promotions import DiscountKind, PromoCode, PromoUsedUp
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.editing import EditPolicy, edit_order
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery


async def test_a_code_dropped_by_an_edit_is_given_back_and_the_next_order_may_use_it(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 10)
        await uow.promotions.add_code(
            PromoCode(
                "ONCE",
                DiscountKind.PERCENT,
                clock.now(),
                clock.now() + timedelta(days=1),
                percent=Decimal(20),
                minimum=Money(1500, "EUR"),
                max_uses=1,
            )
        )
        ann = await uow.customers.add(Customer(telegram_id=9_201, first_name="Ann", created_at=clock.now()))
        bob = await uow.customers.add(Customer(telegram_id=9_202, first_name="Bob", created_at=clock.now()))
        await uow.carts.set(ann.id or 0, mug.id or 0, 2, clock.now())
        await uow.carts.set(bob.id or 0, mug.id or 0, 2, clock.now())
        await uow.commit()
    with_code = replace(pickup_cash_on_delivery(ann.id or 0, shop.id), promo_code="ONCE")
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), with_code)
    assert (order.total.amount, order.discount.amount) == (1600, 400)
    bobs = replace(pickup_cash_on_delivery(bob.id or 0, shop.id), promo_code="ONCE")
    with pytest.raises(PromoUsedUp):  # the code's one use is Ann's
        await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), bobs)

    policy = EditPolicy(CheckoutPolicy(), window_minutes=30)
    changes = OrderChanges((LineChange(mug.id or 0, 1),))
    outcome = await edit_order(
        SqlUnitOfWork(sessions), clock, policy, code=order.code, version=0, changes=changes, customer_id=ann.id
    )
    assert outcome.diff.promo_dropped == "ONCE" and outcome.diff.promo_minimum == Money(1500, "EUR")
    async with sessions() as s:
        row = (await s.execute(select(m.OrderRow).where(m.OrderRow.code == order.code))).scalar_one()
        assert (row.total_minor, row.discount_minor, row.promo_code, row.discounts) == (1000, 0, "", "[]")
        assert await s.scalar(select(m.PromoCodeRow.uses)) == 0
        assert await s.scalar(select(func.count()).select_from(m.PromoCodeUseRow)) == 0

    placed = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), bobs)  # the use is free again
    assert (placed.total.amount, placed.promo_code) == (1600, "ONCE")
