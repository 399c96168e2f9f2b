"""A return resolved by two staff at once, on SQLite and PostgreSQL: one refund owed, nothing twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentKind
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

STAFF = (701, 702)
S = OrderStatus


async def _inspected_return(engine: AsyncEngine, clock: FakeClock) -> str:
    """A card order of 2 mugs, paid and delivered, one sent back for a refund, received and
    restocked: only the resolution is left."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        product = await work.products.upsert(Product("RET-1", "Mug", "C", {"EUR": Money(900, "EUR")}))
        await work.warehouses.upsert(Warehouse("W1", "Main"))
        customer = await work.customers.add(Customer(telegram_id=703, first_name="Rae", created_at=clock.now()))
        for staff_id in STAFF:
            await work.staff.put(StaffMember(telegram_id=staff_id, role=Role.ADMIN))
        line = OrderLine(product.id or 0, "RET-1", "Mug", 2, Money(900, "EUR"))
        order = Order.place(
            code="DFGHJKLM", customer_id=customer.id or 0, currency="EUR", lines=[line], now=clock.now(), actor="test"
        )
        for status in (S.PAID, S.ALLOCATED, S.PICKING, S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED):
            order.transition(status, now=clock.now(), actor="test")
        await work.orders.add(order)
        await work.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(1800, "EUR"), clock.now()))
        await work.commit()
        line_id = (await work.orders.get_by_code(order.code)).lines[0].id or 0  # type: ignore[union-attr]
    request = await request_return(
        uow(),
        clock,
        customer_id=customer.id or 0,
        code=order.code,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={line_id: 1},
        window_days=14,
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=STAFF[0], rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=STAFF[0], rma=rma)
    await inspect_line(uow(), clock, staff_id=STAFF[0], rma=rma, line_id=request.lines[0].id or 0, restock=True)
    return rma


async def test_a_return_resolved_by_two_staff_at_once_owes_its_refund_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    rma = await _inspected_return(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def resolve(staff_id: int) -> None:
        await start.wait()
        await resolve_return(SqlUnitOfWork(sessions), clock, staff_id=staff_id, rma=rma, policy=CheckoutPolicy())

    tasks = [asyncio.create_task(resolve(staff_id)) for staff_id in STAFF]
    start.set()
    await asyncio.gather(*tasks)
    async with sessions() as session:
        owed = select(func.count()).where(m.PaymentRow.kind == PaymentKind.REFUND_OWED.value)
        assert await session.scalar(owed) == 1
        owed_in_books = select(func.sum(m.JournalLineRow.credit_minor - m.JournalLineRow.debit_minor)).where(
            m.JournalLineRow.account == "2100 Refunds owed to customers"
        )
        assert await session.scalar(owed_in_books) == 900  # one mug's refund, booked once
