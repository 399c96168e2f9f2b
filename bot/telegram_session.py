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
from aiogram.types import InlineKeyboardMarkup, Message, Update
from aiohttp import ClientError, ClientTimeout
from pydantic import ValidationError

from bot.plain_types import MESSAGE, UPDATE

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
        else:
            prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is not None:
            body[key] = prepared
    return body


_PLAIN = (str, int, bool)
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
        keyboard object that was sent; a True or False answered to a method that returns one (a
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
        kept = sent is not None and type(keyboard) is InlineKeyboardMarkup and result.get("reply_markup") == sent
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
