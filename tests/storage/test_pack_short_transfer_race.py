"""A packer short of units picked in two warehouses while a manager transfers the item between
them, on SQLite and PostgreSQL: the short takes the item's counters in the lock order before it
reads them, so neither is a deadlock's victim; the lost units come off the bins they were picked
from, the order goes back to picking, the transferred unit moves, and the counters agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Role, StaffMember
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.dispatch import PackShort, report_pack_short
from domain.usecases.picking import confirm_pick, current_round, start_round
from domain.usecases.stock import stock_drift
from domain.usecases.transfers import Transferred, transfer
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import MANAGER, _mugs_in_two_warehouses, counters
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.pack_short_transfer_race import _bins
from tests.storage.requests import pickup_cash_on_delivery

PICKERS = {"W1": 811, "W2": 812}
PACKER = 813


async def _picked_in_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> str:
    """An order of 4 mugs, 2 reserved in W2 (nearer) and 2 in W1, picked from bin A-01-01-1 of
    each, W1 first (so W2's units are the first a short at packing takes back); then each
    warehouse gets more on B-01-01-1 (W1: 3, W2: 2), free for a second pick. Returns its code."""
    customer, shop = await _mugs_in_two_warehouses(engine, clock)
    sessions = session_factory(engine)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer, shop))
    async with (uow := SqlUnitOfWork(sessions)):
        for code, picker in PICKERS.items():
            await uow.staff.put(StaffMember(telegram_id=picker, role=Role.PICKER, warehouse_code=code))
        await uow.staff.put(StaffMember(telegram_id=PACKER, role=Role.PACKER, warehouse_code="W2"))
        await uow.commit()
    for picker in PICKERS.values():
        await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
        while await current_round(SqlUnitOfWork(sessions), staff_id=picker) is not None:
            await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=picker, scanned="MUG")
    async with (uow := SqlUnitOfWork(sessions)):
        warehouses = {w.code: w.id or 0 for w in await uow.warehouses.all()}
        mug = order.lines[0].product_id
        for code, units in (("W1", 3), ("W2", 2)):
            await uow.stock.set_bin_quantity(mug, warehouses[code], "B-01-01-1", units, "count", "t", clock.now())
        await uow.commit()
    assert await counters(engine) == {"W1": (6, 2), "W2": (4, 2)}
    return order.code


async def _check(engine: AsyncEngine, code: str, results: list[object]) -> None:
    assert sorted(type(r).__name__ for r in results) == ["PackShort", "Transferred"], results
    short = next(r for r in results if isinstance(r, PackShort))
    assert short.picked_again and short.missing == 3
    assert any(isinstance(r, Transferred) for r in results)
    # 2 lost from W2's A bin, 1 from W1's; one moved from W1's B bin to W2's; each keeps its 2 reserved.
    assert await counters(engine) == {"W1": (4, 2), "W2": (3, 2)}
    assert await _bins(engine) == {("W1", "A-01-01-1"): 2, ("W1", "B-01-01-1"): 2, ("W2", "B-01-01-1"): 3}
    async with session_factory(engine)() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))
    assert status == "picking"
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


async def _short(engine: AsyncEngine, clock: FakeClock, code: str) -> PackShort:
    uow = SqlUnitOfWork(session_factory(engine))
    return await report_pack_short(uow, clock, staff_id=PACKER, code=code, sku="MUG", found=1, staff_chat_id=None)


async def _transfer(engine: AsyncEngine, clock: FakeClock) -> Transferred:
    uow = SqlUnitOfWork(session_factory(engine))
    return await transfer(
        uow, clock, staff_id=MANAGER, sku="MUG", quantity=1, source="W1:B-01-01-1", target="W2:B-01-01-1"
    )


@pytest.mark.postgres
async def test_a_short_at_packing_and_a_transfer_between_its_warehouses_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the transfer holds W1's counter; the short then goes as
    far as it can; the transfer goes on to W2's. A short that wrote W2's counter (picked last)
    before W1's held W2 by then, and PostgreSQL killed one of the two as a deadlock."""
    code = await _picked_in_two_warehouses(pg_engine, clock)
    results = await worst_interleaving(
        pg_engine,
        lambda: _transfer(pg_engine, clock),
        lambda: _short(pg_engine, clock, code),
    )
    await _check(pg_engine, code, results)


async def test_a_short_at_packing_and_a_transfer_at_the_same_moment_both_end_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _picked_in_two_warehouses(engine, clock)
    results = await at_once(lambda: _short(engine, clock, code), lambda: _transfer(engine, clock))
    await _check(engine, code, results)
