"""An invoice taken down by a credit note is open until the reduced amount is paid, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from domain.payments import Payment, PaymentKind
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def test_an_invoice_credited_a_part_is_reminded_until_the_rest_is_paid_and_then_no_more(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("INV-1", "Crate", "C", {"EUR": Money(1000, "EUR")}))
        customer = await uow.customers.add(Customer(telegram_id=503, first_name="Corp", created_at=clock.now()))
        lines = [OrderLine(product.id or 0, "INV-1", "Crate", 5, Money(1000, "EUR"))]
        order = Order.place(
            code="CDFGHJKM",
            customer_id=customer.id or 0,
            currency="EUR",
            lines=lines,
            now=clock.now(),
            actor="test",
            payment_method=PaymentMethod.INVOICE,
            invoice_due=clock.now().date(),
        )
        await uow.orders.add(order)
        credit = Payment(order.id or 0, PaymentKind.CREDIT_NOTE, "invoice", Money(2000, "EUR"), clock.now())
        await uow.payments.add(credit)
        await uow.commit()
    due_by = clock.now().date() + timedelta(days=1)
    async with uow:
        assert [o.code for o, _ in await uow.jobs.unpaid_invoices(due_by)] == ["CDFGHJKM"]  # 30.00 still asked
        rest = Payment(order.id or 0, PaymentKind.PAYMENT, "invoice", Money(3000, "EUR"), clock.now())
        await uow.payments.add(rest)
        await uow.commit()
    async with uow:
        assert await uow.jobs.unpaid_invoices(due_by) == []  # 20.00 credited + 30.00 paid = its total
