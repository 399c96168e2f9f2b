"""Buy now: a charge for a product hidden, or left with no price, between the pre-checkout and
the payment is recorded on a cancelled order and owed back whole, once (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product, ProductStatus
from domain.customers import Customer
from domain.money import Money
from domain.shipping import CarrierRate, Zone
from domain.usecases.buynow import BuyNowPayment, ShippingAddress, buy_payload, place_bought_order
from domain.usecases.checkout import CheckoutPolicy
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

STAFF_CHAT = -100500


@pytest.mark.parametrize("gone", ["hidden", "unpriced"])
async def test_a_charge_for_a_product_withdrawn_since_the_pre_checkout_is_recorded_and_owed_back_once(
    engine: AsyncEngine, clock: FakeClock, gone: str
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="NOW", name="Now", category="C", prices={"EUR": Money(1000, "EUR")}, weight_g=300)
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", "1 Main St, Berlin", 52.5, 13.4))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 5, "count", "t", clock.now())
        rate = CarrierRate("DHL", "Paket", Zone.LOCAL, Money(500, "EUR"), Money(0, "EUR"), 1, 23, 20000)
        await uow.carriers.replace_all([rate])
        buyer = await uow.customers.add(Customer(telegram_id=30_000, first_name="B", created_at=clock.now()))
        if gone == "hidden":
            await uow.products.upsert(replace(product, status=ProductStatus.HIDDEN))
        await uow.commit()
        option = str((await uow.carriers.all())[0].id)
    if gone == "unpriced":
        async with sessions() as session, session.begin():
            await session.execute(delete(m.ProductPriceRow))
    policy = CheckoutPolicy(card_payments=True, staff_chat_id=STAFF_CHAT)
    berlin = ShippingAddress("DE", city="Berlin", street_line1="2 Side St")
    paid = BuyNowPayment(
        buyer.id or 0, buy_payload(product.id or 0, "EUR"), 1500, "EUR", option, berlin, "tg_gone", None
    )

    order, placed = await place_bought_order(SqlUnitOfWork(sessions), clock, policy, paid)
    again, _ = await place_bought_order(SqlUnitOfWork(sessions), clock, policy, paid)  # redelivered

    assert not placed and order is not None and again is not None and again.code == order.code
    async with sessions() as session:
        row = await session.scalar(select(m.OrderRow))
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
        memos = (await session.scalars(select(m.JournalEntryRow.memo).order_by(m.JournalEntryRow.id))).all()
        told = (await session.scalars(select(m.OutboxRow.template).order_by(m.OutboxRow.id))).all()
        reserved = await session.scalar(select(m.StockRow.reserved))
    assert row is not None and (row.status, row.total_minor) == ("cancelled", 1500)
    assert sorted(tuple(p) for p in payments) == [("payment", 1500), ("refund_owed", 1500)]
    assert memos[-1] == f"refund owed, {order.code} withdrawn from sale"
    assert told == ["buy_now_withdrawn", "staff_buy_now_withdrawn"] and reserved == 0
