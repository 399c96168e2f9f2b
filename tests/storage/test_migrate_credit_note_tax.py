"""0075 gives each credit note issued before it the tax its PDF printed until then, which a reprint now reads: its
share of the tax of the invoice as issued (none kept: the order as it is), from the order's notes' running total;
on both engines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.issued_invoices import IssuedInvoice, note_tax
from domain.money import Money
from domain.orders import Order, OrderLine
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up

GBP = "GBP"


async def test_notes_from_before_keep_the_tax_their_pdf_printed(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        orders = []
        for code, quantity in (("BCDFGHJA", 10), ("BCDFGHJB", 10), ("BCDFGHJC", 3)):
            line = OrderLine(mug, "85123A", "Heart holder", quantity, Money(295, GBP))
            order = Order.place(
                code=code,
                customer_id=customer,
                currency=GBP,
                lines=[line],
                now=NOW,
                actor="c",
                shipping=Money(520, GBP),
                tax_rate="20",
            )
            await uow.orders.add(order)
            orders.append(order)
        invoiced, card, small = orders
        invoiced.invoice_number = await uow.orders.number_invoice(invoiced.id or 0)
        await uow.orders.keep_invoice(IssuedInvoice.of(invoiced, "Corp", "", NOW))  # £34.70, £5.79 of tax
        issued = [
            (invoiced, Money(295, GBP)),  # 10 → 9: its share printed 49p
            (invoiced, Money(3175, GBP)),  # the rest: the 530p of tax left
            (card, Money(99, GBP)),  # goodwill on £34.70 as the order is: 17p (16.53)
            (small, Money(100, GBP)),  # £14.05 (3 × £2.95 and shipping), £2.35 of tax: 17p (16.73)
        ]
        for order, amount in issued:
            await uow.credit_notes.issue(order.id or 0, amount, "order changed", NOW)
        await uow.commit()
    async with uow:  # as the PDF printed them until now
        printed = []
        for order in (invoiced, card, small):
            notes = await uow.credit_notes.for_order(order.id or 0)
            invoice = await uow.orders.issued_invoice(order.id or 0)
            printed += [note_tax(order, invoice, notes, note).amount for note in notes]
    assert printed == [49, 530, 17, 17]
    await down_and_up(engine, "0074")
    n = m.CreditNoteRow
    async with engine.connect() as connection:
        kept = [row.tax_minor for row in await connection.execute(select(n.tax_minor).order_by(n.number))]
    assert kept == printed
