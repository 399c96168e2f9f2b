"""A customer's Buy now payment arrives while they check out the same product from their cart
(another device), on SQLite and PostgreSQL. Buy now locked the product's counters, then wrote its
order, whose row names the customer: PostgreSQL makes that wait for the checkout's lock on the
customer, and the checkout, holding it, waited for the counters. One was ended as a deadlock.
Buy now now takes the customer first, as a checkout does (ARCHITECTURE.md, "Lock order")."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import Order
from domain.usecases.buynow import place_bought_order
from domain.usecases.checkout import place_order
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.buy_now_shop import POLICY, BuyNowShop, buy_now_shop
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import pickup_cash_on_delivery


async def _shop_and_a_cart(engine: AsyncEngine, clock: FakeClock) -> tuple[BuyNowShop, int]:
    """5 units; the one buyer's cart wants 1 (its hold long expired), collected at W1 (a pickup
    point). The shop, and W1's id."""
    shop = await buy_now_shop(session_factory(engine), clock, units=5, buyers=1)
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        await uow.carts.set(shop.buyers[0].id or 0, shop.product.id or 0, 1, clock.now())
        pickup = Warehouse("W1", "Shop", "1 Main St, Berlin", 52.5, 13.4, is_pickup_point=True)
        warehouse = (await uow.warehouses.upsert(pickup)).id or 0
        await uow.commit()
    return shop, warehouse


async def _bought(engine: AsyncEngine, clock: FakeClock, shop: BuyNowShop) -> tuple[Order | None, bool]:
    paid = shop.payment(shop.buyers[0], "tg_1")
    return await place_bought_order(SqlUnitOfWork(session_factory(engine)), clock, POLICY, paid)


async def _checkout(engine: AsyncEngine, clock: FakeClock, shop: BuyNowShop, warehouse: int) -> Order:
    request = pickup_cash_on_delivery(shop.buyers[0].id or 0, warehouse)
    return await place_order(SqlUnitOfWork(session_factory(engine)), clock, POLICY, request)


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    assert sorted(type(r).__name__ for r in results) == ["Order", "tuple"], results
    async with session_factory(engine)() as session:
        statuses = sorted(await session.scalars(select(m.OrderRow.status)))
        reserved = await session.scalar(select(m.StockRow.reserved))
    assert statuses == ["allocated", "allocated"] and reserved == 2  # both placed, each unit reserved once
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


@pytest.mark.postgres
async def test_a_buy_now_payment_and_a_checkout_of_one_customer_at_once_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: Buy now holds the product's counters; the checkout locks
    the customer and waits for them; Buy now goes on to write its order."""
    shop, warehouse = await _shop_and_a_cart(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine, lambda: _bought(pg_engine, clock, shop), lambda: _checkout(pg_engine, clock, shop, warehouse)
    )
    await _check(pg_engine, results)


async def test_a_buy_now_payment_and_a_checkout_of_one_customer_at_the_same_moment_both_place(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    shop, warehouse = await _shop_and_a_cart(engine, clock)
    results = await at_once(lambda: _bought(engine, clock, shop), lambda: _checkout(engine, clock, shop, warehouse))
    await _check(engine, results)
