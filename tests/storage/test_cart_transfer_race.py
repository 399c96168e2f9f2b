"""A customer adding to the cart a product whose expired hold elsewhere goes back on the way, while a
manager transfers it between those warehouses, on SQLite and PostgreSQL: the release and the new
hold take the counters in the lock order, so neither is a deadlock's victim, and the counters agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.stock import Reservation, ReservationKind
from domain.usecases.cart import add_to_cart
from domain.usecases.stock import stock_drift
from domain.usecases.transfers import Transferred, transfer
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import at_once, worst_interleaving

MANAGER = 802


async def _expired_hold_at_w2(engine: AsyncEngine, clock: FakeClock) -> tuple[int, int]:
    """W1 (5 mugs) made before W2 (1 mug, held by someone whose hold expired a minute ago); a
    customer with an empty cart, a manager. Returns (customer id, the mug's id)."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}))
        w1 = await uow.warehouses.upsert(Warehouse("W1", "Main"))
        w2 = await uow.warehouses.upsert(Warehouse("W2", "Shop"))
        assert mug.id is not None and w1.id is not None and w2.id is not None and w1.id < w2.id
        for warehouse, units in ((w1, 5), (w2, 1)):
            await uow.stock.set_bin_quantity(mug.id, warehouse.id or 0, "A-01-01-1", units, "count", "t", clock.now())
        gone = await uow.customers.add(Customer(telegram_id=9101, first_name="Gone", created_at=clock.now()))
        assert await uow.stock.try_reserve(mug.id, w2.id, 1)
        past = clock.now() - timedelta(minutes=1)
        await uow.stock.add_reservation(
            Reservation(mug.id, w2.id, 1, ReservationKind.HOLD, gone.id, None, past, past - timedelta(hours=1))
        )
        customer = await uow.customers.add(Customer(telegram_id=9102, first_name="Cy", created_at=clock.now()))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        await uow.commit()
    return customer.id or 0, mug.id


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    held, moved = results
    assert held == 3 and isinstance(moved, Transferred), results
    stock = await counters(engine)
    async with session_factory(engine)() as session:
        holds = list(await session.scalars(select(m.ReservationRow.quantity)))
    assert {code: on_hand for code, (on_hand, _) in stock.items()} == {"W1": 4, "W2": 2}
    assert sum(reserved for _, reserved in stock.values()) == 3 and holds == [3]  # the expired one is gone
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


async def _adding(engine: AsyncEngine, clock: FakeClock, customer: int, mug: int) -> int:
    return await add_to_cart(
        SqlUnitOfWork(session_factory(engine)), clock, customer_id=customer, product_id=mug, quantity=3, hold_minutes=15
    )


async def _moving(engine: AsyncEngine, clock: FakeClock) -> Transferred:
    sessions = session_factory(engine)
    return await transfer(
        SqlUnitOfWork(sessions), clock, staff_id=MANAGER, sku="MUG", quantity=1, source="W1", target="W2"
    )


@pytest.mark.postgres
async def test_an_add_to_cart_releasing_an_expired_hold_and_a_transfer_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """Forced: the transfer holds W1's counter; the add runs until it waits (releasing W2's
    expired hold first, it held W2 by then); the transfer goes on to W2's."""
    customer, mug = await _expired_hold_at_w2(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine, lambda: _moving(pg_engine, clock), lambda: _adding(pg_engine, clock, customer, mug)
    )
    await _check(pg_engine, results)


async def test_an_add_to_cart_and_a_transfer_at_the_same_moment_both_end_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    customer, mug = await _expired_hold_at_w2(engine, clock)
    results = await at_once(lambda: _adding(engine, clock, customer, mug), lambda: _moving(engine, clock))
    await _check(engine, results)
