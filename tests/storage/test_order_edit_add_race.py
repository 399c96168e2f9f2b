"""Two customers add the last unit of a product to their orders at the same moment, on SQLite
and PostgreSQL: one gets it, the other is refused with nothing changed, counters equal rows."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.editing import LineChange, OrderChanges
from domain.money import Money
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.edit_stock import NotEnoughForEdit
from domain.usecases.editing import EditOutcome, EditPolicy, edit_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

POLICY = EditPolicy(CheckoutPolicy(), window_minutes=30)


async def test_the_last_unit_added_by_two_edits_at_once_goes_to_exactly_one_order(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 10)
        tee = await uow.products.upsert(
            Product(sku="TEE", name="Tee", category="C", prices={"EUR": Money(1500, "EUR")})
        )
        await uow.stock.set_bin_quantity(tee.id or 0, shop.id or 0, "A-01-01-2", 1, "count", "t", clock.now())
        customers = []
        for i in range(2):
            customer = await uow.customers.add(
                Customer(telegram_id=9_100 + i, first_name=f"C{i}", created_at=clock.now())
            )
            await uow.carts.set(customer.id or 0, mug.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()
    orders = [
        await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(c, shop.id))
        for c in customers
    ]
    start = asyncio.Event()

    async def add(order_code: str, customer_id: int) -> EditOutcome | NotEnoughForEdit:
        await start.wait()
        try:
            changes = OrderChanges((LineChange(tee.id or 0, 1),))
            return await edit_order(
                SqlUnitOfWork(sessions),
                clock,
                POLICY,
                code=order_code,
                version=0,
                changes=changes,
                customer_id=customer_id,
            )
        except NotEnoughForEdit as refused:
            return refused

    tasks = [asyncio.create_task(add(o.code, c)) for o, c in zip(orders, customers, strict=True)]
    start.set()
    outcomes = await asyncio.gather(*tasks)

    won = [o for o in outcomes if isinstance(o, EditOutcome)]
    assert len(won) == 1 and sum(isinstance(o, NotEnoughForEdit) for o in outcomes) == 1
    async with sessions() as s:
        lines = sorted((await s.execute(select(m.OrderLineRow.order_id, m.OrderLineRow.sku))).all())
        tee_stock = (
            await s.execute(select(m.StockRow.on_hand, m.StockRow.reserved).where(m.StockRow.product_id == tee.id))
        ).one()
        mug_reserved = await s.scalar(select(m.StockRow.reserved).where(m.StockRow.product_id == mug.id))
        totals = sorted((await s.scalars(select(m.OrderRow.total_minor))).all())
    winner = won[0].order.id
    assert [sku for order_id, sku in lines if order_id == winner] == ["MUG", "TEE"]
    assert [sku for order_id, sku in lines if order_id != winner] == ["MUG"]  # the loser's order untouched
    assert tuple(tee_stock) == (1, 1) and mug_reserved == 2 and totals == [1000, 2500]
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
