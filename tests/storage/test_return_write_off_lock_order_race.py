"""A return's line written off while another transaction holds its order and goes on to the same stock counter, on
PostgreSQL. A payment row now writes its order's row (``SqlPayments.add``: changed_since), and the write-off took its
counter, then wrote its payment on the order: against a path taking the order, then its counters (ARCHITECTURE.md,
"Lock order": an exchange of another return of the order takes the order, then reserves the replacement), each held
what the other wanted next and PostgreSQL ended one as a deadlock. The write-off now takes the order first."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import OrderLine, OrderStatus
from domain.returns import ReturnKind, ReturnMethod, ReturnReason, ReturnRequest
from domain.usecases.return_handling import decide_return, inspect_line, mark_received
from domain.usecases.returns import request_return
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import worst_interleaving
from tests.storage.requests import delivered_paid_by_card

STAFF, RETURNING = 751, 752
S = OrderStatus


async def _received(engine: AsyncEngine, clock: FakeClock) -> tuple[ReturnRequest, int, int, int]:
    """A delivered order of a jug, its return received: the return, the order's, the jug's and the warehouse's ids."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        jug = await work.products.upsert(Product("JUG", "Jug", "C", {"EUR": Money(1500, "EUR")}))
        shop = await work.warehouses.upsert(Warehouse("W1", "Main", is_pickup_point=True))
        await work.stock.set_bin_quantity(jug.id or 0, shop.id or 0, "A-01-01-1", 2, "count", "t", clock.now())
        rae = await work.customers.add(Customer(telegram_id=RETURNING, first_name="Rae", created_at=clock.now()))
        await work.staff.put(StaffMember(telegram_id=STAFF, role=Role.ADMIN))
        lines = [OrderLine(jug.id or 0, "JUG", "Jug", 1, Money(1500, "EUR"))]
        placed = await delivered_paid_by_card(work, clock, "DFGHJKLP", rae.id or 0, lines)
    request = await request_return(
        uow(),
        clock,
        customer_id=rae.id or 0,
        code=placed.code,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.DAMAGED,
        method=ReturnMethod.DROP_OFF,
        quantities={x.id or 0: 1 for x in placed.lines},
        window_days=14,
    )
    await decide_return(uow(), clock, staff_id=STAFF, rma=request.rma_code, approve=True)
    await mark_received(uow(), clock, staff_id=STAFF, rma=request.rma_code)
    return request, placed.id or 0, jug.id or 0, shop.id or 0


@pytest.mark.postgres
async def test_a_write_off_and_a_path_taking_the_order_then_its_counter_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the write-off holds the first counter it writes; the other writes the order
    and waits for that counter; the write-off goes on to its payment row."""
    request, order_id, jug, shop = await _received(pg_engine, clock)
    line = request.lines[0].id or 0
    clock.advance(minutes=5)  # the write-off's payment row later than the order's last change: it moves it

    async def write_off() -> object:
        uow = SqlUnitOfWork(session_factory(pg_engine))
        return await inspect_line(uow, clock, staff_id=STAFF, rma=request.rma_code, line_id=line, restock=False)

    async def order_then_counter() -> object:
        async with pg_engine.begin() as connection:
            await connection.execute(text("UPDATE orders SET updated_at = updated_at WHERE id = :id"), {"id": order_id})
            where = "product_id = :product AND warehouse_id = :warehouse"
            await connection.execute(
                text(f"SELECT on_hand FROM stock WHERE {where} FOR UPDATE"), {"product": jug, "warehouse": shop}
            )
        return "done"

    results = await worst_interleaving(
        pg_engine, write_off, order_then_counter, lambda statement: statement.startswith("UPDATE stock")
    )
    assert [type(r).__name__ for r in results] == ["str", "Inspected"], results
