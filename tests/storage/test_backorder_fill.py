"""Backorders on real SQLite and PostgreSQL: stock a cancelled order gives back goes to those
waiting, in its own transaction; a cancellation and a receipt at once never deadlock; a limit
holds when 30 customers check out at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BackorderStatus, BackorderTerms, PreorderFull
from domain.errors import DomainError
from domain.orders import OrderStatus
from domain.usecases.backorder_fill import fill_due_backorders
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.inventory import receive_goods
from domain.usecases.orders import cancel_my_order
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.backorder_fill import _customers, _parts, _shop
from tests.storage.requests import pickup_cash_on_delivery


async def _checkout(engine: AsyncEngine, clock: FakeClock, customer_id: int, shop_id: int) -> str:
    order = await place_order(
        SqlUnitOfWork(session_factory(engine)), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer_id, shop_id)
    )
    clock.advance(minutes=1)
    return order.code


async def _counters(engine: AsyncEngine) -> tuple[int, int, int]:
    """On hand, reserved, and the units in reservation rows."""
    async with session_factory(engine)() as session:
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        rows = await session.scalar(select(func.coalesce(func.sum(m.ReservationRow.quantity), 0)))
    return on_hand, reserved, int(rows or 0)


async def test_a_cancelled_order_gives_its_stock_to_the_oldest_waiting_in_the_same_transaction(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    _, shop = await _shop(engine, clock, on_hand=3)
    first, second, third = await _customers(engine, clock, [3, 2, 2])
    code = await _checkout(engine, clock, first, shop)  # takes all 3
    await _checkout(engine, clock, second, shop)  # 2 wait
    await _checkout(engine, clock, third, shop)  # 2 wait
    assert await _counters(engine) == (3, 3, 3)

    cancelled = await cancel_my_order(
        SqlUnitOfWork(session_factory(engine)), clock, customer_id=first, code=code, staff_chat_id=None
    )

    assert cancelled.status is OrderStatus.CANCELLED
    assert await _parts(engine) == [(second, "filled", 0, 2), (third, "waiting", 1, 1)]  # oldest first, then a part
    assert await _counters(engine) == (3, 3, 3)  # counters = rows: every unit now allocated to the waiting
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []
    async with session_factory(engine)() as session:
        told = await session.scalar(select(func.count()).where(m.OutboxRow.template == "backorder_filled"))
    assert told == 2


async def test_a_cancelled_order_takes_its_own_waiting_part_with_it(engine: AsyncEngine, clock: FakeClock) -> None:
    _, shop = await _shop(engine, clock, on_hand=1)
    (only,) = await _customers(engine, clock, [3])
    code = await _checkout(engine, clock, only, shop)  # 1 allocated, 2 wait
    await cancel_my_order(
        SqlUnitOfWork(session_factory(engine)), clock, customer_id=only, code=code, staff_chat_id=None
    )
    assert await _parts(engine) == [(only, "cancelled", 0, 0)]
    assert await _counters(engine) == (1, 0, 0)  # nothing left to give its unit to: it stays free


async def test_orders_cancelled_while_goods_arrive_never_deadlock_and_stock_stays_exact(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A cancellation takes the order, then its stock; a receipt takes the stock, then the
    orders it fills: they must not wait on each other (PostgreSQL would abort one as a
    deadlock). One order has a unit allocated and one waiting: both race for it."""
    _, shop = await _shop(engine, clock, on_hand=9)
    customers = await _customers(engine, clock, [2] * 8)
    codes = [await _checkout(engine, clock, c, shop) for c in customers]  # 4 whole, 1 half, 3 waiting for 2
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def cancel(customer_id: int, code: str) -> None:
        await start.wait()
        await cancel_my_order(SqlUnitOfWork(sessions), clock, customer_id=customer_id, code=code, staff_chat_id=None)

    async def receive() -> None:
        await start.wait()
        await receive_goods(SqlUnitOfWork(sessions), clock, actor="test", sku="P", quantity=3, warehouse_code="W1")

    cancelling = list(zip(customers, codes, strict=True))[::2]  # whole, half and waiting orders alike
    tasks = [asyncio.create_task(cancel(c, code)) for c, code in cancelling]
    tasks += [asyncio.create_task(receive()), asyncio.create_task(receive())]
    start.set()
    await asyncio.gather(*tasks)  # no deadlock: every one of them committed

    gone = {c for c, _ in cancelling}
    async with sessions() as session:
        status = dict((await session.execute(select(m.OrderRow.customer_id, m.OrderRow.status))).all())
        held = set(await session.scalars(select(m.ReservationRow.customer_id)))
    assert {c for c, s in status.items() if s == OrderStatus.CANCELLED.value} == gone
    assert not held & gone  # a cancelled order keeps no stock, however the race went
    placed_waiting = dict(zip(customers[4:], [1, 2, 2, 2], strict=True))
    for customer, state, waiting, filled in await _parts(engine):
        if customer in gone:  # cancelled, or filled first and then given back with the order
            assert state in {"cancelled", "filled"}
        else:  # filled, partly filled or still waiting: never more or less than was asked for
            assert state in {"waiting", "filled"} and waiting + filled == placed_waiting[customer]
    on_hand, reserved, rows = await _counters(engine)
    assert (on_hand, reserved) == (9 + 6, rows)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []


async def test_thirty_customers_at_once_leave_exactly_the_limit_of_five_waiting(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    _, shop = await _shop(engine, clock, on_hand=0, terms="on 5")
    customers = await _customers(engine, clock, [1] * 30)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def checkout(customer_id: int) -> bool:
        await start.wait()
        try:
            await place_order(
                SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer_id, shop)
            )
        except DomainError:
            return False
        return True

    tasks = [asyncio.create_task(checkout(c)) for c in customers]
    start.set()
    results = await asyncio.gather(*tasks)

    assert sum(results) == 5
    parts = await _parts(engine)
    assert [(status, waiting) for _, status, waiting, _ in parts] == [(BackorderStatus.WAITING.value, 1)] * 5
    async with sessions() as session:
        placed = await session.scalar(select(func.count()).select_from(m.OrderRow))
    assert placed == 5


async def test_a_preorder_is_not_sold_from_early_stock_before_release_nor_beyond_its_limit(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    product, shop = await _shop(engine, clock, on_hand=5)
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        await uow.backorders.set_terms(
            product, BackorderTerms(product, False, 2, clock.now().date() + timedelta(days=3))
        )
        await uow.commit()
    first, greedy = await _customers(engine, clock, [2, 1])
    await _checkout(engine, clock, first, shop)
    with pytest.raises(PreorderFull):  # the limit's 2 are taken: the 5 on the shelf do not sell it either
        await _checkout(engine, clock, greedy, shop)
    assert await _parts(engine) == [(first, "waiting", 2, 0)]
    assert await _counters(engine) == (5, 0, 0)  # nothing allocated before the release

    clock.advance(days=3)
    assert await fill_due_backorders(SqlUnitOfWork(session_factory(engine)), clock) == 2
    assert await _parts(engine) == [(first, "filled", 0, 2)]
    assert await _counters(engine) == (5, 2, 2)


async def test_a_stock_count_import_fills_the_oldest_waiting_in_its_transaction(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    from domain.usecases.imports.stock import import_stock

    _, shop_id = await _shop(engine, clock, on_hand=0)
    customers = await _customers(engine, clock, [2, 2])
    for customer in customers:
        await _checkout(engine, clock, customer, shop_id)
    await import_stock(SqlUnitOfWork(session_factory(engine)), clock, "sku,warehouse,bin,quantity\nP,W1,A-01-01-1,3\n")
    assert [(status, waiting, filled) for _, status, waiting, filled in await _parts(engine)] == [
        ("filled", 0, 2),
        ("waiting", 1, 1),
    ]
    assert await _counters(engine) == (3, 3, 3)
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []
