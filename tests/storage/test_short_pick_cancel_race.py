"""A picker's short pick and a manager cancelling its order mid-pick at once, on SQLite and PostgreSQL: the short
reads its round again under the order's row, so it either ran whole before the cancel (which then undoes all of it)
or is refused; no line is left to pick, no unit held anywhere, for the cancelled order. A ⏭ Skip the same."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.errors import DomainError
from domain.picking import PickMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.orders import cancel_for_customer
from domain.usecases.pick_cancel import LeftByCancel
from domain.usecases.picking import NoOpenRound, PickRound, skip_line, start_round
from domain.usecases.short_picks import report_short
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.lock_waits import as_role, at_once, pauses_after_first_stock_lock
from tests.storage.pack_short_transfer_race import _bins
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery
from tests.storage.short_pick_race import a_round_to_find_short

PICKER, MANAGER, CUSTOMER = 831, 832, 9_031


async def _short_with_another_bin_and_warehouse(engine: AsyncEngine, clock: FakeClock) -> str:
    """W1 plans the order's 2 mugs in A-01-01-1 (2 counted, none there); A-02-01-1 has 1 more, W2 3 free: a short
    there sends the picker to A-02-01-1 for one and moves the other to W2. Returns the order's code."""
    order = await a_round_to_find_short(
        engine, clock, customer=CUSTOMER, picker=PICKER, manager=MANAGER, more_in_shop=1
    )
    assert await _lines(engine) == [("A-01-01-1", 2, 0, 0)]
    assert await counters(engine) == {"W1": (3, 2), "W2": (3, 0)}
    return order.code


async def _lines(engine: AsyncEngine) -> list[tuple[str | None, int, int, int]]:
    """Every pick line: (bin, quantity, picked, short), in the round's order."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.BinRow.code, m.PickLineRow.quantity, m.PickLineRow.picked, m.PickLineRow.short)
            .outerjoin(m.BinRow, m.BinRow.id == m.PickLineRow.bin_id)
            .order_by(m.PickLineRow.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def _short(engine: AsyncEngine, clock: FakeClock) -> object:
    try:
        return await report_short(
            SqlUnitOfWork(session_factory(engine)), clock, staff_id=PICKER, found=0, staff_chat_id=None
        )
    except NoOpenRound as refused:  # the cancel first: its only line closed, the round ended
        return refused


async def _cancel(engine: AsyncEngine, clock: FakeClock, code: str) -> object:
    uow = SqlUnitOfWork(session_factory(engine))
    return await cancel_for_customer(uow, clock, staff_id=MANAGER, code=code, staff_chat_id=None)


async def _check(engine: AsyncEngine, code: str, short: object, cancelled: object) -> None:
    if isinstance(cancelled, BaseException) and not isinstance(cancelled, DomainError):
        raise cancelled
    assert not isinstance(cancelled, BaseException), cancelled  # the manager's cancel is never refused here
    async with session_factory(engine)() as session:
        status = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))
        held = (await session.execute(select(m.ReservationRow.warehouse_id, m.ReservationRow.quantity))).all()
        open_rounds = await session.scalar(select(m.PickListRow.id).where(m.PickListRow.status == "open"))
    assert (status, held, open_rounds) == ("cancelled", [], None)  # no unit held anywhere, no round left open
    if isinstance(short, PickRound):  # the short whole, then the cancel: the extra line closed, W2's unit let go
        assert await _lines(engine) == [("A-01-01-1", 2, 0, 2), ("A-02-01-1", 1, 0, 1)]
        assert await _bins(engine) == {("W1", "A-02-01-1"): 1, ("W2", "B-01-01-1"): 3}  # the empty bin written off
        assert await counters(engine) == {"W1": (1, 0), "W2": (3, 0)}
    else:  # the cancel first: the short refused, nothing of it written
        assert isinstance(short, NoOpenRound), short
        assert await _lines(engine) == [("A-01-01-1", 2, 0, 2)]
        assert await _bins(engine) == {("W1", "A-01-01-1"): 2, ("W1", "A-02-01-1"): 1, ("W2", "B-01-01-1"): 3}
        assert await counters(engine) == {"W1": (3, 0), "W2": (3, 0)}


@pytest.mark.parametrize("short_first", [True, False])
async def test_a_short_pick_and_a_cancel_at_once_leave_nothing_to_pick_or_held_for_the_cancelled_order(
    engine: AsyncEngine, clock: FakeClock, short_first: bool
) -> None:
    code = await _short_with_another_bin_and_warehouse(engine, clock)
    calls = [lambda: _short(engine, clock), lambda: _cancel(engine, clock, code)]
    outcomes = await at_once(*(calls if short_first else calls[::-1]))
    short, cancelled = outcomes if short_first else outcomes[::-1]
    if engine.dialect.name == "sqlite":  # writers take turns in the order they asked
        assert isinstance(short, PickRound if short_first else NoOpenRound), short
    await _check(engine, code, short, cancelled)


@pytest.mark.postgres
async def test_a_cancel_between_a_shorts_read_of_its_round_and_its_writes_refuses_the_short(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving: the short has read its round (no lock yet) when the cancel commits."""
    code = await _short_with_another_bin_and_warehouse(pg_engine, clock)
    reads_lines = lambda statement: "FROM pick_lines" in statement  # noqa: E731 - the round's lines read
    async with pauses_after_first_stock_lock(pg_engine, "short", reads_lines) as (read, go):
        short = as_role("short", lambda: _short(pg_engine, clock))
        await read.wait()
        cancelled = await _cancel(pg_engine, clock, code)
        go.set()
        await _check(pg_engine, code, await short, cancelled)


@pytest.mark.postgres
async def test_a_cancel_between_a_skips_read_of_its_round_and_its_write_refuses_the_skip(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """A batch round of two orders of a mug: the picker skips the first order's line as a manager cancels that
    order. The skip, read before the cancel, wrote its old counts back: the cancelled order's line open again."""
    sessions = session_factory(pg_engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        buyers = [
            await uow.customers.add(Customer(telegram_id=CUSTOMER + i, first_name="C", created_at=clock.now()))
            for i in range(2)
        ]
        for buyer in buyers:
            await uow.carts.set(buyer.id or 0, mug.id or 0, 1, clock.now())
        await uow.commit()
    codes = [
        (
            await place_order(
                SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(b.id or 0, shop.id)
            )
        ).code
        for b in buyers
    ]
    current = await start_round(SqlUnitOfWork(sessions), clock, staff_id=PICKER, method=PickMethod.BATCH)
    first = current.pick_list.next_line
    assert first is not None and len(current.pick_list.lines) == 2
    cancelled_code = current.orders[first.order_id].code

    async def skip() -> object:
        try:
            return await skip_line(SqlUnitOfWork(sessions), staff_id=PICKER, line_id=first.id or 0)
        except LeftByCancel as refused:  # its line closed by the cancel: said so, nothing done
            return refused

    reads_lines = lambda statement: "FROM pick_lines" in statement  # noqa: E731 - the round's lines read
    async with pauses_after_first_stock_lock(pg_engine, "skip", reads_lines) as (read, go):
        skipped = as_role("skip", skip)
        await read.wait()
        await _cancel(pg_engine, clock, cancelled_code)
        go.set()
        assert isinstance(await skipped, LeftByCancel)
    async with sessions() as session:
        rows = await session.execute(
            select(m.OrderRow.code, m.PickLineRow.picked, m.PickLineRow.short).join(
                m.OrderRow, m.OrderRow.id == m.PickLineRow.order_id
            )
        )
        lines = {code: (picked, short) for code, picked, short in rows}
    assert lines == {cancelled_code: (0, 1), next(c for c in codes if c != cancelled_code): (0, 0)}
