"""A bin count below what an order and a cart hold there, on SQLite and PostgreSQL: the order is served first (its
part moved to another warehouse), the cart then holds what is left free elsewhere, its line comes down to what it
holds and its customer is told; the counters and the reservation rows agree."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.cart import set_cart_quantity
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.bin_count_race import mug_count_recorded, mugs_counted, mugs_in_a_shop_and_a_depot
from tests.storage.lock_order_race import counters
from tests.storage.requests import mugs_ordered

COUNTER = 851


async def test_a_count_below_an_order_and_a_cart_serves_the_order_first_and_the_cart_holds_what_is_left_elsewhere(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """W1's bin has 4 mugs, W2 2. Ada's order holds 2 of W1's, Cy's cart the other 2; Mia counts 1 in W1. Ada's order
    gives up 1 and takes it from W2; Cy's cart holds W2's last free mug and comes down from 2 to 1, Cy told."""
    sessions = session_factory(engine)
    mug, shop, cy = await mugs_in_a_shop_and_a_depot(sessions, clock, COUNTER)
    ada_order = await mugs_ordered(sessions, clock, shop, mug, 9_051, 2)
    clock.advance(minutes=1)
    await set_cart_quantity(
        SqlUnitOfWork(sessions), clock, customer_id=cy.id or 0, product_id=mug.id or 0, quantity=2, hold_minutes=30
    )
    assert await counters(engine) == {"W1": (4, 4), "W2": (2, 0)}
    result = await mug_count_recorded(sessions, clock, COUNTER, await mugs_counted(sessions, COUNTER, 1))
    assert [(o.code, o.units, o.moved_to) for o in result.orders] == [(ada_order.code, 1, "W2")]
    assert await counters(engine) == {"W1": (1, 1), "W2": (2, 2)}
    async with sessions() as session:
        held = (
            await session.execute(
                select(m.ReservationRow.customer_id, m.ReservationRow.order_id, m.ReservationRow.warehouse_id)
                .add_columns(m.ReservationRow.quantity)
                .order_by(m.ReservationRow.warehouse_id, m.ReservationRow.order_id)
            )
        ).all()
        cart = (await session.execute(select(m.CartLineRow.customer_id, m.CartLineRow.quantity))).all()
        told = (await session.execute(select(m.OutboxRow.chat_id, m.OutboxRow.template, m.OutboxRow.params))).all()
    assert sorted((w, q, o is not None) for _, o, w, q in held) == [(1, 1, True), (2, 1, False), (2, 1, True)]
    assert [tuple(line) for line in cart] == [(cy.id, 1)]
    cart_told = [(chat, json.loads(params)) for chat, template, params in told if template == "cart_count_short"]
    assert len(cart_told) == 1 and cart_told[0][0] == 9_052
    assert {k: cart_told[0][1][k] for k in ("was", "left")} == {"was": 2, "left": 1}
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
