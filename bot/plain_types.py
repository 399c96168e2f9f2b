"""Telegram's JSON read into aiogram's objects without pydantic's validation, for the shapes the bot reads most."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    TelegramObject,
    Update,
    User,
    WebAppInfo,
)
from pydantic_core import TzInfo

# Performance rule. Every update the bot takes and every message it sends comes back as JSON
# that aiogram validates into its frozen pydantic models: ~34 µs for a plain sent message (its
# sender, its chat, an entity), ~40 µs for an update, mostly pydantic setting up each object's
# private attributes and its defaults, and the same again for every update of every chat. The
# rule this relies on is ``handlers.views.markup``'s: an object whose ``__dict__``, fields set,
# extras and private attributes are what validation gives *is* the validated object. So a JSON
# object is made here only when each of its keys is one of the fields listed below and each
# value is exactly of the plain type that field takes (a ``str``, an ``int`` that is no
# ``bool``, a ``bool``, a Unix time, or an object or list of objects that is itself made so);
# anything else — a key not listed, a value validation would convert or refuse, a required
# field missing — makes ``read`` give None, and the caller validates the whole reply as aiogram
# does. ``tests/unit/test_plain_types.py`` compares what is made with validation's result.

_new = object.__new__
_set = object.__setattr__
_NO: Any = object()  # what a reader gives for a value it does not make
_UTC = TzInfo(0)  # the tzinfo pydantic gives a datetime read from a Unix time
_LAST_SECONDS = 20_000_000_000  # pydantic reads a larger number as milliseconds

# A field's reader: a plain type its value must be exactly, or what makes the value (``_NO``: not made).
Reader = type | Callable[[Any, Bot | None], Any]


def unix_time(value: Any, _bot: Bot | None) -> Any:
    """A ``DateTime`` field as pydantic reads a Unix time in seconds (UTC)."""
    if type(value) is not int or not 0 < value < _LAST_SECONDS:
        return _NO
    return datetime.fromtimestamp(value, _UTC)


class Plain:
    """How one aiogram type is made from its JSON: ``fields`` maps each JSON key it takes to
    the field it fills and the reader of its value; every other field is left at its default,
    which must be None (checked when the table is made)."""

    def __init__(self, model: type[TelegramObject], fields: dict[str, tuple[str, Reader]]) -> None:
        self.model = model
        self.fields = fields
        model_fields = model.model_fields
        self.required = frozenset(key for key, (name, _read) in fields.items() if model_fields[name].is_required())
        missing = {name for name, info in model_fields.items() if info.is_required()} - {
            name for name, _read in fields.values()
        }
        defaults = {info.default for info in model_fields.values() if not info.is_required()}
        if missing or defaults - {None} or any(info.default_factory for info in model_fields.values()):
            raise ValueError(f"{model.__name__}: required fields {missing} or defaults {defaults} not plain")
        self.defaults: dict[str, Any] = dict.fromkeys(model_fields)
        self.renamed = {key: name for key, (name, _read) in fields.items() if key != name}  # "from": from_user

    def read(self, raw: Any, bot: Bot | None) -> Any:
        """The object validation makes of ``raw`` with ``bot`` as context, or None."""
        made = self(raw, bot)
        return None if made is _NO else made

    def __call__(self, raw: Any, bot: Bot | None) -> Any:
        if type(raw) is not dict or not self.required <= raw.keys():
            return _NO
        values = self.defaults.copy()
        for key, value in raw.items():
            field = self.fields.get(key)
            if field is None:
                return _NO
            name, read = field
            if value is None:
                if key in self.required:
                    return _NO
            elif type(read) is type:  # a plain type, checked here rather than in a call
                if type(value) is not read:
                    return _NO
            else:
                value = read(value, bot)
                if value is _NO:
                    return _NO
            values[name] = value
        obj = _new(self.model)
        _set(obj, "__dict__", values)
        _set(obj, "__pydantic_fields_set__", {self.renamed.get(key, key) for key in raw})
        _set(obj, "__pydantic_extra__", {})
        _set(obj, "__pydantic_private__", {"_bot": bot})
        return obj


class ListOf:
    """A list of objects each made by ``item``."""

    def __init__(self, item: Callable[[Any, Bot | None], Any]) -> None:
        self.item = item

    def __call__(self, value: Any, bot: Bot | None) -> Any:
        if type(value) is not list:
            return _NO
        made = []
        for raw in value:
            obj = self.item(raw, bot)
            if obj is _NO:
                return _NO
            made.append(obj)
        return made


def _same(*names: str, kind: Reader) -> dict[str, tuple[str, Reader]]:
    return {name: (name, kind) for name in names}


USER = Plain(
    User,
    {
        **_same("id", kind=int),
        **_same("first_name", "last_name", "username", "language_code", kind=str),
        **_same("is_bot", "is_premium", "added_to_attachment_menu", kind=bool),
    },
)
CHAT = Plain(
    Chat,
    {
        **_same("id", kind=int),
        **_same("type", "title", "username", "first_name", "last_name", kind=str),
        **_same("is_forum", kind=bool),
    },
)
ENTITY = Plain(
    MessageEntity,
    {
        **_same("type", "url", "language", "custom_emoji_id", kind=str),
        **_same("offset", "length", kind=int),
        "user": ("user", USER),
    },
)
# A product card carries an "open in shop" Mini App button when the shop has one (WEBAPP_URL):
# read here too, or every such card's reply would be validated whole.
WEB_APP = Plain(WebAppInfo, {"url": ("url", str)})
BUTTON = Plain(
    InlineKeyboardButton, {**_same("text", "url", "callback_data", kind=str), "web_app": ("web_app", WEB_APP)}
)
KEYBOARD = Plain(InlineKeyboardMarkup, {"inline_keyboard": ("inline_keyboard", ListOf(ListOf(BUTTON)))})
CONTACT = Plain(
    Contact, {**_same("phone_number", "first_name", "last_name", "vcard", kind=str), "user_id": ("user_id", int)}
)
# Only a message with a date (a Unix time above 0) is made: the one an update's callback query
# carries may be inaccessible (date 0), and that is a union validation decides.
MESSAGE = Plain(
    Message,
    {
        **_same("message_id", "message_thread_id", "edit_date", kind=int),  # aiogram reads edit_date as an int
        "from": ("from_user", USER),
        "chat": ("chat", CHAT),
        "date": ("date", unix_time),
        **_same("text", "caption", "media_group_id", "author_signature", kind=str),
        **_same("entities", "caption_entities", kind=ListOf(ENTITY)),
        "reply_markup": ("reply_markup", KEYBOARD),
        "contact": ("contact", CONTACT),
        **_same("has_protected_content", "is_topic_message", kind=bool),
    },
)
CALLBACK_QUERY = Plain(
    CallbackQuery,
    {
        **_same("id", "chat_instance", "inline_message_id", "data", "game_short_name", kind=str),
        "from": ("from_user", USER),
        "message": ("message", MESSAGE),
    },
)
UPDATE = Plain(
    Update,
    {
        "update_id": ("update_id", int),
        **_same("message", "edited_message", kind=MESSAGE),
        "callback_query": ("callback_query", CALLBACK_QUERY),
    },
)
