"""A customer adds a mug to their cart (the Mini App open on one device) while checking out the
mug in chat on another, on SQLite and PostgreSQL. The cart reserved the mug's counter, then wrote
its hold, whose row names the customer: PostgreSQL makes that wait for the checkout's lock on the
customer, and the checkout, holding it, waited for the counter. One was ended as a deadlock. The
customer now comes first for the cart too (ARCHITECTURE.md, "Lock order"): the two take turns."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order
from domain.usecases.cart import add_to_cart
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import pickup_cash_on_delivery

CUSTOMER = 9_051


async def _a_mug_in_the_cart(engine: AsyncEngine, clock: FakeClock) -> tuple[int, int, int]:
    """W1 has 5 mugs; the customer's cart holds 1. Their id, the mug's and the warehouse's."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}))
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(mug.id or 0, shop.id or 0, "A-01-01-1", 5, "count", "t", clock.now())
        customer = await uow.customers.add(Customer(telegram_id=CUSTOMER, first_name="Cy", created_at=clock.now()))
        await uow.commit()
    await add_to_cart(
        SqlUnitOfWork(sessions),
        clock,
        customer_id=customer.id or 0,
        product_id=mug.id or 0,
        quantity=1,
        hold_minutes=30,
    )
    return customer.id or 0, mug.id or 0, shop.id or 0


async def _add(engine: AsyncEngine, clock: FakeClock, customer_id: int, mug_id: int) -> int:
    uow = SqlUnitOfWork(session_factory(engine))
    return await add_to_cart(uow, clock, customer_id=customer_id, product_id=mug_id, quantity=1, hold_minutes=30)


async def _checkout(engine: AsyncEngine, clock: FakeClock, customer_id: int, shop_id: int) -> Order:
    request = pickup_cash_on_delivery(customer_id, shop_id)
    return await place_order(SqlUnitOfWork(session_factory(engine)), clock, CheckoutPolicy(), request)


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    assert sorted(type(r).__name__ for r in results) == ["Order", "int"], results
    order = next(r for r in results if isinstance(r, Order))
    async with session_factory(engine)() as session:
        in_cart = list(await session.scalars(select(m.CartLineRow.quantity)))
        reserved = await session.scalar(select(m.StockRow.reserved))
    # Whichever came first: the order has what the cart held when it was placed, and what the
    # cart holds is held; nothing is both, nothing lost.
    assert (order.lines[0].quantity, tuple(in_cart)) in {(1, (1,)), (2, ())}
    assert reserved == 2
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


def _reserves_stock(statement: str) -> bool:
    return statement.startswith("UPDATE stock")


@pytest.mark.postgres
async def test_a_cart_add_and_a_checkout_of_one_customer_at_once_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the cart holds the mug's counter; the checkout locks the
    customer and waits for the counter; the cart goes on to write its hold."""
    customer, mug, shop = await _a_mug_in_the_cart(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine,
        lambda: _add(pg_engine, clock, customer, mug),
        lambda: _checkout(pg_engine, clock, customer, shop),
        _reserves_stock,
    )
    await _check(pg_engine, results)


async def test_a_cart_add_and_a_checkout_of_one_customer_at_the_same_moment_both_end_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    customer, mug, shop = await _a_mug_in_the_cart(engine, clock)
    results = await at_once(
        lambda: _add(engine, clock, customer, mug), lambda: _checkout(engine, clock, customer, shop)
    )
    await _check(engine, results)
