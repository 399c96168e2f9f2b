"""A short part the customer cancels is owed back at what was paid for it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import Backorder
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentKind
from domain.shortages import SHORT_FLAG, ShortChoice
from domain.stock import Reservation, ReservationKind
from domain.usecases.shortages import choose_short
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


@pytest.mark.parametrize(
    ("owed_before", "refund"),
    [(0, 1800), (2000, 1200)],
    ids=["its share after the discount", "no more than is paid and not owed back already"],
)
async def test_a_cancelled_short_part_is_owed_back_at_its_discounted_price_never_more_than_was_paid(
    engine: AsyncEngine, clock: FakeClock, owed_before: int, refund: int
) -> None:
    # 3 × 10.00 with 3.00 off the line (27.00 paid for it) and 1 × 5.00 allocated; 2 of the 3 are
    # short and the customer cancels them: 27.00 × 2/3 = 18.00 is owed back, not 2 × 10.00.
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        short = await uow.products.upsert(Product("SPR-1", "Short", "C", {"EUR": Money(1000, "EUR")}))
        there = await uow.products.upsert(Product("SPR-2", "There", "C", {"EUR": Money(500, "EUR")}))
        warehouse = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        customer = await uow.customers.add(Customer(telegram_id=502, first_name="Dora", created_at=clock.now()))
        lines = [
            OrderLine(short.id or 0, "SPR-1", "Short", 3, Money(1000, "EUR"), discount_minor=300),
            OrderLine(there.id or 0, "SPR-2", "There", 1, Money(500, "EUR")),
        ]
        order = Order.place(
            code="CDFGHJKL", customer_id=customer.id or 0, currency="EUR", lines=lines, now=clock.now(), actor="test"
        )
        for status in (OrderStatus.ALLOCATED, OrderStatus.PICKING, OrderStatus.ON_HOLD):
            order.transition(status, now=clock.now(), actor="test")
        order.flags = frozenset({SHORT_FLAG})
        await uow.orders.add(order)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(3200, "EUR"), clock.now()))
        if owed_before:
            owed = Money(owed_before, "EUR")
            await uow.payments.add(Payment(order.id or 0, PaymentKind.REFUND_OWED, "card", owed, clock.now()))
        await uow.stock.add_reservation(
            Reservation(
                there.id or 0,
                warehouse.id or 0,
                1,
                ReservationKind.ALLOCATION,
                customer.id,
                order.id,
                None,
                clock.now(),
            )
        )
        await uow.backorders.add(Backorder(order.id or 0, short.id or 0, customer.id or 0, 2, clock.now()))
        await uow.commit()

    sessions = session_factory(engine)
    await choose_short(
        SqlUnitOfWork(sessions),
        clock,
        customer_id=customer.id or 0,
        code=order.code,
        choice=ShortChoice.CANCEL,
        staff_chat_id=None,
    )

    async with sessions() as session:
        owed_rows = (
            await session.scalars(
                select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "refund_owed").order_by(m.PaymentRow.id)
            )
        ).all()
        told = await session.scalar(select(m.OutboxRow.params).where(m.OutboxRow.template == "order_refund_owed"))
        stored_status = await session.scalar(select(m.OrderRow.status))
    assert stored_status == "picking"  # the rest of the order goes on
    assert list(owed_rows) == [*([owed_before] if owed_before else []), refund]
    assert told is not None and json.loads(told)["refund_minor"] == refund
