"""The composed router: every filter runs in the event loop."""

from __future__ import annotations

import hashlib
import inspect
import operator
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum

import pytest
from aiogram import Bot, F, Router
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Chat, Contact, Message, TelegramObject, User
from magic_filter import MagicFilter
from magic_filter.operations import ComparatorOperation

from bot.i18n import make_i18n
from handlers import build_routers
from handlers.gates import GATED, Entrances, Prechecked, RouterGate, gate_routers


def _root() -> Router:
    root = Router(name="test root")
    root.include_routers(*build_routers())
    return root


def _routers(router: Router) -> Iterator[Router]:
    yield router
    for child in router.sub_routers:
        yield from _routers(child)


def test_no_filter_or_handler_is_handed_to_a_worker_thread() -> None:
    """aiogram runs non-awaitable callables with ``asyncio.to_thread``: a thread hop per
    ``F.text == …`` or FSM state check on every update that reaches it."""
    checked = 0
    for router in _routers(_root()):
        for observer in router.observers.values():
            for handler in observer.handlers:
                assert handler.awaitable, handler.callback
                for event_filter in handler.filters or ():
                    assert event_filter.awaitable, (router.name, handler.callback, event_filter.callback)
                    checked += 1
    assert checked > 50  # the magic filters and checkout states are among them


# ------------------------------------------------------------------------- router gates
def _observers(root: Router) -> Iterator[tuple[Router, TelegramEventObserver]]:
    for router in _routers(root):
        for name in GATED:
            if router.observers[name].handlers:
                yield router, router.observers[name]


def _gate(observer: TelegramEventObserver) -> RouterGate | None:
    return next((f.callback for f in observer._handler.filters or () if isinstance(f.callback, RouterGate)), None)


def _sample_data(callback_data: type[CallbackData]) -> str | None:
    """A packed value of this callback data, its fields filled with plausible values."""
    values: dict[str, object] = {}
    for name, field in callback_data.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, Enum):
            values[name] = next(iter(kind))
        elif kind is bool:
            values[name] = True
        elif kind in (int, int | None):
            values[name] = 1
        else:
            values[name] = "x"
    try:
        return callback_data(**values).pack()
    except (ValueError, TypeError):
        return None


def _samples(root: Router) -> tuple[list[str], list[str], set[str | None]]:
    """Texts, callback data and FSM states the handlers themselves name, plus others."""
    texts = ["hello", "/unknown", "22197", "+44 7911 123456", "/start p_22197", "/ADD 22197 2"]
    datas = ["nothing:1"]
    states: set[str | None] = {None, "SomeGroup:other"}
    for _router, observer in _observers(root):
        for handler in observer.handlers:
            for event_filter in handler.filters or ():
                check = event_filter.callback
                if isinstance(check, Command):
                    texts += [f"/{c} 22197 2" for c in check.commands if isinstance(c, str)]
                elif isinstance(check, State) and check.state:
                    states.add(check.state)
                elif isinstance(check, StateFilter):
                    states.update(
                        s.state if isinstance(s, State) else s for s in check.states if isinstance(s, State | str)
                    )
                elif isinstance(check, CallbackQueryFilter):
                    datas += [d for d in [_sample_data(check.callback_data)] if d]
                elif event_filter.magic is not None:
                    ops = event_filter.magic._operations
                    if len(ops) == 2 and isinstance(ops[1], ComparatorOperation) and ops[1].comparator is operator.eq:
                        texts.append(str(ops[1].right))
    return texts, datas, states


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_a_closed_gate_means_no_handler_of_that_router_could_take_the_update(locale: str) -> None:
    """Gates are an optimisation: they must never hide a handler that would have run
    (menu buttons are compared in the update's language)."""
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale(locale):
        await _check_closed_gates_hide_nothing()


def _events(root: Router) -> tuple[list[Message], list[CallbackQuery], set[str | None]]:
    """Messages and presses built from what the handlers name, and the states they name."""
    user = User(id=7, is_bot=False, first_name="Ann")
    chat = Chat(id=7, type="private")
    texts, datas, states = _samples(root)
    messages = [Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=user, text=t) for t in texts]
    messages.append(
        Message(
            message_id=2,
            date=datetime.now(UTC),
            chat=chat,
            from_user=user,
            contact=Contact(phone_number="+447911123456", first_name="Ann", user_id=7),
        )
    )
    messages.append(  # a command in a photo's caption reaches a Command filter too
        Message(message_id=3, date=datetime.now(UTC), chat=chat, from_user=user, caption="/add 22197", photo=[])
    )
    presses = [CallbackQuery(id="1", from_user=user, chat_instance="c", data=d, message=messages[0]) for d in datas]
    presses.append(CallbackQuery(id="2", from_user=user, chat_instance="c", game_short_name="tetris"))
    return messages, presses, states


async def _check_closed_gates_hide_nothing() -> None:
    root = _root()
    bot = Bot("123:abc")
    user = User(id=7, is_bot=False, first_name="Ann")
    messages, presses, states = _events(root)
    closed = opened = 0
    for router, observer in _observers(root):
        gate = _gate(observer)
        if gate is None:
            continue
        events: list[TelegramObject] = list(messages if observer.event_name == "message" else presses)
        for event in events:
            for raw_state in states:
                if await gate(event, raw_state):
                    opened += 1
                    continue
                closed += 1
                for handler in observer.handlers:
                    passed, _ = await handler.check(event, bot=bot, raw_state=raw_state, event_from_user=user)
                    assert not passed, (router.name, handler.callback.__name__, event, raw_state)
    await bot.session.close()
    assert closed > 1000 and opened > 100  # the samples reach both sides of the gates


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_dispatcher_s_lookups_open_exactly_the_gates_that_asking_each_opens(locale: str) -> None:
    """``Plan.opened`` answers for all of a kind's gates at once; it must be each gate's own answer."""
    content = Router(name="content")  # gates on what an update carries: none of the shop's has one

    @content.message(F.contact)
    async def contact(_: Message) -> None: ...

    @content.callback_query(F.game_short_name)
    async def game(_: CallbackQuery) -> None: ...

    gate_routers(content)
    routers = [*build_routers(), content]
    i18n = make_i18n("en")
    entrances = Entrances()
    opened = 0
    with i18n.context(), i18n.use_locale(locale):
        messages, presses, states = _events(_root())  # the same handlers name the samples
        for kind, events in (("message", messages), ("callback_query", presses)):
            plan = entrances.plan(routers, kind)
            assert plan.asked == []  # every gate read into the lookups
            for event in events:
                for raw_state in states:
                    asked = [router for router, gate in plan.entries if gate is None or gate.admits(event, raw_state)]
                    assert plan.opened(event, raw_state) == asked, (kind, event, raw_state)
                    opened += len(asked) - len(plan.ungated)
    assert opened > 100  # the samples open gates of every kind


# ``handlers.gates.Prechecked`` copies aiogram's ``TelegramEventObserver.trigger`` and adds one
# test before each handler's filters. A new aiogram whose method differs must be read again and
# the copy brought in line before this fingerprint is updated.
AIOGRAM_TRIGGER_FINGERPRINT = "fdd6943a8bb91fb6"


def test_the_copied_aiogram_trigger_is_the_one_aiogram_still_has() -> None:
    source = inspect.getsource(TelegramEventObserver.trigger)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == AIOGRAM_TRIGGER_FINGERPRINT


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_a_handler_passed_over_is_one_its_filters_refuse(locale: str) -> None:
    """``Prechecked`` skips a handler whose condition the update fails: its filters must refuse it too."""
    i18n = make_i18n("en")
    bot = Bot("123:abc")
    user = User(id=7, is_bot=False, first_name="Ann")
    passed_over = checked = 0
    with i18n.context(), i18n.use_locale(locale):
        root = _root()
        messages, presses, states = _events(root)
        for router, observer in _observers(root):
            trigger = observer.trigger
            if not isinstance(trigger, Prechecked):  # no handler of it has a condition (a catch-all)
                continue
            events: list[TelegramObject] = list(messages if observer.event_name == "message" else presses)
            for handler in observer.handlers:
                known = trigger.conditions.get(id(handler))
                if known is None:
                    continue
                for event in events:
                    for raw_state in states:
                        checked += 1
                        if known[1](event, raw_state):
                            continue
                        passed_over += 1
                        passed, _ = await handler.check(event, bot=bot, raw_state=raw_state, event_from_user=user)
                        assert not passed, (router.name, handler.callback.__name__, event, raw_state)
    await bot.session.close()
    assert passed_over > 1000 and checked > passed_over  # the samples reach both sides of the conditions
    cart = next(router for router in _routers(root) if router.name == "handlers.cart")
    assert isinstance(cart.message.trigger, Prechecked) and isinstance(cart.callback_query.trigger, Prechecked)


def test_the_routers_on_a_customer_s_way_are_gated() -> None:
    root = _root()
    gated = {(router.name, observer.event_name) for router, observer in _observers(root) if _gate(observer)}
    for name in ("start", "language", "help", "assist", "checkout", "payments", "catalog", "cart"):
        assert (f"handlers.{name}", "message") in gated
    for name in ("checkout", "catalog", "cart", "orders"):
        assert (f"handlers.{name}", "callback_query") in gated


def test_gates_sort_their_conditions_into_lookups() -> None:
    """A gate answers from sets (commands, states, data prefixes, button texts), not by
    calling each handler's condition in turn."""
    for router, observer in _observers(_root()):
        gate = _gate(observer)
        if gate is not None:
            assert not gate.others, (router.name, observer.event_name, gate.others)


def _press_gate(handler_filter: MagicFilter) -> RouterGate:
    """The gate of a router whose one press handler has this filter."""
    router = Router(name="presses")

    @router.callback_query(handler_filter)
    async def handler(_: CallbackQuery) -> None: ...

    gate_routers(router)
    gate = _gate(router.callback_query)
    assert gate is not None
    return gate


def test_a_gate_lets_in_a_press_that_has_what_its_handler_asks_for() -> None:
    user = User(id=1, is_bot=False, first_name="A")
    game = CallbackQuery(id="1", from_user=user, chat_instance="c", game_short_name="tetris")
    assert _press_gate(F.game_short_name).admits(game, None)  # a "Play" button: no data
    assert _press_gate(F.data).admits(CallbackQuery(id="2", from_user=user, chat_instance="c", data="x"), None)
    assert not _press_gate(F.data).admits(game, None)
