"""An update whose transaction the database gave up is handled again only while nothing of the
try was seen: no request sent, no commit, no conversation state written; and a few times at most."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.methods import SendMessage
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.app import make_fsm_storage
from bot.config import load_settings
from bot.middlewares import UnitOfWorkMiddleware
from domain.contention import ATTEMPTS, Contention
from domain.ports import SystemClock
from handlers.views.outgoing import OutgoingGuard
from storage.db import create_engine, session_factory
from storage.fsm import DatabaseStorage

UPDATE = Update(update_id=7)
REDIS_URL = "redis://127.0.0.1:6379/15"


class Handler:
    """Gives up ``times`` times (doing ``before`` first each time), then answers "done"."""

    def __init__(self, times: int, before: Any = None) -> None:
        self.times, self.before, self.calls = times, before, 0

    async def __call__(self, event: TelegramObject, data: dict[str, Any]) -> str:
        self.calls += 1
        if self.before is not None:
            await self.before(data)
        if self.calls <= self.times:
            raise Contention()
        return "done"


async def _send(data: dict[str, Any]) -> None:
    async def make_request(bot: Any, method: Any) -> bool:
        return True

    await OutgoingGuard()(cast(Any, make_request), cast(Bot, None), SendMessage(chat_id=1, text="Working on it…"))


async def test_an_update_given_up_before_anything_was_seen_is_handled_again_until_it_goes_through() -> None:
    handler = Handler(times=ATTEMPTS - 1)
    assert await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {}) == "done"
    assert handler.calls == ATTEMPTS


async def test_an_update_the_database_keeps_giving_up_is_tried_a_bounded_number_of_times() -> None:
    handler = Handler(times=ATTEMPTS + 5)
    with pytest.raises(Contention):
        await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {})
    assert handler.calls == ATTEMPTS


async def test_an_update_given_up_after_it_sent_a_message_is_not_handled_again() -> None:
    handler = Handler(times=1, before=_send)
    with pytest.raises(Contention):
        await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {})
    assert handler.calls == 1


async def test_an_update_given_up_after_its_unit_of_work_committed_is_not_handled_again() -> None:
    async def commits(data: dict[str, Any]) -> None:
        data["uow"].commits = 1  # as its commit counts

    handler = Handler(times=1, before=commits)
    with pytest.raises(Contention):
        await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {})
    assert handler.calls == 1


KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def _given_up_after_writing_state(storage: BaseStorage) -> Handler:
    async def writes_state(data: dict[str, Any]) -> None:
        await storage.set_state(KEY, "Checkout:review")

    handler = Handler(times=1, before=writes_state)
    with pytest.raises(Contention):
        await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {})
    return handler


async def test_an_update_given_up_after_it_wrote_conversation_state_is_not_handled_again(engine: AsyncEngine) -> None:
    storage = make_fsm_storage(load_settings(bot_token="1:x"), engine)
    assert isinstance(storage, DatabaseStorage)
    async with storage.one_update():  # as ``StateWritesMiddleware`` does around the update
        handler = await _given_up_after_writing_state(storage)
    assert handler.calls == 1
    assert await DatabaseStorage(engine).get_state(KEY) == "Checkout:review"  # written once, at the end


async def test_with_redis_an_update_given_up_after_it_wrote_conversation_state_is_not_handled_again() -> None:
    """Several processes keep conversation state in Redis, written at once: the retry must see
    that write too (PostgreSQL, where transactions are given up, is where Redis is used)."""
    engine = create_engine("sqlite+aiosqlite://")
    storage = make_fsm_storage(load_settings(bot_token="1:x", redis_url=REDIS_URL), engine)
    try:
        await storage.get_state(KEY)
    except Exception:  # noqa: BLE001 - no Redis on this machine
        pytest.skip("no Redis at 127.0.0.1:6379")
    try:
        handler = await _given_up_after_writing_state(storage)
        assert await storage.get_state(KEY) == "Checkout:review"  # the first try's write stands
    finally:
        await storage.set_state(KEY, None)
        await storage.close()
        await engine.dispose()
    assert handler.calls == 1


async def test_an_update_handled_again_starts_from_the_customer_as_stored_and_the_data_as_it_came(
    engine: AsyncEngine,
) -> None:
    """A try given up may have changed the sender's ``customer`` object (a use case fills in a
    phone on it) or put keys into the update's data: the next try sees neither."""
    seen: list[tuple[str | None, bool]] = []

    async def changes_the_customer(data: dict[str, Any]) -> None:
        seen.append((data["customer"].phone, "left_by_a_try" in data))
        data["customer"].phone = "+447700900123"
        data["left_by_a_try"] = True

    handler = Handler(times=1, before=changes_the_customer)
    sender = User(id=4242, is_bot=False, first_name="Ann", language_code="en")
    middleware = UnitOfWorkMiddleware(session_factory(engine), SystemClock())
    assert await middleware(handler, UPDATE, {"event_from_user": sender}) == "done"
    assert seen == [(None, False), (None, False)]  # the second try: no phone, no key from the first
