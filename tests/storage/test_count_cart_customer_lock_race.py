"""A count taking back a cart's hold while that customer's checkout holds them (PostgreSQL): the count holds stock
counters and comes to the customer after them, so it never waits for one; the busy customer's cart gives up the
units there and then, they are told, and the checkout orders what the cart has left."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import Order
from domain.usecases.bin_counts import CountResult
from domain.usecases.cart import set_cart_quantity
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import mug_count_recorded, mugs_counted, mugs_in_a_shop_and_a_depot
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import as_role, pauses_after_first_stock_lock
from tests.storage.requests import pickup_cash_on_delivery

pytestmark = pytest.mark.postgres
COUNTER = 851


def _locks_customer(statement: str) -> bool:
    return "FOR UPDATE" in statement and "FROM customers" in statement


async def _done_or_waiting(engine: AsyncEngine, task: asyncio.Task[object]) -> None:
    """Until ``task`` ends or a session of this database waits for a lock (on main the count waited for Cy)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with engine.connect() as connection:
        for _ in range(2000):
            if task.done() or await connection.scalar(query):
                return
            await connection.rollback()
            await asyncio.sleep(0.005)  # looking again at the server's state and the task's, not waiting for time
    raise AssertionError("the count neither ended nor waited")


async def test_a_count_re_holding_a_cart_never_waits_for_its_customer_in_checkout(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """W1 has 4 mugs, W2 2; Cy's cart holds 3 of W1's. Cy's checkout has locked her and stops; Mia counts 1 in W1.
    The count ends (on main it waited for Cy holding W1's counter, the checkout then waited for the counter:
    deadlock): Cy's line comes down to 1, she is told; her checkout then orders that 1."""
    sessions = session_factory(pg_engine)
    mug, shop, cy = await mugs_in_a_shop_and_a_depot(sessions, clock, COUNTER)
    await set_cart_quantity(
        SqlUnitOfWork(sessions), clock, customer_id=cy.id or 0, product_id=mug.id or 0, quantity=3, hold_minutes=30
    )
    counted = await mugs_counted(sessions, COUNTER, 1)
    request = pickup_cash_on_delivery(cy.id or 0, shop.id)
    async with pauses_after_first_stock_lock(pg_engine, "checkout", _locks_customer) as (held, go):
        checkout = as_role("checkout", lambda: place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request))
        await held.wait()
        count = as_role("count", lambda: mug_count_recorded(sessions, clock, COUNTER, counted))
        await _done_or_waiting(pg_engine, count)
        go.set()
        result, placed = await asyncio.gather(count, checkout, return_exceptions=True)
    assert isinstance(result, CountResult), result
    assert isinstance(placed, Order), placed
    assert [line.quantity for line in placed.lines] == [1]
    async with sessions() as session:
        told = (await session.execute(select(m.OutboxRow.chat_id, m.OutboxRow.template, m.OutboxRow.params))).all()
        cart = (await session.execute(select(m.CartLineRow.quantity))).scalars().all()
    cart_told = [(chat, json.loads(params)) for chat, template, params in told if template == "cart_count_short"]
    assert [(chat, params["was"], params["left"]) for chat, params in cart_told] == [(9_052, 3, 1)]
    assert cart == []  # the checkout emptied it
    assert await counters(pg_engine) == {"W1": (1, 1), "W2": (2, 0)}
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
