"""A picker's short pick whose rest moves to another warehouse while a manager transfers the
item between the two, on SQLite and PostgreSQL: the short takes the item's counters in the lock
order before it writes them, so neither is a deadlock's victim; the order is allocated from the
other warehouse, the short bin loses what was not found, the transferred unit arrives, and the
counters agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.picking import PickRound
from domain.usecases.short_picks import report_short
from domain.usecases.stock import stock_drift
from domain.usecases.transfers import Transferred, transfer
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.pack_short_transfer_race import _bins
from tests.storage.short_pick_race import a_round_to_find_short

PICKER, MANAGER, CUSTOMER = 821, 822, 9_021


async def _short_of_both_in_the_pickup_shop(engine: AsyncEngine, clock: FakeClock) -> str:
    """W1, the pickup shop, has 2 mugs in A-01-01-1, reserved for an order of 2 whose round sends a picker there; W2
    has 3 free in B-01-01-1. Returns the order's code."""
    order = await a_round_to_find_short(engine, clock, customer=CUSTOMER, picker=PICKER, manager=MANAGER)
    assert await counters(engine) == {"W1": (2, 2), "W2": (3, 0)}
    return order.code


async def _short(engine: AsyncEngine, clock: FakeClock) -> PickRound:
    """None of the 2 in A-01-01-1: W1 has no other bin, so W2 is to give both."""
    uow = SqlUnitOfWork(session_factory(engine))
    return await report_short(uow, clock, staff_id=PICKER, found=0, staff_chat_id=None)


async def _transfer(engine: AsyncEngine, clock: FakeClock) -> Transferred:
    uow = SqlUnitOfWork(session_factory(engine))
    return await transfer(
        uow, clock, staff_id=MANAGER, sku="MUG", quantity=1, source="W2:B-01-01-1", target="W1:A-01-01-1"
    )


async def _check(engine: AsyncEngine, code: str, results: list[object]) -> None:
    assert sorted(type(r).__name__ for r in results) == ["PickRound", "Transferred"], results
    # Whichever came first: W1's bin loses the 2 not found and keeps the unit transferred in;
    # the order's 2 are reserved in W2, which gave 1 to W1.
    assert await counters(engine) == {"W1": (1, 0), "W2": (2, 2)}
    assert await _bins(engine) == {("W1", "A-01-01-1"): 1, ("W2", "B-01-01-1"): 2}
    async with session_factory(engine)() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))
        reserved = await session.execute(
            select(m.WarehouseRow.code, m.ReservationRow.quantity).join(
                m.ReservationRow, m.ReservationRow.warehouse_id == m.WarehouseRow.id
            )
        )
        assert sorted((w, q) for w, q in reserved) == [("W2", 2)]
    assert status == "picking"
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


@pytest.mark.postgres
async def test_a_short_pick_moved_to_another_warehouse_and_a_transfer_between_them_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the transfer holds W1's counter; the short then goes as
    far as it can; the transfer goes on to W2's. A short that reserved in W2 before releasing
    in W1 held W2 by then, and PostgreSQL killed one of the two as a deadlock."""
    code = await _short_of_both_in_the_pickup_shop(pg_engine, clock)
    results = await worst_interleaving(pg_engine, lambda: _transfer(pg_engine, clock), lambda: _short(pg_engine, clock))
    await _check(pg_engine, code, results)


async def test_a_short_pick_moved_to_another_warehouse_and_a_transfer_at_the_same_moment_both_end_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _short_of_both_in_the_pickup_shop(engine, clock)
    results = await at_once(lambda: _short(engine, clock), lambda: _transfer(engine, clock))
    await _check(engine, code, results)
