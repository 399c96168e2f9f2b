"""An update whose transaction the database gave up is handled again only while nothing of the
try was seen: no request sent, no commit, no conversation state written; and a few times at most."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.middlewares import UnitOfWorkMiddleware
from domain.contention import ATTEMPTS, Contention
from domain.ports import SystemClock
from handlers.views.outgoing import OutgoingGuard
from storage.fsm import _PENDING

UPDATE = Update(update_id=7)


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


async def test_an_update_given_up_after_it_wrote_conversation_state_is_not_handled_again() -> None:
    async def writes_state(data: dict[str, Any]) -> None:
        pending = _PENDING.get()
        assert pending is not None
        pending["fsm:1:1"] = ("Checkout:review", {})

    token = _PENDING.set({})  # as ``DatabaseStorage.one_update`` does around the update
    try:
        handler = Handler(times=1, before=writes_state)
        with pytest.raises(Contention):
            await UnitOfWorkMiddleware(async_sessionmaker(), SystemClock())(handler, UPDATE, {})
    finally:
        _PENDING.reset(token)
    assert handler.calls == 1
