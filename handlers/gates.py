"""Router gates: who may reach a router (``StaffGate``, roles) and which routers could take
an update at all (``RouterGate``), decided before aiogram walks them.

aiogram tries routers in order and, in each, every handler's filters, passing the whole
context (~30 entries) along at each step: measured ~12 µs a router and ~7 µs a handler.
A customer's ``/add`` passed eight routers and ~35 handler checks before reaching the
cart's. Each handler's filters name a necessary condition — a command, an FSM state, a
callback-data prefix, a menu button's text — so a router whose every handler has one gets
a root filter (a *gate*) that lets an update in only when some handler could match. The
gate only says "no handler here can match"; the handlers' own filters still decide.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.dispatcher.event.bases import UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, StateFilter
from aiogram.filters.base import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import I18n
from babel.support import LazyProxy
from magic_filter.operations import ComparatorOperation, GetAttributeOperation

from domain.staff import NotAllowed, Permission, WrongRole, can
from domain.usecases.staff import staff_member

Condition = Callable[[TelegramObject, str | None], bool]
GATED = ("message", "callback_query")


class StaffGate(BaseMiddleware):
    """Role checks before any handler runs (the use cases check again). A staff command (a
    key of ``permissions``) is refused to someone who is not staff and to a role without its
    permission (or its subcommand's, in ``subcommands``), before its arguments are read; on a
    staff router (``staff_only``) everything else is refused to non-staff too (no usage hints,
    no partial answers)."""

    def __init__(
        self,
        permissions: Mapping[str, Permission],
        *,
        staff_only: bool,
        subcommands: Mapping[tuple[str, str], Permission] | None = None,
    ) -> None:
        self.permissions = permissions
        self.staff_only = staff_only
        self.subcommands = subcommands or {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        text = getattr(event, "text", None) or getattr(event, "caption", None)
        words = text.split(maxsplit=2) if text and text[0] == "/" else []
        command = words[0][1:].split("@", 1)[0] if words else ""
        permission = self.permissions.get(command)
        if permission is not None and len(words) > 1:  # a subcommand may need more than its command
            permission = self.subcommands.get((command, words[1].lower()), permission)
        if permission is None and not self.staff_only:
            return await handler(event, data)
        user: User | None = data.get("event_from_user")
        member = await staff_member(data["uow"], user.id) if user is not None else None
        if member is None:
            raise NotAllowed()
        if permission is not None and not can(member, permission):
            raise WrongRole(role=member.role.value)
        return await handler(event, data)


class RouterGate(Filter):
    """Open when one of its handlers' conditions holds. The conditions are sorted by kind
    into sets (commands, states, callback-data prefixes, button texts), so a gate costs a
    few lookups however many handlers are behind it, instead of a call per handler."""

    def __init__(self, conditions: list[Condition]) -> None:
        self.commands: set[str] = set()  # "/name", case-sensitive: how nearly every command is declared
        self.states: set[str | None] = set()
        self.data_exact: set[str] = set()
        self.data_prefixes: tuple[str, ...] = ()
        self.data_parts: list[tuple[str, str]] = []  # (prefix, separator) of each callback data taken
        self.texts: list[object] = []  # strings or lazy translations a handler compares the text with
        self.attributes: tuple[str, ...] = ()  # content that must be there (a contact, a location)
        self.others: list[Condition] = []
        self._texts_in: dict[str, frozenset[str]] = {}  # language -> the texts as that language shows them
        for condition in conditions:
            self._sort(_necessary(condition))

    def _sort(self, condition: Condition) -> None:
        kind = getattr(condition, "func", None)
        args: tuple[Any, ...] = getattr(condition, "args", ())
        if kind is _is_command and args[1] == "/" and not args[2]:
            self.commands.update(args[0])
        elif kind is _in_state:
            self.states.update(args[0])
        elif kind is _data_of:
            self.data_exact.add(args[0])
            self.data_prefixes += (args[1],)
            self.data_parts.append((args[0], args[1][len(args[0]) :]))
        elif kind is _equals and args[0] == "text" and isinstance(args[1], str | LazyProxy):
            self.texts.append(args[1])
        elif kind is _has:
            self.attributes += (args[0],)
        else:
            self.others.append(condition)

    async def __call__(self, event: TelegramObject, raw_state: str | None = None) -> bool:
        return self.admits(event, raw_state)

    def admits(self, event: TelegramObject, raw_state: str | None) -> bool:
        if raw_state in self.states:
            return True
        # A message has no ``data`` and a press no text: reading a field a pydantic model
        # lacks raises inside ``getattr`` (~1 µs), and a gate is asked ~20 times an update.
        if isinstance(event, CallbackQuery):
            data = event.data
            if data is not None and (data in self.data_exact or data.startswith(self.data_prefixes)):
                return True
            if any(getattr(event, attribute, None) for attribute in self.attributes):  # F.data, F.game_short_name
                return True
        elif isinstance(event, Message):
            text = event.text
            if text and self.texts and text in self._texts():
                return True
            command = text or event.caption  # as aiogram's Command reads it
            if command and command[0] == "/" and self.commands and _command_name(command) in self.commands:
                return True
            if any(getattr(event, attribute, None) for attribute in self.attributes):
                return True
        # Only message and press observers get gates (``GATED``): no other kind of update is asked.
        return bool(self.others) and any(condition(event, raw_state) for condition in self.others)

    def _texts(self) -> frozenset[str]:
        """The button texts in the current update's language (translated once per language)."""
        i18n = I18n.get_current(no_error=True)
        language = i18n.current_locale if i18n is not None else ""
        texts = self._texts_in.get(language)
        if texts is None:
            texts = self._texts_in[language] = frozenset(str(t) for t in self.texts)
        return texts


def _necessary(condition: Condition) -> Condition:
    """A condition that holds whenever ``condition`` does: for a handler with several, the
    one most likely to rule updates out (a gate may let in more, never fewer)."""
    if getattr(condition, "func", None) is not _all:
        return condition
    parts: tuple[Condition, ...] = getattr(condition, "args", ((),))[0]
    order = (_is_command, _data_of, _equals, _in_state, _has)
    return min(parts, key=lambda c: order.index(getattr(c, "func", None)) if getattr(c, "func", None) in order else 9)


class Entrances:
    """Which of the dispatcher's routers an update of each kind may enter, decided before
    aiogram is asked to walk them (``bot.polling.DurableDispatcher._propagate_event``).

    Performance rule: aiogram enters a router to learn that its gate is closed — its outer
    middlewares wrapped, the ~30-entry context copied twice, the root filters called through
    ``FilterObject`` — ~10 µs a router; a plain text passes 45 routers to reach the search,
    and an error (``update_type="error"``) all of them to reach the error handler. A router
    is passed over here only when aiogram would have found nothing in it: it has no handler
    of that kind anywhere in it (and no outer middleware that would run anyway), or its own
    gate is closed to the update and it has no outer middleware of that kind (which runs
    before the gate). Everything else is entered as aiogram does it."""

    def __init__(self) -> None:
        self._routers: tuple[Router, ...] = ()
        self._plans: dict[str, Plan] = {}

    def of(self, routers: list[Router], update_type: str) -> tuple[tuple[Router, RouterGate | None], ...]:
        """The routers an update of ``update_type`` may enter, in order, each with the gate
        to ask first (None: enter it)."""
        return self.plan(routers, update_type).entries

    def opened(
        self, routers: list[Router], update_type: str, event: TelegramObject, raw_state: str | None
    ) -> list[Router]:
        """The routers to enter for this update, in order: those of ``of`` whose gate is open."""
        return self.plan(routers, update_type).opened(event, raw_state)

    def plan(self, routers: list[Router], update_type: str) -> Plan:
        now = tuple(routers)  # (a Router has no __eq__: the tuples compare their routers by identity, in C)
        if now != self._routers:
            self._routers, self._plans = now, {}  # routers added or moved: plan again
        plan = self._plans.get(update_type)
        if plan is None:
            plan = self._plans[update_type] = Plan(
                tuple(
                    (router, _gate_before(router, update_type)) for router in routers if _may_take(router, update_type)
                )
            )
        return plan


class Plan:
    """The routers one kind of update may enter, and which of their gates an update opens,
    answered by one set of lookups over all the gates at once.

    Performance rule: asking each gate in turn cost ~1 µs a gate (the language looked up again
    by every gate with button texts): a customer's ``/add`` asks 14 gates before the cart's,
    a search text the 40 before it. Here the lookups of every gate are merged (state, command, callback
    data, button text in the update's language, content) into one of each, which say which
    gates are open; a gate these cannot read (one with ``others``, callback data whose prefix
    holds its separator) is asked itself. The gates read only the update, its state and the
    language, none of which a router entered before changes, so asking them all first is
    what asking each in turn gave (``tests/unit/test_routing.py`` compares the two)."""

    def __init__(self, entries: tuple[tuple[Router, RouterGate | None], ...]) -> None:
        self.entries = entries
        self.routers = tuple(router for router, _gate in entries)
        self.ungated = frozenset(i for i, (_router, gate) in enumerate(entries) if gate is None)
        self.asked: list[int] = []
        self.by_state: dict[str | None, list[int]] = {}
        self.by_command: dict[str, list[int]] = {}
        self.by_data: dict[str, list[int]] = {}
        self.by_head: dict[str, dict[str, list[int]]] = {}  # separator -> prefix and separator -> gates
        self.by_attribute: dict[str, list[int]] = {}
        self.texted = [i for i, (_router, gate) in enumerate(entries) if gate is not None and gate.texts]
        self._texts_in: dict[str, dict[str, list[int]]] = {}  # language -> button text -> gates
        for i, (_router, gate) in enumerate(entries):
            if gate is not None:
                self._index(i, gate)

    def _index(self, i: int, gate: RouterGate) -> None:
        if gate.others:
            self.asked.append(i)
            return
        for state in gate.states:
            self.by_state.setdefault(state, []).append(i)
        for command in gate.commands:
            self.by_command.setdefault(command, []).append(i)
        for data in gate.data_exact:
            self.by_data.setdefault(data, []).append(i)
        for prefix, separator in gate.data_parts:
            head = prefix + separator
            if head.find(separator) != len(prefix):  # its first separator is not the one after it
                self.asked.append(i)
                return
            self.by_head.setdefault(separator, {}).setdefault(head, []).append(i)
        for attribute in gate.attributes:
            self.by_attribute.setdefault(attribute, []).append(i)

    def opened(self, event: TelegramObject, raw_state: str | None) -> list[Router]:
        open_ = set(self.ungated)
        open_.update(self.by_state.get(raw_state, ()))
        if isinstance(event, CallbackQuery):
            data = event.data
            if data is not None:
                open_.update(self.by_data.get(data, ()))
                for separator, heads in self.by_head.items():
                    at = data.find(separator)
                    if at >= 0:
                        open_.update(heads.get(data[: at + len(separator)], ()))
        elif isinstance(event, Message):
            text = event.text
            if text and self.texted:
                open_.update(self._texts().get(text, ()))
            command = text or event.caption  # as aiogram's Command reads it
            if command and command[0] == "/" and self.by_command:
                open_.update(self.by_command.get(_command_name(command), ()))
        if isinstance(event, CallbackQuery | Message):
            for attribute, gates in self.by_attribute.items():
                if getattr(event, attribute, None):
                    open_.update(gates)
        for i in self.asked:
            gate = self.entries[i][1]
            if gate is not None and gate.admits(event, raw_state):
                open_.add(i)
        return [self.routers[i] for i in sorted(open_)]

    def _texts(self) -> dict[str, list[int]]:
        """Button text -> the gates it opens, in the current update's language."""
        i18n = I18n.get_current(no_error=True)
        language = i18n.current_locale if i18n is not None else ""
        texts = self._texts_in.get(language)
        if texts is None:
            texts = self._texts_in[language] = {}
            for i in self.texted:
                gate = self.entries[i][1]
                for text in gate._texts() if gate is not None else ():
                    texts.setdefault(text, []).append(i)
        return texts


def _may_take(router: Router, update_type: str) -> bool:
    """Whether anything in ``router`` (it or a router under it) handles or wraps this kind."""
    observer = router.observers.get(update_type)
    if observer is not None and (observer.handlers or observer.outer_middleware):
        return True
    return any(_may_take(child, update_type) for child in router.sub_routers)


def _gate_before(router: Router, update_type: str) -> RouterGate | None:
    """The router's own gate for this kind, when asking it first is what aiogram would do."""
    observer = router.observers.get(update_type)
    if observer is None or observer.outer_middleware:
        return None
    return _GATE_OF.get(observer)


_GATE_OF: dict[object, RouterGate] = {}  # observer -> the gate ``gate_routers`` gave it


def gate_routers(router: Router) -> None:
    """Give ``router`` and every router under it a gate where each of its handlers (of
    messages, of button presses) has a condition we can read, and let its observers pass
    over a handler whose condition the update fails (``Prechecked``)."""
    for name in GATED:
        observer = router.observers[name]
        conditions = [handler_condition(handler) for handler in observer.handlers]
        if conditions and all(c is not None for c in conditions):
            gate = _GATE_OF[observer] = RouterGate([c for c in conditions if c is not None])
            observer.filter(gate)
        known = {id(h): (h, c) for h, c in zip(observer.handlers, conditions, strict=True) if c is not None}
        if known:
            setattr(observer, "trigger", Prechecked(observer, known))  # noqa: B010 - a method replaced on one observer
    for child in router.sub_routers:
        gate_routers(child)


class Prechecked:
    """aiogram's ``TelegramEventObserver.trigger`` for one observer, line for line, except that
    a handler whose condition (``handler_condition``: read from its own filters) the update
    fails is passed over without its filters being run, and the chain of inner middlewares
    around a handler is built once while they stay the same.

    Performance rule: aiogram runs each handler's filters in turn, each through its
    ``CallableObject`` with the ~35-entry context copied for it: ~9 µs a handler refused (the
    cart's ``/add`` was refused by two handlers before its own). A condition holds whenever
    all of its handler's filters pass, so a handler passed over is one whose filters would have
    refused the update; the filters of every handler not passed over decide as before.
    ``tests/unit/test_routing.py`` checks the conditions against the filters over every handler's
    samples and pins the aiogram method this copies."""

    def __init__(self, observer: TelegramEventObserver, conditions: dict[int, tuple[HandlerObject, Condition]]) -> None:
        self.observer = observer
        self.conditions = conditions  # id(handler) -> (the handler, its condition), read as declared
        self._chains: dict[int, tuple[HandlerObject, list[Any], Callable[..., Awaitable[Any]]]] = {}

    async def __call__(self, event: TelegramObject, **kwargs: Any) -> Any:
        observer = self.observer
        for handler in observer.handlers:
            known = self.conditions.get(id(handler))
            if known is not None and known[0] is handler and not known[1](event, kwargs.get("raw_state")):
                continue
            kwargs["handler"] = handler
            result, data = await handler.check(event, **kwargs)
            if result:
                kwargs.update(data)
                try:
                    wrapped_inner = self._wrapped(handler, observer._resolve_middlewares())
                    return await wrapped_inner(event, kwargs)
                except SkipHandler:
                    continue
        return UNHANDLED

    def _wrapped(self, handler: HandlerObject, middlewares: list[Any]) -> Callable[..., Awaitable[Any]]:
        """``wrap_middlewares(middlewares, handler.call)``, kept per handler while its middlewares
        are the same ones: the chain is immutable partials (~2 µs to build, ``functools.wraps``)."""
        kept = self._chains.get(id(handler))
        if kept is not None and kept[0] is handler and kept[1] == middlewares:
            return kept[2]
        wrapped = self.observer.outer_middleware.wrap_middlewares(middlewares, handler.call)
        self._chains[id(handler)] = (handler, middlewares, wrapped)
        return wrapped


def handler_condition(handler: HandlerObject) -> Condition | None:
    """What an update must be for every filter of this handler to pass, as far as its
    filters say; None when none of them says anything we can check cheaply."""
    found = [c for c in (filter_condition(f) for f in handler.filters or ()) if c is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else partial(_all, tuple(found))


def filter_condition(event_filter: FilterObject) -> Condition | None:
    check = event_filter.callback
    if isinstance(check, Command):
        return _command_condition(check)
    if isinstance(check, StateFilter):
        return _state_condition(check.states)
    if isinstance(check, State):
        return _state_condition((check,))
    if isinstance(check, CallbackQueryFilter):
        data = check.callback_data
        return partial(_data_of, data.__prefix__, data.__prefix__ + data.__separator__)
    if event_filter.magic is not None:
        return _magic_condition(event_filter.magic._operations)
    return None


def _command_condition(command: Command) -> Condition | None:
    commands = [c for c in command.commands if isinstance(c, str)]
    if len(commands) != len(command.commands):
        return None  # a regular expression: let the filter itself decide
    names = frozenset(c.casefold() if command.ignore_case else c for c in commands)
    return partial(_is_command, names, command.prefix, command.ignore_case)


def _state_condition(states: tuple[Any, ...] | list[Any]) -> Condition | None:
    names: set[str | None] = set()
    for state in states:
        if state is None or isinstance(state, str):
            name = state
        elif isinstance(state, State):
            name = state.state
        else:
            return None  # a whole StatesGroup: rare, not worth reading
        if name == "*":
            return None
        names.add(name)
    return partial(_in_state, frozenset(names))


def _magic_condition(operations: tuple[Any, ...]) -> Condition | None:
    """``F.text == "…"`` (a menu button) and ``F.contact`` (the content is there); longer
    chains (``~F.text.startswith("/")``) say nothing here."""
    if not operations or not isinstance(operations[0], GetAttributeOperation):
        return None
    attribute = operations[0].name
    if len(operations) == 1:
        return partial(_has, attribute)
    second = operations[1]
    if len(operations) == 2 and isinstance(second, ComparatorOperation) and second.comparator is operator.eq:
        return partial(_equals, attribute, second.right)
    return None


def _all(conditions: tuple[Condition, ...], event: TelegramObject, raw_state: str | None) -> bool:
    return all(condition(event, raw_state) for condition in conditions)


def _is_command(
    names: frozenset[str], prefixes: str, ignore_case: bool, event: TelegramObject, _state: str | None
) -> bool:
    # As aiogram's Command reads it: the first word of the text (or caption), its first
    # character a prefix, then the name up to an @mention.
    text = getattr(event, "text", None) or getattr(event, "caption", None)
    if not text or text[0] not in prefixes:
        return False
    name = _command_name(text)
    return (name.casefold() if ignore_case else name) in names


def _command_name(text: str) -> str:
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0]


def _in_state(names: frozenset[str | None], _event: TelegramObject, raw_state: str | None) -> bool:
    return raw_state in names


def _data_of(prefix: str, prefix_and_separator: str, event: TelegramObject, _state: str | None) -> bool:
    data = getattr(event, "data", None)
    return isinstance(data, str) and (data == prefix or data.startswith(prefix_and_separator))


def _has(attribute: str, event: TelegramObject, _state: str | None) -> bool:
    return bool(getattr(event, attribute, None))


def _equals(attribute: str, value: Any, event: TelegramObject, _state: str | None) -> bool:
    return bool(getattr(event, attribute, None) == value)
