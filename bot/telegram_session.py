"""The HTTP session to the Bot API: requests without files go as one JSON body.

aiogram's ``AiohttpSession`` sends every request as a form, each nested object (a
keyboard, entities) JSON-encoded into its own field; the server then decodes the form
and each of those fields. The Bot API takes ``application/json`` for any request that
uploads no file, and measured through the sandbox a ``sendMessage`` with a keyboard
costs ~15 % less both ways that way (``bench/bot_throughput.py``). Uploads (documents,
photos from disk) still go as multipart forms, through aiogram's own path.
"""

from __future__ import annotations

import contextlib
import json
from http import HTTPStatus
from typing import Any, cast

import orjson
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError
from aiogram.methods import EditMessageText, GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from aiohttp import ClientError, ClientTimeout
from pydantic import ValidationError

from bot.plain_types import BUTTON, MESSAGE, UPDATE

JSON_HEADERS = {"Content-Type": "application/json"}
# What a method whose reply may be a message returns: a message, or True (an inline message edited).
_MESSAGE_REPLIES = (Message, EditMessageText.__returning__)


def request_body(session: BaseSession, bot: Bot, method: TelegramMethod[Any], files: dict[str, Any]) -> dict[str, Any]:
    """A method's parameters as plain JSON values (nested objects as objects, unset ones
    left out); an upload found on the way goes into ``files``.

    Read from the method's fields as they are (``__dict__`` holds a pydantic model's field
    values, ``__pydantic_extra__`` any extra ones) rather than from ``model_dump()``: aiogram's
    ``prepare_value`` dumps each nested object itself, and dumping the whole method first
    (twenty-odd fields, most of them unset) was half the cost of every request's body."""
    body: dict[str, Any] = {}
    fields = method.__dict__
    if method.__pydantic_extra__:
        fields = {**fields, **method.__pydantic_extra__}
    for key, value in fields.items():
        if type(value) is Default:  # the bot's default for it (parse mode, link previews…)
            value = bot.default[value.name]
        if value is None:
            continue
        if type(value) in _PLAIN:  # what ``prepare_value`` gives back as it is, after ~10 type checks
            body[key] = value
            continue
        if type(value) is InlineKeyboardMarkup:
            prepared = keyboard_body(session, bot, value, files)
        elif type(value) is LinkPreviewOptions:
            prepared = link_preview_body(session, bot, value, files)
        else:
            prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is not None:
            body[key] = prepared
    return body


_PLAIN = (str, int, bool)


def link_preview_body(session: BaseSession, bot: Bot, options: LinkPreviewOptions, files: dict[str, Any]) -> Any:
    """What ``prepare_value`` gives for link preview options, read from their fields: the bot's
    "no previews" goes with every message, and aiogram's dump of it cost ~18 µs a message."""
    body: dict[str, Any] = {}
    for key, value in options.__dict__.items():
        if type(value) is Default:
            value = bot.default[value.name]
        if value is None:
            continue
        if type(value) not in _PLAIN or options.__pydantic_extra__:
            return session.prepare_value(options, bot=bot, files=files, _dumps_json=False)
        body[key] = value
    return body


# A button given only a label and callback data (most are: ``handlers.views.markup``) has every
# other field at its default, None; its body is those two, read without scanning the rest.
_LABEL_AND_DATA = frozenset({"text", "callback_data"})


def keyboard_body(session: BaseSession, bot: Bot, markup: InlineKeyboardMarkup, files: dict[str, Any]) -> Any:
    """What ``prepare_value`` gives for an inline keyboard, read from the buttons' fields: a
    button whose set values are all plain (a label and callback data, a URL) is its non-empty
    fields as they are; anything else (a Mini App button, extras, the markup's other fields)
    goes through aiogram. ``prepare_value`` dumps every button to a dict of all its fields
    first (~7 µs a button): a variant card's keyboard has five or more."""
    if markup.__pydantic_extra__ or any(v is not None for k, v in markup.__dict__.items() if k != "inline_keyboard"):
        return session.prepare_value(markup, bot=bot, files=files, _dumps_json=False)
    rows = []
    for row in markup.inline_keyboard:
        made = []
        for button in row:
            fields = button.__dict__
            if button.__pydantic_fields_set__ == _LABEL_AND_DATA and not button.__pydantic_extra__:
                text, data = fields["text"], fields["callback_data"]  # every other field left at None
                if type(text) is str and type(data) is str:
                    made.append({"text": text, "callback_data": data})
                    continue
            plain = {k: v for k, v in fields.items() if v is not None}
            if button.__pydantic_extra__ or not all(type(v) in _PLAIN for v in plain.values()):
                plain = session.prepare_value(button, bot=bot, files=files, _dumps_json=False)
            made.append(plain)
        rows.append(made)
    return {"inline_keyboard": rows}


# Performance rule. Telegram answers a message sent or edited with an inline keyboard with the
# message, its keyboard the JSON it was sent as; made again from that JSON, a card's keyboard is
# as many new objects as it has buttons, equal to the ones just sent (~8 µs for five buttons).
# The rule is ``handlers.views.markup``'s (an object whose ``__dict__``, fields set, extras and
# private attributes are what validation gives *is* the validated object): a keyboard that
# ``keyboard_body`` sent as its buttons' set fields, each a value ``bot.plain_types`` takes as
# it is (a label, callback data, a URL), is what validating the echo gives once bound to the
# bot (its private ``_bot``: validation sets it and ``==`` compares it). So it is put into the
# reply's message as it is, bound (checking it: ~4 µs). Not one with a field given as None
# (validation would leave it unset), extras, a nested object, rows changed since it was sent,
# or bound to another bot: those are made from the reply as before. The message is compared
# with validation's in ``tests/sandbox/test_echoed_keyboards.py`` (over HTTP) and
# ``tests/unit/test_telegram_session.py``.
_BUTTON_VALUES = {key: read for key, (name, read) in BUTTON.fields.items() if key == name and type(read) is type}
_KEYBOARD_SET = frozenset({"inline_keyboard"})
_NOT_BOUND: Any = object()  # what private attributes other than a bot alone give as their bot


def bound_as_read(markup: InlineKeyboardMarkup, sent: Any, bot: Bot) -> bool:
    """Whether ``markup``, sent as ``sent`` (``keyboard_body``'s), is the object validating
    ``sent`` with ``bot`` as context gives, but for its bot; if so it is bound to ``bot``."""
    rows = markup.inline_keyboard
    sent_rows = sent.get("inline_keyboard") if type(sent) is dict and len(sent) == 1 else None
    if (
        markup.__pydantic_extra__
        or markup.__pydantic_fields_set__ != _KEYBOARD_SET
        or type(rows) is not list
        or type(sent_rows) is not list
        or len(rows) != len(sent_rows)
    ):
        return False
    privates: list[Any] = [markup.__pydantic_private__]  # each object's, bound once all are checked
    for row, sent_row in zip(rows, sent_rows, strict=False):  # (lengths compared)
        if type(row) is not list or len(row) != len(sent_row):  # (changed since it was sent)
            return False
        for button, data in zip(row, sent_row, strict=False):
            if type(button) is not InlineKeyboardButton or button.__pydantic_extra__:
                return False
            # The fields set are the keys sent (none given as None), each value as sent and of
            # the type validation keeps. A label and callback data (most buttons) first.
            fields, fields_set = button.__dict__, button.__pydantic_fields_set__
            if fields_set == _LABEL_AND_DATA:
                text, callback_data = fields["text"], fields["callback_data"]
                if type(text) is not str or type(callback_data) is not str:
                    return False
                if data != {"text": text, "callback_data": callback_data}:
                    return False
            elif (
                type(data) is not dict
                or fields_set != data.keys()
                or not all(_BUTTON_VALUES.get(k) is type(v) and fields[k] == v for k, v in data.items())
            ):
                return False
            privates.append(button.__pydantic_private__)
    for private in privates:
        # A bot alone, this one or none yet (not another ``Bot``, even one ``==`` it: ``Bot.__eq__``
        # compares tokens).
        owner = private.get("_bot", _NOT_BOUND) if type(private) is dict and len(private) == 1 else _NOT_BOUND
        if owner is not None and owner is not bot:
            return False
    for private in privates:
        private["_bot"] = bot
    return True


def json_text(value: Any) -> str:
    """JSON as the Bot API takes it, by orjson: ~15× faster than ``json.dumps`` on a keyboard's
    body (every request has one) and twice as fast reading a reply; UTF-8 as is (Telegram
    reads it), not \\u escapes."""
    return json_bytes(value).decode()


def json_bytes(value: Any) -> bytes:
    """``json_text`` encoded as UTF-8, as a request carries it (a body sent as ``bytes`` spares
    decoding orjson's output and aiohttp encoding it again: ~2 µs a request)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # what orjson refuses and json writes: a lone surrogate (see json_value)
        return json.dumps(value).encode()


def json_value(text: str | bytes) -> Any:
    """JSON read by orjson (twice as fast as ``json``), or by ``json`` where orjson refuses what
    ``json`` reads — a lone UTF-16 surrogate escape in a text: a ``getUpdates`` reply that could
    not be read would be asked for again and again, every chat's updates stuck behind it."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class JsonBodySession(AiohttpSession):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", json_value)
        kwargs.setdefault("json_dumps", json_text)
        super().__init__(*args, **kwargs)
        # The last ``getUpdates`` batch as Telegram sent it, update id -> its JSON object: the
        # update inbox records that (``bot.polling``) instead of dumping each parsed update
        # again (~30 µs an update, a press carrying its whole message and keyboard: 2 % of a
        # browsing bot's time). Replaced by each batch.
        self.update_payloads: dict[int, dict[str, Any]] = {}
        self._timeouts: dict[float, ClientTimeout] = {}

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        files: dict[str, Any] = {}
        body = request_body(self, bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        total = self.timeout if timeout is None else timeout
        limit = self._timeouts.get(total)
        # Performance rule: one frozen ClientTimeout per distinct timeout, not one per request
        # (~1.3 µs to make one, every request paid it).
        if limit is None:
            limit = self._timeouts[total] = ClientTimeout(total=total)
        try:
            async with session.post(
                url,
                data=json_bytes(body) if self.json_dumps is json_text else self.json_dumps(body),
                headers=JSON_HEADERS,
                timeout=limit,
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        return self.checked(bot, method, resp.status, raw_result, body)

    def checked(
        self, bot: Bot, method: TelegramMethod[TelegramType], status: int, content: str, body: dict[str, Any]
    ) -> TelegramType:
        """``check_response``'s result. A sent or edited message is made from the reply without
        validation when it is plain (``bot.plain_types``: what validation would give); one whose
        keyboard came back as it went (as JSON: Telegram returns what it was given) gets the
        keyboard object that was sent when that object is what validation makes of it
        (``bound_as_read``); a True or False answered to a method that returns one (a
        press answered, an inline message edited) is taken as it is (validating ``Response[bool]``
        was ~4.6 µs). Errors, and any other reply, go through aiogram."""
        if isinstance(method, GetUpdates):
            return cast(TelegramType, self._updates(bot, method, status, content))
        data = None
        returning = method.__returning__
        if status == HTTPStatus.OK and (returning is bool or returning in _MESSAGE_REPLIES):
            with contextlib.suppress(ValueError):
                data = self.json_loads(content)
        result = data.get("result") if type(data) is dict and data.get("ok") is True else None
        if type(result) is bool and returning is not Message:  # bool, or Message | bool
            return cast(TelegramType, result)
        if type(result) is not dict or returning is bool:
            checked = self.check_response(bot=bot, method=method, status_code=status, content=content)
            return cast(TelegramType, checked.result)
        sent, keyboard = body.get("reply_markup"), getattr(method, "reply_markup", None)
        kept = (
            sent is not None
            and type(keyboard) is InlineKeyboardMarkup
            and result.get("reply_markup") == sent
            and bound_as_read(keyboard, sent, bot)
        )
        if kept:
            del result["reply_markup"]
        message = MESSAGE.read(result, bot)
        if message is None:
            if not kept:
                return cast(TelegramType, self.check_response(bot, method, status, content).result)
            try:
                message = Message.model_validate(result, context={"bot": bot})
            except ValidationError as e:
                raise ClientDecodeError("Failed to deserialize object", e, data) from e
        if kept:
            message.__dict__["reply_markup"] = keyboard
            message.__pydantic_fields_set__.add("reply_markup")
        return cast(TelegramType, message)

    def _updates(self, bot: Bot, method: GetUpdates, status: int, content: str) -> list[Update]:
        """``check_response``'s updates, the reply read once: its objects are kept for the
        inbox (``update_payloads``). Errors go through aiogram."""
        self.update_payloads = {}
        data = None
        if status == HTTPStatus.OK:
            with contextlib.suppress(ValueError):
                data = self.json_loads(content)
        if type(data) is not dict or data.get("ok") is not True or type(data.get("result")) is not list:
            return cast(
                list[Update], self.check_response(bot=bot, method=method, status_code=status, content=content).result
            )
        updates = [UPDATE.read(raw, bot) for raw in data["result"]]
        try:
            updates = [
                Update.model_validate(raw, context={"bot": bot}) if update is None else update
                for raw, update in zip(data["result"], updates, strict=True)
            ]
        except ValidationError as e:
            raise ClientDecodeError("Failed to deserialize object", e, data) from e
        self.update_payloads = {update.update_id: raw for raw, update in zip(data["result"], updates, strict=True)}
        return updates
