"""Conversation state and the update inbox on both engines: what one process wrote, the
next one reads; an update id is taken once; handled rows older than a day are pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.imports.lists import import_warehouses
from storage import models as m
from storage.db import session_factory
from storage.fsm import DatabaseStorage
from storage.inbox import KEEP_HANDLED, UpdateInbox
from storage.uow import SqlUnitOfWork

BOT = 123456  # the shop's bot: update ids are its own


async def test_conversation_state_is_read_back_by_a_new_process(engine: AsyncEngine) -> None:
    key = StorageKey(bot_id=1, chat_id=42, user_id=42)
    assist = StorageKey(bot_id=1, chat_id=42, user_id=42, destiny="assist")
    before = DatabaseStorage(engine)
    await before.set_state(key, "Checkout:delivery")
    await before.set_data(key, {"key": "abc", "phone": "+447911123456"})
    await before.set_data(assist, {"customer_id": 7})

    after = DatabaseStorage(engine)  # a restarted process: nothing in memory
    assert await after.get_state(key) == "Checkout:delivery"
    assert await after.get_data(key) == {"key": "abc", "phone": "+447911123456"}
    assert (await after.get_state(assist), await after.get_data(assist)) == (None, {"customer_id": 7})

    await after.set_state(key, None)
    await after.set_data(key, {})
    async with session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(m.FsmStateRow)) == 1  # only the assist slot


async def test_an_update_is_taken_once_and_handled_rows_are_pruned_after_a_day(engine: AsyncEngine) -> None:
    inbox = UpdateInbox(engine)
    now = datetime.now(UTC)
    assert await inbox.record(BOT, [(1, "{}"), (2, "{}")], now) == {1, 2}
    assert await inbox.record(BOT, [(2, "{}"), (3, "{}")], now) == {3}  # 2 delivered again
    await inbox.mark_handled(BOT, [1, 2], now)
    assert await inbox.unhandled(BOT) == [(3, "{}")]

    restarted = UpdateInbox(engine)
    assert await restarted.record(BOT, [(1, "{}")], now) == set()  # remembered across processes
    later = now + KEEP_HANDLED + timedelta(minutes=1)
    assert await restarted.record(BOT, [(4, "{}")], later) == {4}
    async with session_factory(engine)() as session:
        left = await session.scalars(select(m.UpdateInboxRow.update_id).order_by(m.UpdateInboxRow.update_id))
        assert list(left) == [3, 4]  # the handled ones went; unhandled 3 waits for its replay


async def test_the_state_an_update_changed_is_written_once_it_is_handled(engine: AsyncEngine) -> None:
    key = StorageKey(bot_id=1, chat_id=43, user_id=43)
    storage = DatabaseStorage(engine)
    async with storage.one_update():
        await storage.set_data(key, {"phone": "+447911123456"})
        await storage.set_state(key, "Checkout:delivery")
        assert await storage.get_state(key) == "Checkout:delivery"  # this process sees it at once
        assert await DatabaseStorage(engine).get_state(key) is None  # not written yet
    restarted = DatabaseStorage(engine)
    assert (await restarted.get_state(key), await restarted.get_data(key)) == (
        "Checkout:delivery",
        {"phone": "+447911123456"},
    )


HEADER = "code,name,address,latitude,longitude,pickup_point\n"


async def test_an_update_whose_work_is_committed_is_marked_handled_in_that_transaction(engine: AsyncEngine) -> None:
    """A crash right after a staff command's commit must not replay it (a second /receive
    would book the goods twice): the unit of work's commit marks its update handled."""
    inbox = UpdateInbox(engine)
    now = datetime.now(UTC)
    await inbox.record(BOT, [(11, "{}"), (12, "{}"), (13, "{}")], now)
    sessions = session_factory(engine)
    await import_warehouses(
        SqlUnitOfWork(sessions),
        "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n",
    )

    committed = SqlUnitOfWork(sessions, update=(BOT, 11))
    await import_warehouses(
        committed, "code,name,address,latitude,longitude,pickup_point\nMAN,Manchester,2 Road,53.5,-2.2,false\n"
    )
    left_open = SqlUnitOfWork(sessions, update=(BOT, 12))
    async with left_open:  # a unit that ends without commit writes nothing, marks nothing
        await left_open.warehouses.all()
    read_only = SqlUnitOfWork(sessions, update=(BOT, 13))
    async with read_only.read_only():
        await read_only.warehouses.all()

    assert await inbox.unhandled(BOT) == [(12, "{}"), (13, "{}")]  # replayed after a crash: they did nothing yet
    async with committed:  # a second use case of the same update commits normally
        await committed.commit()


async def test_reading_state_and_leftover_updates_does_not_wait_for_a_writer(engine: AsyncEngine) -> None:
    """Both are reads: they do not queue for the write lock behind a writer of this process
    (on SQLite a read-only BEGIN beside it; a writer's turn would wait for its commit)."""
    key = StorageKey(bot_id=1, chat_id=44, user_id=44)
    await DatabaseStorage(engine).set_state(key, "Checkout:contact")
    await UpdateInbox(engine).record(BOT, [(9, "{}")], datetime.now(UTC))
    fresh, inbox = DatabaseStorage(engine), UpdateInbox(engine)  # nothing in memory
    async with engine.begin() as writer:  # holds the write lock (and this process's turn) until the block ends
        await writer.execute(update(m.FsmStateRow).values(state="Checkout:contact"))
        state = await asyncio.wait_for(fresh.get_state(key), 10)  # a read taking the write turn never returns here
        left = await asyncio.wait_for(inbox.unhandled(BOT), 10)
    assert (state, left) == ("Checkout:contact", [(9, "{}")])
