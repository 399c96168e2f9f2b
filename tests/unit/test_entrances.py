"""The dispatcher passes over routers whose gate is closed, and routes exactly as aiogram would."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Chat, ErrorEvent, Message, TelegramObject, Update, User

from bot.polling import DurableDispatcher
from handlers.gates import Entrances, RouterGate, gate_routers
from storage.db import create_engine
from storage.inbox import UpdateInbox

# ``DurableDispatcher._propagate_event`` copies aiogram's ``Router._propagate_event`` and adds
# one test before entering each router. A new aiogram whose method differs must be read
# again and the copy brought in line before this fingerprint is updated.
AIOGRAM_PROPAGATE_FINGERPRINT = "76fc938efce3eacf"


# It also enters a router without outer middlewares as ``Router.propagate_event`` does, less the
# wrapping of the empty middleware chain: read that method again too when this one changes.
AIOGRAM_ENTER_FINGERPRINT = "78ee00b916f43e05"


def test_the_copied_aiogram_method_is_the_one_aiogram_still_has() -> None:
    source = inspect.getsource(Router._propagate_event)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == AIOGRAM_PROPAGATE_FINGERPRINT
    entering = inspect.getsource(Router.propagate_event)
    assert hashlib.sha256(entering.encode()).hexdigest()[:16] == AIOGRAM_ENTER_FINGERPRINT


def _shop(trace: list[str]) -> list[Router]:
    """Six routers: gated commands, one with an outer middleware, presses only, a failing
    command, a catch-all and the error handler."""
    gated, wrapped, presses, failing, catch_all, errors = (
        Router(name=n) for n in ("gated", "wrapped", "presses", "failing", "catch-all", "errors")
    )

    @gated.message(Command("a"))
    async def a(_: Message) -> None:
        trace.append("a")

    async def outer(handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]], event: TelegramObject,
                    data: dict[str, Any]) -> Any:  # fmt: skip
        trace.append("outer of wrapped")
        return await handler(event, data)

    wrapped.message.outer_middleware(outer)

    @wrapped.message(Command("b"))
    async def b(_: Message) -> None:
        trace.append("b")

    @presses.callback_query()
    async def press(_: object) -> None:
        trace.append("press")

    @failing.message(Command("boom"))
    async def boom(_: Message) -> None:
        raise ValueError("boom")

    @catch_all.message()
    async def rest(_: Message) -> None:
        trace.append("rest")

    @errors.error()
    async def on_error(event: ErrorEvent) -> None:
        trace.append(f"error: {event.exception}")

    routers = [gated, wrapped, presses, failing, catch_all, errors]
    for router in routers:
        gate_routers(router)
    return routers


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[tuple[DurableDispatcher, list[str]]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inbox.sqlite3'}")  # unused: updates are fed directly
    trace: list[str] = []
    dp = DurableDispatcher(inbox=UpdateInbox(engine))
    dp.include_routers(*_shop(trace))
    yield dp, trace
    await engine.dispose()


def _message(text: str, update_id: int = 1) -> Update:
    user = User(id=7, is_bot=False, first_name="Ann")
    message = Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=7, type="private"), from_user=user, text=text)
    return Update(update_id=update_id, message=message)


def test_a_router_is_planned_with_its_gate_unless_an_outer_middleware_runs_first() -> None:
    routers = _shop([])
    gated, wrapped, presses, failing, catch_all, errors = routers
    plan = Entrances().of(routers, "message")
    assert [router for router, _ in plan] == [gated, wrapped, failing, catch_all]  # nothing else handles messages
    gates = dict(plan)
    assert isinstance(gates[gated], RouterGate) and isinstance(gates[failing], RouterGate)
    assert gates[wrapped] is None  # its outer middleware runs before its gate, as in aiogram
    assert gates[catch_all] is None  # a handler without a readable condition: no gate
    assert [router for router, _ in Entrances().of(routers, "error")] == [errors]
    assert [router for router, _ in Entrances().of(routers, "callback_query")] == [presses]


def test_routers_added_after_a_plan_are_planned_again() -> None:
    routers = _shop([])
    entrances = Entrances()
    assert len(entrances.of(routers[:2], "message")) == 2
    assert len(entrances.of(routers, "message")) == 4


async def test_a_command_reaches_its_handler(dispatcher: tuple[DurableDispatcher, list[str]]) -> None:
    dp, trace = dispatcher
    await dp.feed_update(Bot("123:abc"), _message("/a"))
    assert trace == ["a"]


async def test_an_outer_middleware_runs_for_every_message_that_passes_its_router(
    dispatcher: tuple[DurableDispatcher, list[str]],
) -> None:
    """As aiogram does it: the middleware runs before the router's filters, whether or not
    one of its handlers takes the message."""
    dp, trace = dispatcher
    await dp.feed_update(Bot("123:abc"), _message("/b"))
    await dp.feed_update(Bot("123:abc"), _message("hello", update_id=2))
    assert trace == ["outer of wrapped", "b", "outer of wrapped", "rest"]


async def test_a_failing_handler_reaches_the_error_handler_past_routers_without_one(
    dispatcher: tuple[DurableDispatcher, list[str]],
) -> None:
    dp, trace = dispatcher
    await dp.feed_update(Bot("123:abc"), _message("/boom"))
    assert trace == ["outer of wrapped", "error: boom"]


async def test_a_handler_sees_its_own_router_as_aiogram_gives_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inbox.sqlite3'}")
    seen: list[str] = []
    first, second = Router(name="first"), Router(name="second")

    @first.message(Command("one"))
    async def one(_: Message, event_router: Router) -> None:
        seen.append(event_router.name)

    @second.message()
    async def other(_: Message, event_router: Router) -> None:
        seen.append(event_router.name)

    gate_routers(first)
    dp = DurableDispatcher(inbox=UpdateInbox(engine))
    dp.include_routers(first, second)
    await dp.feed_update(Bot("123:abc"), _message("/one"))
    await dp.feed_update(Bot("123:abc"), _message("hello", update_id=2))
    assert seen == ["first", "second"]
    await engine.dispose()


async def test_an_inner_middleware_added_later_wraps_the_next_update(
    dispatcher: tuple[DurableDispatcher, list[str]],
) -> None:
    """The chain around a handler is kept between updates only while its middlewares stay the same."""
    dp, trace = dispatcher
    bot = Bot("123:abc")
    await dp.feed_update(bot, _message("/a"))

    async def inner(handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]], event: TelegramObject,
                    data: dict[str, Any]) -> Any:  # fmt: skip
        trace.append("inner")
        return await handler(event, data)

    dp.sub_routers[0].message.middleware(inner)
    await dp.feed_update(bot, _message("/a", update_id=2))
    assert trace == ["a", "inner", "a"]
