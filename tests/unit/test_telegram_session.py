"""The JSON body the bot sends is what aiogram's own dump of the method gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.methods import (
    AnswerCallbackQuery,
    BanChatMember,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendInvoice,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CopyTextButton,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LabeledPrice,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    WebAppInfo,
)

from bot.telegram_session import JsonBodySession, json_text, request_body

BOT = Bot("123456:TEST", default=DefaultBotProperties(parse_mode="HTML"))
INLINE = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="🛒 Add", callback_data="cq:1:0:1:card")]])


def dumped(session: JsonBodySession, method: TelegramMethod[Any], files: dict[str, Any]) -> dict[str, Any]:
    """The body as aiogram builds it: the whole method dumped, then each value prepared."""
    body = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = session.prepare_value(value, bot=BOT, files=files, _dumps_json=False)
        if prepared is not None:
            body[key] = prepared
    return body


METHODS: list[TelegramMethod[Any]] = [
    SendMessage(chat_id=5, text="<b>Mug</b>", reply_markup=INLINE),
    SendMessage(
        chat_id=5,
        text="share",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="📱 Share", request_contact=True)]], resize_keyboard=True
        ),
        parse_mode=None,
    ),
    EditMessageText(chat_id=5, message_id=7, text="edited", reply_markup=INLINE),
    AnswerCallbackQuery(callback_query_id="42", text="Added", show_alert=False),
    SendInvoice(
        chat_id=5,
        title="Order A1",
        description="2 items",
        payload="order:A1",
        currency="GBP",
        prices=[LabeledPrice(label="Mug", amount=1250), LabeledPrice(label="Shipping", amount=399)],
        provider_token="tok",
    ),
    SetMyCommands(commands=[BotCommand(command="start", description="Menu")], scope=BotCommandScopeChat(chat_id=5)),
    BanChatMember(chat_id=-100, user_id=9, until_date=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)),
    SendMessage(chat_id=5, text="extra", message_effect_id="e1", some_future_field="kept"),
    SendMessage(
        chat_id=5,
        text="a variant card",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=f"✔ {size}", callback_data=f"vr:{n}:0:0") for n, size in enumerate("SML")],
                [InlineKeyboardButton(text="🛍 Open", web_app=WebAppInfo(url="https://shop.example/app"))],
                [InlineKeyboardButton(text="Copy", copy_text=CopyTextButton(text="B000001"))],
                [InlineKeyboardButton(text="Site", url="https://shop.example", some_future_field=1)],
                [InlineKeyboardButton(text="Pay", pay=True)],
                [InlineKeyboardButton(text="Back", callback_data="pg:1:0:0:0", url=None)],  # None given, not left
                [InlineKeyboardButton(text="More", callback_data="m", some_future_field=2)],
            ]
        ),
    ),
    EditMessageText(chat_id=5, message_id=7, text="no buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=[])),
    SendMessage(chat_id=5, text="https://a.example", link_preview_options=LinkPreviewOptions(is_disabled=True)),
    SendMessage(
        chat_id=5,
        text="https://a.example",
        link_preview_options=LinkPreviewOptions(url="https://b.example", prefer_small_media=True, future=1),
    ),
]


@pytest.mark.parametrize("method", METHODS, ids=lambda m: type(m).__name__)
def test_the_body_is_aiograms_dump(method: TelegramMethod[Any]) -> None:
    session = JsonBodySession()
    assert request_body(session, BOT, method, {}) == dumped(session, method, {})


def test_every_default_of_the_bot_is_sent_as_aiogram_sends_it() -> None:
    bot = Bot(
        "123456:TEST",
        default=DefaultBotProperties(
            parse_mode="HTML", protect_content=True, link_preview_is_disabled=True, disable_notification=False
        ),
    )
    session = JsonBodySession()
    for method in (SendMessage(chat_id=5, text="<b>Mug</b>"), EditMessageText(chat_id=5, message_id=7, text="x")):
        dump = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = session.prepare_value(value, bot=bot, files={}, _dumps_json=False)
            if prepared is not None:
                dump[key] = prepared
        assert request_body(session, bot, method, {}) == dump
        assert dump["parse_mode"] == "HTML" and dump["link_preview_options"] == {"is_disabled": True}


def test_defaults_dates_and_extras_come_out_as_telegram_takes_them() -> None:
    session = JsonBodySession()
    message = request_body(session, BOT, METHODS[0], {})
    assert message["parse_mode"] == "HTML"  # the bot's default, not a placeholder
    assert message["reply_markup"] == {"inline_keyboard": [[{"text": "🛒 Add", "callback_data": "cq:1:0:1:card"}]]}
    assert request_body(session, BOT, METHODS[6], {})["until_date"] == "1893553445"  # unix time
    assert request_body(session, BOT, METHODS[7], {})["some_future_field"] == "kept"


def test_an_upload_is_set_aside_as_a_file(tmp_path: Path) -> None:
    path = tmp_path / "label.pdf"
    path.write_bytes(b"%PDF-1.4")
    files: dict[str, Any] = {}
    body = request_body(JsonBodySession(), BOT, SendDocument(chat_id=5, document=FSInputFile(path)), files)
    (key,) = files
    assert body["document"] == f"attach://{key}"


def reply_to(body: dict[str, Any], **changed: Any) -> str:
    """What Telegram answers a sendMessage with: the message, its keyboard as it was sent."""
    message = {
        "message_id": 9,
        "date": 1_700_000_000,
        "chat": {"id": 5, "type": "private", "first_name": "Ann"},
        "from": {"id": 1, "is_bot": True, "first_name": "Shop"},
        "text": body["text"],
        "reply_markup": body["reply_markup"],
    }
    return json.dumps({"ok": True, "result": {**message, **changed}})


def read_and_validated(method: SendMessage, content: str, body: dict[str, Any]) -> tuple[Message, Message]:
    session = JsonBodySession()
    message = session.checked(BOT, method, 200, content, body)
    validated = session.check_response(bot=BOT, method=method, status_code=200, content=content).result
    assert isinstance(message, Message) and isinstance(validated, Message)
    assert message == validated and message.model_dump() == validated.model_dump()
    assert message.model_dump(exclude_unset=True) == validated.model_dump(exclude_unset=True)
    return message, validated


def test_a_keyboard_that_comes_back_as_sent_is_the_object_sent_bound_to_the_bot() -> None:
    add = InlineKeyboardButton(text="🛒 Add", callback_data="cq:1:0:1:card")
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[add], [InlineKeyboardButton(text="Site", url="https://x")]])
    method = SendMessage(chat_id=5, text="<b>Mug</b>", reply_markup=keyboard)
    body = request_body(JsonBodySession(), BOT, method, {})
    message, _ = read_and_validated(method, reply_to(body), body)
    assert message.reply_markup is keyboard and keyboard.bot is BOT


def test_a_keyboard_with_a_none_given_extras_or_nested_objects_is_read_from_the_reply() -> None:
    method = METHODS[8]  # a Mini App button, a field given as None, extras
    assert isinstance(method, SendMessage)
    body = request_body(JsonBodySession(), BOT, method, {})
    message, _ = read_and_validated(method, reply_to(body), body)
    assert isinstance(method.reply_markup, InlineKeyboardMarkup)
    assert message.reply_markup is not method.reply_markup and method.reply_markup.bot is None


def test_a_keyboard_changed_after_it_was_sent_is_read_from_the_reply() -> None:
    rows = [[InlineKeyboardButton(text="🛒 Add", callback_data="cq:1:0:1:card")]]
    method = SendMessage(chat_id=5, text="<b>Mug</b>", reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
    body = request_body(JsonBodySession(), BOT, method, {})
    assert isinstance(method.reply_markup, InlineKeyboardMarkup)
    method.reply_markup.inline_keyboard.append([InlineKeyboardButton(text="Back", callback_data="pg:1")])
    message, _ = read_and_validated(method, reply_to(body), body)
    assert message.reply_markup is not method.reply_markup


def test_a_keyboard_that_comes_back_changed_is_read_from_the_reply() -> None:
    session = JsonBodySession()
    method = METHODS[0]
    assert isinstance(method, SendMessage)
    body = request_body(session, BOT, method, {})
    other = {"inline_keyboard": [[{"text": "other", "callback_data": "x"}]]}
    message = session.checked(BOT, method, 200, reply_to(body, reply_markup=other), body)
    assert message.reply_markup is not method.reply_markup
    assert message.reply_markup == InlineKeyboardMarkup.model_validate(other, context={"bot": BOT})
    without = session.checked(BOT, method, 200, reply_to(body, reply_markup=None), body)
    assert without.reply_markup is None


BOLD_AND_CODE = [{"type": "bold", "offset": 0, "length": 4}, {"type": "code", "offset": 5, "length": 3}]


@pytest.mark.parametrize(
    "entities",
    [
        BOLD_AND_CODE,
        [*BOLD_AND_CODE, {"type": "text_link", "offset": 9, "length": 2, "url": "https://x.example"}],
        [{"type": "bold", "offset": True, "length": 2}],  # not an int: validated, as aiogram reads it
        [],
    ],
)
def test_a_reply_s_entities_are_the_ones_validation_gives(entities: list[dict[str, Any]]) -> None:
    session = JsonBodySession()
    method = METHODS[8]
    assert isinstance(method, SendMessage)
    body = request_body(session, BOT, method, {})
    content = reply_to(body, entities=entities)
    message = session.checked(BOT, method, 200, content, body)
    validated = session.check_response(bot=BOT, method=method, status_code=200, content=content).result
    assert isinstance(message, Message) and isinstance(validated, Message)
    assert message.model_dump() == validated.model_dump()
    assert message.model_fields_set == validated.model_fields_set
    assert message.entities == validated.entities and validated.entities is not None
    for made, read in zip(message.entities or [], validated.entities, strict=True):
        assert type(made) is type(read)
        assert made.model_fields_set == read.model_fields_set
        assert made.__pydantic_extra__ == read.__pydantic_extra__
        assert made.__pydantic_private__ == read.__pydantic_private__
        assert made.__dict__ == read.__dict__


@pytest.mark.parametrize(
    "changed",
    [
        {"reply_markup": None},  # a message without buttons (an /add's answer): made
        {"reply_markup": None, "entities": BOLD_AND_CODE, "edit_date": 1_700_000_100},
        {"reply_markup": None, "link_preview_options": {"is_disabled": True}},  # validated
        {"reply_markup": {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "https://x"}}]]}},
    ],
)
def test_a_sent_or_edited_message_is_the_one_aiogram_reads(changed: dict[str, Any]) -> None:
    session = JsonBodySession()
    methods: list[TelegramMethod[Any]] = [
        SendMessage(chat_id=5, text="Added"),
        EditMessageText(chat_id=5, message_id=9, text="Added"),
    ]
    for method in methods:
        body = request_body(session, BOT, method, {})
        content = reply_to({**body, "reply_markup": None}, **changed)
        message = session.checked(BOT, method, 200, content, body)
        validated = session.check_response(bot=BOT, method=method, status_code=200, content=content).result
        assert isinstance(message, Message) and message.bot is BOT
        assert message == validated and message.model_dump() == validated.model_dump()
        assert message.model_fields_set == validated.model_fields_set
    inline = EditMessageText(inline_message_id="i1", text="edited")
    assert session.checked(BOT, inline, 200, json.dumps({"ok": True, "result": True}), {}) is True


@pytest.mark.parametrize("answer", [True, False, 1, "true", None])
def test_a_true_or_false_answer_is_the_one_aiogram_reads(answer: Any) -> None:
    session = JsonBodySession()
    method = AnswerCallbackQuery(callback_query_id="42", text="Added")
    content = json.dumps({"ok": True, "result": answer})
    try:
        expected = session.check_response(bot=BOT, method=method, status_code=200, content=content).result
    except Exception as error:  # noqa: BLE001 - what aiogram refuses is refused the same way
        with pytest.raises(type(error)):
            session.checked(BOT, method, 200, content, {})
        return
    got = session.checked(BOT, method, 200, content, {})
    assert got == expected and type(got) is type(expected)


def test_an_error_reply_is_aiograms_error() -> None:
    session = JsonBodySession()
    method = METHODS[0]
    body = request_body(session, BOT, method, {})
    refused = json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"})
    with pytest.raises(TelegramBadRequest, match="too long"):
        session.checked(BOT, method, 400, refused, body)


def test_updates_are_aiogram_s_and_kept_as_telegram_sent_them_for_the_inbox() -> None:
    session = JsonBodySession()
    chat = {"id": 5, "type": "private", "first_name": "Ann"}
    user = {"id": 5, "is_bot": False, "first_name": "Ann", "language_code": "ru"}
    message = {"message_id": 7, "date": 1_700_000_000, "chat": chat, "from": user, "text": "/start p_85123A"}
    keyboard = {"inline_keyboard": [[{"text": "➕", "callback_data": "cq:1:1:2:cart"}]]}
    raw = [
        {"update_id": 10, "message": message},
        {
            "update_id": 11,
            "callback_query": {
                "id": "9",
                "from": user,
                "chat_instance": "c",
                "data": "cq:1:1:2:cart",
                "message": {
                    **message,
                    "from": {"id": 1, "is_bot": True, "first_name": "Shop"},
                    "reply_markup": keyboard,
                },
            },
        },
    ]
    content = json.dumps({"ok": True, "result": raw})
    method = GetUpdates(offset=10, timeout=30)
    updates = session.checked(BOT, method, 200, content, {})
    assert updates == session.check_response(bot=BOT, method=method, status_code=200, content=content).result
    assert session.update_payloads == {10: raw[0], 11: raw[1]}
    refused = json.dumps({"ok": False, "error_code": 409, "description": "Conflict: terminated by other getUpdates"})
    with pytest.raises(TelegramConflictError):
        session.checked(BOT, method, 409, refused, {})
    assert session.update_payloads == {}


def test_a_reply_orjson_refuses_is_read_as_json_reads_it() -> None:
    """A lone surrogate escape in a text: the batch is read (not asked for again for ever)."""
    chat = {"id": 5, "type": "private", "first_name": "x"}
    message = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": chat,
        "from": {"id": 5, "is_bot": False, "first_name": "x"},
    }
    reply = json.dumps(
        {"ok": True, "result": [{"update_id": 7, "message": {**message, "text": "broken \ud83d emoji"}}]}
    )
    assert "\\ud83d" in reply
    updates = JsonBodySession().checked(BOT, GetUpdates(), 200, reply, {})
    assert [u.update_id for u in updates] == [7]
    assert json.loads(json_text({"text": updates[0].message.text if updates[0].message else ""})) == {
        "text": "broken \ud83d emoji"
    }  # and the inbox can keep it
