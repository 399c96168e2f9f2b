"""0078 gives each debit note issued before it the tax its PDF printed until then, which a reprint now reads: the tax
inside its amount at the order's rate, none while the order as it is holds no tax; on both engines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up

GBP = "GBP"


async def test_debit_notes_from_before_keep_the_tax_their_pdf_printed(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        orders = []
        for code, price, rate in (("BCDFGHJA", 295, "20"), ("BCDFGHJB", 295, "7.5"), ("BCDFGHJC", 295, "0")):
            line = OrderLine(mug, "85123A", "Heart holder", 10, Money(price, GBP))
            order = Order.place(
                code=code,
                customer_id=customer,
                currency=GBP,
                lines=[line],
                now=NOW,
                actor="c",
                shipping=Money(520, GBP),
                tax_rate=rate,
            )
            await uow.orders.add(order)
            orders.append(order)
        taxed, reduced, untaxed = orders
        issued = [
            (taxed, Money(295, GBP)),  # 9 → 10 on £31.75: printed 49p (491.67), where the books added 50p
            (taxed, Money(520, GBP)),  # a courier instead of a pickup: 87p (86.67)
            (reduced, Money(1000, GBP)),  # 7.5 %: 70p (69.77)
            (untaxed, Money(295, GBP)),  # no tax: none printed
        ]
        for order, amount in issued:
            await uow.debit_notes.issue(order.id or 0, amount, NOW)
        await uow.commit()
    printed = [order.included_tax(amount).amount if order.tax.amount else 0 for order, amount in issued]
    assert printed == [49, 87, 70, 0]  # as the PDF worked them out until now
    await down_and_up(engine, "0077")
    n = m.DebitNoteRow
    async with engine.connect() as connection:
        kept = [row.tax_minor for row in await connection.execute(select(n.tax_minor).order_by(n.number))]
    assert kept == printed
    async with uow:  # and the notes read it back
        assert [note.tax.amount for note in await uow.debit_notes.for_order(taxed.id or 0)] == [49, 87]
