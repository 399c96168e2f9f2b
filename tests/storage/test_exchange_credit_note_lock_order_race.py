"""An exchange for a cheaper size (the difference owed back, on a credit note) while another transaction holds the
new size's stock counter and goes on to take a credit note's number (a cancellation or a short pick of an invoice
order), on PostgreSQL. The exchange took its credit note's number, then locked the counter its replacement reserves:
each held what the other wanted next, and PostgreSQL ended one as a deadlock. A number is taken last (ARCHITECTURE.md,
"Lock order"): the exchange's credit note now comes after its replacement's counters."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.harness import DEMO_DATA
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import OrderLine, OrderStatus
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.imports import import_products, import_stock
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import worst_interleaving
from tests.storage.requests import delivered_paid_by_card

STAFF, RETURNING = 761, 762
S = OrderStatus


async def _received_swap(engine: AsyncEngine, clock: FakeClock) -> tuple[str, int, int]:
    """A delivered L / Navy T-shirt (£13.00, paid by card) sent back for the M (£12.00), received and written off:
    the return's RMA, the M's and the warehouse's ids."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        await work.warehouses.upsert(Warehouse("LON", "London", is_pickup_point=True))
        await work.commit()
    await import_products(uow(), clock, (DEMO_DATA / "tshirts-products.csv").read_text(encoding="utf-8"))
    await import_stock(uow(), clock, (DEMO_DATA / "tshirts-stock.csv").read_text(encoding="utf-8"))
    async with (work := uow()):
        large, medium = await work.products.get_by_sku("TEE-L-NVY"), await work.products.get_by_sku("TEE-M-NVY")
        shop = (await work.warehouses.all())[0]
        assert large is not None and medium is not None and large.id and medium.id and shop.id
        rae = await work.customers.add(Customer(telegram_id=RETURNING, first_name="Rae", created_at=clock.now()))
        await work.staff.put(StaffMember(telegram_id=STAFF, role=Role.ADMIN))
        lines = [OrderLine(large.id, "TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, Money(1300, "GBP"))]
        placed = await delivered_paid_by_card(work, clock, "DFGHJKLQ", rae.id or 0, lines)
    line = placed.lines[0].id or 0
    request = await request_return(
        uow(),
        clock,
        customer_id=rae.id or 0,
        code=placed.code,
        kind=ReturnKind.EXCHANGE,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={line: 1},
        window_days=14,
        swaps={line: medium.id},
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=STAFF, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=STAFF, rma=rma)
    await inspect_line(uow(), clock, staff_id=STAFF, rma=rma, line_id=request.lines[0].id or 0, restock=False)
    async with engine.begin() as connection:  # the sequence exists, as after the shop's first credit note
        await connection.execute(text("INSERT INTO document_counters (name, last) VALUES ('credit_note', 0)"))
    return rma, medium.id, shop.id


@pytest.mark.postgres
async def test_an_exchange_owing_a_difference_and_a_counter_then_a_credit_note_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the exchange holds the first sequence number it takes; the other holds the
    M's counter and waits for the credit notes' sequence; the exchange goes on."""
    rma, medium, shop = await _received_swap(pg_engine, clock)

    async def exchange() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await resolve_return(uow, clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy())

    async def counter_then_credit_note() -> object:
        async with pg_engine.begin() as connection:
            where = "product_id = :product AND warehouse_id = :warehouse"
            await connection.execute(
                text(f"SELECT on_hand FROM stock WHERE {where} FOR UPDATE"), {"product": medium, "warehouse": shop}
            )
            await connection.execute(text("UPDATE document_counters SET last = last + 1 WHERE name = 'credit_note'"))
        return "done"

    results = await worst_interleaving(
        pg_engine,
        exchange,
        counter_then_credit_note,
        lambda statement: statement.startswith("UPDATE document_counters"),
    )
    assert [type(r).__name__ for r in results] == ["str", "ReturnRequest"], results
    async with session_factory(pg_engine)() as session:
        owed = await session.scalars(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "refund_owed"))
        assert list(owed) == [100]  # the £1.00 difference owed back, on its credit note
        assert list(await session.scalars(select(m.CreditNoteRow.amount_minor))) == [100]
        assert await session.scalar(select(m.DocumentCounterRow.last)) == 2  # each took its number
