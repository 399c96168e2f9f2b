"""A short pick's answer pressed twice at once, on real SQLite and PostgreSQL: one answer counts,
the other is refused with nothing changed (one transition, one notice, at most one refund)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import OrderStatus
from domain.shortages import ChoiceGone, ShortChoice
from domain.usecases.backorder_fill import fill_due_backorders
from domain.usecases.inventory import receive_goods
from domain.usecases.shortages import choose_short
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.short_choice_race import _held_for_a_short_pick

STAFF_CHAT = -100500


@pytest.mark.parametrize(
    "first,second",
    [(ShortChoice.WAIT, ShortChoice.WAIT), (ShortChoice.WAIT, ShortChoice.CANCEL)],
    ids=["same answer twice", "wait against cancel"],
)
async def test_two_answers_at_once_one_counts_and_the_other_changes_nothing(
    engine: AsyncEngine, clock: FakeClock, first: ShortChoice, second: ShortChoice
) -> None:
    customer_id, code = await _held_for_a_short_pick(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def press(choice: ShortChoice) -> ShortChoice | None:
        await start.wait()
        try:
            await choose_short(
                SqlUnitOfWork(sessions),
                clock,
                customer_id=customer_id,
                code=code,
                choice=choice,
                staff_chat_id=STAFF_CHAT,
            )
        except ChoiceGone:
            return None
        return choice

    tasks = [asyncio.create_task(press(first)), asyncio.create_task(press(second))]
    start.set()
    results = await asyncio.gather(*tasks)
    won = [r for r in results if r is not None]
    assert len(won) == 1
    async with sessions() as session:
        order = (await session.execute(select(m.OrderRow.status, m.OrderRow.flags))).one()
        resumed = await session.scalar(
            select(func.count()).where(m.OrderHistoryRow.from_status == OrderStatus.ON_HOLD.value)
        )
        notices = await session.scalar(select(func.count()).where(m.OutboxRow.template == "staff_short_choice"))
        refunds = await session.scalar(
            select(func.coalesce(func.sum(m.PaymentRow.amount_minor), 0)).where(m.PaymentRow.kind == "refund_owed")
        )
        part = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.cancelled))).one()
    assert (resumed, notices) == (1, 1)
    if won[0] is ShortChoice.WAIT:
        assert tuple(order) == ("picking", "BACKORDER") and refunds == 0 and tuple(part) == ("waiting", 0)
    else:  # nothing of it was in hand: cancelled whole, what was paid owed back once
        assert tuple(order) == ("cancelled", "") and refunds == 1800 and tuple(part) == ("cancelled", 2)


async def test_an_answer_while_the_missing_units_arrive_fills_them_once_and_stock_stays_exact(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    customer_id, code = await _held_for_a_short_pick(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def answer() -> None:
        await start.wait()
        await choose_short(
            SqlUnitOfWork(sessions),
            clock,
            customer_id=customer_id,
            code=code,
            choice=ShortChoice.WAIT,
            staff_chat_id=None,
        )

    async def receive() -> None:
        await start.wait()
        await receive_goods(SqlUnitOfWork(sessions), clock, actor="test", sku="SHO-1", quantity=2, warehouse_code="W1")

    tasks = [asyncio.create_task(answer()), asyncio.create_task(receive())]
    start.set()
    await asyncio.gather(*tasks)
    await fill_due_backorders(SqlUnitOfWork(sessions), clock)  # the tick: what the two passed over, if anything
    async with sessions() as session:
        order = (await session.execute(select(m.OrderRow.status, m.OrderRow.flags))).one()
        part = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.filled))).one()
        on_hand, reserved = (await session.execute(select(m.StockRow.on_hand, m.StockRow.reserved))).one()
        rows = await session.scalar(select(func.coalesce(func.sum(m.ReservationRow.quantity), 0)))
    # Whichever came first, the 2 that arrived are the order's, once: the answer fills what came
    # while it was awaited, a receipt after it fills the part itself, and a receipt that found
    # the order taken by the answer at that moment passes it over for the next tick to fill.
    assert tuple(order) == ("picking", "") and tuple(part) == ("filled", 2)
    assert (on_hand, reserved, rows) == (2, 2, 2)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
