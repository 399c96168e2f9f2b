"""A payment link paid on several devices at the same moment: one payment, the rest owed back
(SQLite and PostgreSQL, real concurrent tasks)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import PaymentMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.payments import invoice_payload, record_card_payment
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery

DEVICES = 6
STAFF_CHAT = -100500


async def test_a_link_paid_on_six_devices_at_once_records_one_payment(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="LINK", name="Linked", category="C", prices={"EUR": Money(1250, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 3, "count", "t", clock.now())
        customer = await uow.customers.add(Customer(telegram_id=4242, first_name="Lin", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, product.id or 0, 2, clock.now())
        await uow.commit()
    request = replace(pickup_cash_on_delivery(customer.id or 0, shop.id), payment_method=PaymentMethod.CARD)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(card_payments=True), request)
    assert order.status.value == "awaiting_payment"

    start = asyncio.Event()

    async def pay(device: int) -> bool:
        await start.wait()
        _, recorded, _ = await record_card_payment(
            SqlUnitOfWork(sessions),
            clock,
            payload=invoice_payload(order),
            amount=2500,
            currency="EUR",
            telegram_charge_id=f"tg_{device}",
            provider_charge_id=f"prov_{device}",
            staff_chat_id=STAFF_CHAT,
        )
        return recorded

    tasks = [asyncio.create_task(pay(device)) for device in range(DEVICES)]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sum(results) == 1
    async with sessions() as session:
        kinds = sorted((await session.scalars(select(m.PaymentRow.kind))).all())
        statuses = list(
            await session.scalars(
                select(m.OrderHistoryRow.to_status)
                .where(m.OrderHistoryRow.order_id == order.id)
                .order_by(m.OrderHistoryRow.id)
            )
        )
        told = sorted((await session.scalars(select(m.OutboxRow.template))).all())
        lines = (await session.execute(select(m.JournalLineRow.debit_minor, m.JournalLineRow.credit_minor))).all()
    assert kinds == ["duplicate"] * (DEVICES - 1) + ["payment"]
    assert statuses.count("paid") == 1 and statuses[-1] == "allocated"
    assert told.count("payment_duplicate") == DEVICES - 1 and told.count("staff_payment_duplicate") == DEVICES - 1
    assert sum(d for d, _ in lines) == sum(c for _, c in lines)  # the books balance, extra charges owed back
