"""Telegram objects made from JSON without validation are the ones aiogram's validation makes."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Message, TelegramObject, Update

from bot.plain_types import CALLBACK_QUERY, MESSAGE, UPDATE, USER, ListOf, Plain, unix_time

BOT = Bot("123456:TEST")
SAMPLE = {int: 7, str: "<b>&", bool: True}


def sample(read: Any) -> Any:
    """A value for every field a reader takes (every key of every nested object)."""
    if isinstance(read, Plain):
        return {key: sample(field_read) for key, (_name, field_read) in read.fields.items()}
    if isinstance(read, ListOf):
        return [sample(read.item), sample(read.item)]
    if read is unix_time:
        return 1_700_000_000
    return SAMPLE[read]


def same(made: Any, validated: Any) -> None:
    """Equal as objects, and as validation leaves them: fields, fields set, extras, the bot bound."""
    assert type(made) is type(validated)
    if isinstance(validated, TelegramObject):
        assert made.__pydantic_fields_set__ == validated.__pydantic_fields_set__
        assert made.__pydantic_extra__ == validated.__pydantic_extra__
        assert made.__pydantic_private__ == validated.__pydantic_private__
        assert made.__dict__.keys() == validated.__dict__.keys()
        for name, value in validated.__dict__.items():
            same(made.__dict__[name], value)
        assert made.model_dump() == validated.model_dump()
    elif isinstance(validated, list):
        assert len(made) == len(validated)
        for one, other in zip(made, validated, strict=True):
            same(one, other)
    else:
        assert made == validated
        if hasattr(validated, "tzinfo"):
            assert type(made.tzinfo) is type(validated.tzinfo)


PLAIN = [USER, MESSAGE, CALLBACK_QUERY, UPDATE]


@pytest.mark.parametrize("plain", PLAIN, ids=lambda p: p.model.__name__)
def test_every_field_read_is_what_validation_gives(plain: Plain) -> None:
    raw = sample(plain)
    same(plain.read(raw, BOT), plain.model.model_validate(raw, context={"bot": BOT}))


CHAT = {"id": 5, "type": "private", "first_name": "Ann"}
USER_JSON = {"id": 5, "is_bot": False, "first_name": "Ann", "language_code": "ru"}
SENT: dict[str, Any] = {
    "message_id": 9,
    "date": 1_700_000_000,
    "chat": CHAT,
    "from": {"id": 1, "is_bot": True, "first_name": "S"},
}


@pytest.mark.parametrize(
    "raw",
    [
        {**SENT, "text": "Added", "entities": [{"type": "bot_command", "offset": 0, "length": 4}]},
        {**SENT, "text": "x", "reply_markup": None, "edit_date": 1_700_000_100},  # None given: a field set
        {**SENT, "contact": {"phone_number": "+44", "first_name": "Ann", "user_id": 5}},
        {**SENT, "text": "", "entities": []},
        {
            **SENT,
            "text": "Mug",
            "reply_markup": {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "https://x"}}]]},
        },
    ],
)
def test_a_plain_message_is_made_as_validated(raw: dict[str, Any]) -> None:
    made = MESSAGE.read(raw, BOT)
    assert made is not None and made.bot is BOT
    same(made, Message.model_validate(raw, context={"bot": BOT}))


@pytest.mark.parametrize(
    "raw",
    [
        {**SENT, "text": "x", "link_preview_options": {"is_disabled": True}},  # a field not listed
        {**SENT, "text": "x", "some_future_field": 1},  # an extra
        {**SENT, "message_id": True},  # a bool where an int goes: validation converts it
        {**SENT, "message_id": "9"},
        {**SENT, "from": {**SENT["from"], "is_bot": 1}},
        {**SENT, "date": 0},  # maybe an inaccessible message: a union validation decides
        {**SENT, "date": 1_700_000_000_000},  # milliseconds to pydantic
        {**SENT, "date": 1.5},
        {**SENT, "chat": None},  # required
        {k: v for k, v in SENT.items() if k != "chat"},
        {**SENT, "entities": [{"type": "bold", "offset": 0}]},  # an entity without its length
        {**SENT, "reply_markup": {"inline_keyboard": [[{"text": "Pay", "pay": True}]]}},  # a field not listed
        {**SENT, "reply_markup": {"inline_keyboard": [[{"text": "Open", "web_app": {"url": 5}}]]}},
        [SENT],
    ],
)
def test_anything_else_is_left_to_validation(raw: Any) -> None:
    assert MESSAGE.read(raw, BOT) is None


def test_an_update_and_a_press_on_a_keyboard_are_made_as_validated() -> None:
    keyboard = {
        "inline_keyboard": [[{"text": "➕", "callback_data": "cq:1:1:2:cart"}, {"text": "Site", "url": "https://x"}]]
    }
    press = {
        "id": "9",
        "from": USER_JSON,
        "chat_instance": "c",
        "data": "cq:1:1:2:cart",
        "message": {**SENT, "text": "<b>Mug</b>", "reply_markup": keyboard},
    }
    for raw in (
        {"update_id": 10, "message": {**SENT, "from": USER_JSON, "text": "/start"}},
        {"update_id": 11, "callback_query": press},
    ):
        made = UPDATE.read(raw, BOT)
        validated = Update.model_validate(raw, context={"bot": BOT})
        same(made, validated)
        assert made is not None and made.event_type == validated.event_type
    inaccessible = {**press, "message": {"chat": CHAT, "message_id": 3, "date": 0}}
    assert CALLBACK_QUERY.read(inaccessible, BOT) is None
