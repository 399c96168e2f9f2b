"""An exchange's replacement order sent while a customer checks out the same two items, on SQLite
and PostgreSQL. The replacement reserved its lines in the order the customer's order listed them
(the higher product id first); a checkout locks its counters ascending: each held the counter the
other wanted next, and PostgreSQL ended one as a deadlock. The replacement now locks its counters
in the lock order first (ARCHITECTURE.md, "Lock order"): both go through, nothing oversold."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus
from domain.payments import Payment, PaymentKind
from domain.returns import ReturnKind, ReturnMethod, ReturnReason, ReturnRequest
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import pickup_cash_on_delivery

STAFF, RETURNING, BUYING = 741, 742, 743
S = OrderStatus


async def _exchange_and_a_cart(engine: AsyncEngine, clock: FakeClock) -> str:
    """A delivered order of a jug and a mug (the jug listed first, its id the higher), both sent back
    for the same again, received and written off; W1 has 2 of each on its shelf, and another
    customer's cart holds one of each. Returns the return's RMA."""
    uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731 - a fresh unit each use case
    async with (work := uow()):
        mug = await work.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(900, "EUR")}))
        jug = await work.products.upsert(Product("JUG", "Jug", "C", {"EUR": Money(1500, "EUR")}))
        assert (mug.id or 0) < (jug.id or 0)
        shop = await work.warehouses.upsert(Warehouse("W1", "Main", is_pickup_point=True))
        for product in (mug, jug):
            await work.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 2, "count", "t", clock.now())
        rae = await work.customers.add(Customer(telegram_id=RETURNING, first_name="Rae", created_at=clock.now()))
        bo = await work.customers.add(Customer(telegram_id=BUYING, first_name="Bo", created_at=clock.now()))
        for product in (mug, jug):
            await work.carts.set(bo.id or 0, product.id or 0, 1, clock.now())
        await work.staff.put(StaffMember(telegram_id=STAFF, role=Role.ADMIN))
        lines = [
            OrderLine(jug.id or 0, "JUG", "Jug", 1, Money(1500, "EUR")),
            OrderLine(mug.id or 0, "MUG", "Mug", 1, Money(900, "EUR")),
        ]
        order = Order.place(
            code="DFGHJKLN", customer_id=rae.id or 0, currency="EUR", lines=lines, now=clock.now(), actor="test"
        )
        for status in (S.PAID, S.ALLOCATED, S.PICKING, S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED):
            order.transition(status, now=clock.now(), actor="test")
        await work.orders.add(order)
        await work.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(2400, "EUR"), clock.now()))
        await work.commit()
        placed = await work.orders.get_by_code(order.code)
    assert placed is not None
    request = await request_return(
        uow(),
        clock,
        customer_id=rae.id or 0,
        code=order.code,
        kind=ReturnKind.EXCHANGE,
        reason=ReturnReason.DAMAGED,
        method=ReturnMethod.DROP_OFF,
        quantities={x.id or 0: 1 for x in placed.lines},
        window_days=14,
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=STAFF, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=STAFF, rma=rma)
    for line in request.lines:  # broken: written off, the shelf keeps its 2 of each
        await inspect_line(uow(), clock, staff_id=STAFF, rma=rma, line_id=line.id or 0, restock=False)
    return rma


async def _exchange(engine: AsyncEngine, clock: FakeClock, rma: str) -> ReturnRequest:
    uow = SqlUnitOfWork(session_factory(engine))
    return await resolve_return(uow, clock, staff_id=STAFF, rma=rma, policy=CheckoutPolicy())


async def _checkout(engine: AsyncEngine, clock: FakeClock) -> Order:
    async with session_factory(engine)() as session:
        bo = await session.scalar(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == BUYING))
        shop = await session.scalar(select(m.WarehouseRow.id))
    request = pickup_cash_on_delivery(bo or 0, shop)
    return await place_order(SqlUnitOfWork(session_factory(engine)), clock, CheckoutPolicy(), request)


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    assert sorted(type(r).__name__ for r in results) == ["Order", "ReturnRequest"], results
    async with session_factory(engine)() as session:
        reserved = await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))
        assert sorted(reserved) == [(2, 2), (2, 2)]  # one of each for the replacement, one for the checkout
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


def _reserves_stock(statement: str) -> bool:
    return statement.startswith("UPDATE stock") or ("FOR UPDATE" in statement and "FROM stock" in statement)


@pytest.mark.postgres
async def test_a_replacement_order_and_a_checkout_of_the_same_items_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the replacement holds its first counter; the checkout locks
    what it can, ascending, and waits; the replacement goes on to its second counter."""
    rma = await _exchange_and_a_cart(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine, lambda: _exchange(pg_engine, clock, rma), lambda: _checkout(pg_engine, clock), _reserves_stock
    )
    await _check(pg_engine, results)


async def test_a_replacement_order_and_a_checkout_at_the_same_moment_both_go_through(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    rma = await _exchange_and_a_cart(engine, clock)
    await _check(engine, await at_once(lambda: _exchange(engine, clock, rma), lambda: _checkout(engine, clock)))
