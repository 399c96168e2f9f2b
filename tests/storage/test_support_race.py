"""Support conversations under concurrency, on SQLite and PostgreSQL: two staff closing one
conversation at once close it once (one rating request), and messages arriving together are
each counted (counters = rows)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.support import ConversationClosed
from domain.usecases.support import Relayed, close_conversation, record_incoming, start_conversation
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

SUPPORT_CHAT, TOPIC = -100900, 77
STAFF = (11, 12, 13, 14)


async def test_staff_closing_at_once_close_once_and_every_message_is_counted(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        customer = await uow.customers.add(Customer(telegram_id=500, first_name="Alice", created_at=clock.now()))
        for telegram_id in STAFF:
            await uow.staff.put(StaffMember(telegram_id, Role.SUPPORT))
        await uow.commit()
    assert customer.id is not None
    conversation = await start_conversation(
        SqlUnitOfWork(sessions),
        clock,
        customer_id=customer.id,
        chat_id=SUPPORT_CHAT,
        thread_id=TOPIC,
        header_message_id=1,
        order_code=None,
        first=Relayed(1, 2, "text", "hello?"),
    )
    assert conversation.id is not None
    start = asyncio.Event()

    async def write(i: int) -> None:
        await start.wait()
        relayed = Relayed(100 + i, 200 + i, "text", f"message {i}")
        await record_incoming(SqlUnitOfWork(sessions), clock, conversation_id=conversation.id or 0, relayed=relayed)

    writers = [asyncio.create_task(write(i)) for i in range(8)]
    start.set()
    await asyncio.gather(*writers)

    start = asyncio.Event()

    async def close(staff: int) -> bool:
        await start.wait()
        try:
            await close_conversation(
                SqlUnitOfWork(sessions),
                clock,
                chat_id=SUPPORT_CHAT,
                thread_id=TOPIC,
                reply_to=None,
                staff_telegram_id=staff,
            )
        except ConversationClosed:
            return False
        return True

    closers = [asyncio.create_task(close(staff)) for staff in STAFF]
    start.set()
    outcomes = await asyncio.gather(*closers)
    assert sorted(outcomes) == [False, False, False, True]
    async with sessions() as session:
        row = await session.get(m.SupportConversationRow, conversation.id)
        assert row is not None and (row.status, row.messages_in) == ("closed", 9)
        rows = await session.scalar(select(func.count()).select_from(m.SupportMessageRow))
        asked = await session.scalar(
            select(func.count()).select_from(m.OutboxRow).where(m.OutboxRow.template == "support_closed")
        )
    assert (rows, asked) == (9, 1)


@pytest.mark.parametrize("stars", [0, 6])
async def test_a_rating_outside_one_to_five_is_refused(engine: AsyncEngine, stars: int) -> None:
    from domain.support import BadRating
    from domain.usecases.support import rate_conversation

    with pytest.raises(BadRating):
        await rate_conversation(SqlUnitOfWork(session_factory(engine)), customer_id=1, conversation_id=1, stars=stars)


async def test_report_times_are_measured_from_the_rows_of_the_period_s_conversations(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    from domain.usecases.support import customer_conversations, rate_conversation, record_reply, support_figures

    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        customers = [
            await uow.customers.add(Customer(telegram_id=600 + i, first_name=f"C{i}", created_at=clock.now()))
            for i in range(3)
        ]
        await uow.staff.put(StaffMember(STAFF[0], Role.SUPPORT))
        await uow.commit()
    opened_at = []
    for i, customer in enumerate(customers):  # the first one before the period
        opened_at.append(clock.now())
        await start_conversation(
            SqlUnitOfWork(sessions), clock, customer_id=customer.id or 0, chat_id=SUPPORT_CHAT, thread_id=TOPIC + i,
            header_message_id=10 * i, order_code=None, first=Relayed(10 * i + 1, 10 * i + 2, "text", "hello?"),
        )  # fmt: skip
        clock.advance(hours=1)
    answered = await customer_conversations(SqlUnitOfWork(sessions), customers[1].id or 0)
    clock.advance(minutes=5)  # 2 h 5 min after the second customer wrote
    await record_reply(
        SqlUnitOfWork(sessions), clock, conversation_id=answered[0].id or 0, relayed=Relayed(50, 51, "text", "hi"),
        staff_name="Ada",
    )  # fmt: skip
    clock.advance(minutes=40)
    await close_conversation(
        SqlUnitOfWork(sessions), clock, chat_id=SUPPORT_CHAT, thread_id=TOPIC + 1, reply_to=None,
        staff_telegram_id=STAFF[0],
    )  # fmt: skip
    await rate_conversation(
        SqlUnitOfWork(sessions), customer_id=customers[1].id or 0, conversation_id=answered[0].id or 0, stars=4
    )

    times = await support_figures(SqlUnitOfWork(sessions), opened_at[1], clock.now())
    assert times.conversations == 2  # the second and the third; the third is still unanswered
    assert (times.first_reply_median, times.resolution_median) == (125 * 60, 165 * 60)
    assert (times.rated, times.average_rating) == (1, 4.0)
