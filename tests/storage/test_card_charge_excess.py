"""A card charge beyond what a part-paid order still asks (an edit lowered it between Telegram's check
and the charge) owes the excess back and sells only the balance, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.usecases.payments import record_card_payment
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def test_a_later_charge_beyond_the_balance_owes_the_excess_back_rather_than_selling_it(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("OVR-1", "Crate", "C", {"EUR": Money(1500, "EUR")}))
        customer = await uow.customers.add(Customer(telegram_id=504, first_name="Vera", created_at=clock.now()))
        order = Order.place(
            code="CDFGHJKN",
            customer_id=customer.id or 0,
            currency="EUR",
            lines=[OrderLine(product.id or 0, "OVR-1", "Crate", 1, Money(1500, "EUR"))],
            now=clock.now(),
            actor="test",
            payment_method=PaymentMethod.CARD,
        )
        await uow.orders.add(order)
        await uow.payments.add(
            Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(1000, "EUR"), clock.now(), "t1")
        )
        await uow.commit()
    async with engine.begin() as connection:  # paid €10.00 of it, then an edit raised it: €5.00 to pay
        await connection.execute(text("UPDATE orders SET status = 'allocated' WHERE id = :id"), {"id": order.id})

    _, recorded, left = await record_card_payment(
        uow,
        clock,
        payload="order:CDFGHJKN",
        amount=700,
        currency="EUR",
        telegram_charge_id="t2",
        provider_charge_id=None,
    )

    assert recorded and left == Money(-200, "EUR")
    async with uow:
        kinds = [(p.kind, p.amount.amount) for p in await uow.payments.for_order(order.id or 0)]
        owed = await uow.journal.credit_balance("order:CDFGHJKN", Account.REFUNDS_PAYABLE.value, "EUR")
        cash = -await uow.journal.credit_balance("order:CDFGHJKN", Account.CASH.value, "EUR")
    assert (PaymentKind.REFUND_OWED, 200) in kinds  # the €2.00 charged beyond the €5.00 due, owed back
    assert (owed, cash) == (200, 700)  # the charge is cash; its excess is owed, not sold
