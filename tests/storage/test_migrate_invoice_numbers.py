"""0061 leaves the invoices issued before it unnumbered (they print their order's code, as they did) and the
first invoice after it takes INV-000001; on both engines."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up


async def test_invoices_from_before_keep_no_number_and_the_first_after_takes_one(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)

    def invoice(code: str) -> Order:
        line = OrderLine(mug, "MUG-1", "Mug", 1, Money(500, "EUR"))
        return Order.place(
            code=code, customer_id=customer, currency="EUR", lines=[line], now=NOW, actor="c",
            payment_method=PaymentMethod.INVOICE,
        )  # fmt: skip

    async with uow:
        await uow.orders.add(invoice("BCDFGHJK"))
        await uow.commit()
    await down_and_up(engine, "0060")

    after = invoice("BCDFGHJL")
    async with uow:
        await uow.orders.add(after)
        assert await uow.orders.number_invoice(after.id or 0) == 1
        await uow.commit()
    async with uow:
        before, numbered = await uow.orders.get_by_code("BCDFGHJK"), await uow.orders.get_by_code("BCDFGHJL")
    assert before is not None and (before.invoice_number, before.invoice_label) == (None, None)
    assert numbered is not None and numbered.invoice_label == "INV-000001"
