"""Buy now: eight payments for the last three units arriving at once (each passed its
pre-checkout) make three orders and five cancelled ones whose charges are recorded and owed
back, stock exact (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.shipping import CarrierRate, Zone
from domain.usecases.buynow import BuyNowPayment, ShippingAddress, buy_payload, place_bought_order
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

BUYERS = 8
LAST_UNITS = 3
STAFF_CHAT = -100500


async def test_the_last_three_units_bought_now_by_eight_make_three_orders(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="NOW", name="Now", category="C", prices={"EUR": Money(1000, "EUR")}, weight_g=300)
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", "1 Main St, Berlin", 52.5, 13.4))
        await uow.stock.set_bin_quantity(
            product.id or 0, shop.id or 0, "A-01-01-1", LAST_UNITS, "count", "t", clock.now()
        )
        rate = CarrierRate("DHL", "Paket", Zone.LOCAL, Money(500, "EUR"), Money(0, "EUR"), 1, 23, 20000)
        await uow.carriers.replace_all([rate])
        buyers = [
            await uow.customers.add(Customer(telegram_id=20_000 + i, first_name=f"B{i}", created_at=clock.now()))
            for i in range(BUYERS)
        ]
        await uow.commit()
        option = str((await uow.carriers.all())[0].id)
    policy = CheckoutPolicy(card_payments=True, staff_chat_id=STAFF_CHAT)
    berlin = ShippingAddress("DE", city="Berlin", street_line1="2 Side St")
    start = asyncio.Event()

    async def pay(buyer: Customer) -> bool:
        await start.wait()
        paid = BuyNowPayment(
            buyer.id or 0, buy_payload(product.id or 0, "EUR"), 1500, "EUR", option, berlin, f"tg_{buyer.id}", None
        )
        order, placed = await place_bought_order(SqlUnitOfWork(sessions), clock, policy, paid)
        return placed and order is not None

    tasks = [asyncio.create_task(pay(buyer)) for buyer in buyers]
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
