"""A keyboard the Bot API gives back as it was sent is the object sent, and every message read
from a reply is the one aiogram's validation reads, through the sandbox over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.telegram_session import JsonBodySession
from handlers.views.markup import callback_button, inline_keyboard
from sandbox import SandboxServer

CHAT = 5


class Recording(JsonBodySession):
    """The bot's session, keeping each reply as it came, for validating it as aiogram does."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.replies: list[str] = []

    def checked(
        self, bot: Bot, method: TelegramMethod[TelegramType], status: int, content: str, body: dict[str, Any]
    ) -> TelegramType:
        self.replies.append(content)
        return super().checked(bot, method, status, content, body)


class ChangingSandbox(SandboxServer):
    """A Bot API that gives a keyboard back otherwise than it was sent: each URL with a slash added."""

    async def m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - the sandbox's name
        message = await super().m_sendMessage(params)
        rows = message["reply_markup"]["inline_keyboard"]
        changed = [[{**b, "url": b["url"] + "/"} if "url" in b else b for b in row] for row in rows]
        return {**message, "reply_markup": {"inline_keyboard": changed}}


def card() -> InlineKeyboardMarkup:
    """A variant card's five buttons, made as the bot makes them (``handlers.views.markup``)."""
    sizes = [callback_button(f"{'✔ ' if n == 0 else ''}{size}", f"vr:{10 + n}:3:0") for n, size in enumerate("SML")]
    return inline_keyboard([sizes, [callback_button("🛒 Add to cart", "cq:10:0:1:card")], [back()]])


def back() -> InlineKeyboardButton:
    return callback_button("⬅ Back to the list", "pg:3:0:0:0")


def validated_card() -> InlineKeyboardMarkup:
    """A keyboard made by aiogram's constructors (validated), a URL button among them."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="S", callback_data="vr:10:3:0"),
                InlineKeyboardButton(text="M", url="https://x"),
            ],
            [InlineKeyboardButton(text="🛒 Add to cart", callback_data="cq:10:0:1:card")],
        ]
    )


@contextlib.asynccontextmanager
async def running(server: SandboxServer) -> AsyncIterator[Bot]:
    """The server started, a customer in it, and a bot on the bot's own session talking to it."""
    await server.start()
    server.register_user(CHAT, "Ann")
    bot = bot_on(server.token, TelegramAPIServer.from_base(server.url))
    try:
        yield bot
    finally:
        await bot.session.close()
        await server.stop()


def bot_on(token: str, api: TelegramAPIServer) -> Bot:
    return Bot(token, session=Recording(api=api), default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with running(SandboxServer()) as bot:
        yield bot


async def sent(bot: Bot, method: TelegramMethod[Any]) -> Message:
    """What the bot's session gives for ``method``, checked against aiogram's validation of the
    same reply: equal as objects, as dumped, and as dumped with only the fields set."""
    message = await bot(method)
    assert isinstance(bot.session, Recording) and isinstance(message, Message)
    read = bot.session.check_response(bot=bot, method=method, status_code=200, content=bot.session.replies[-1])
    expected = read.result
    assert isinstance(expected, Message)
    assert message == expected
    assert message.model_dump() == expected.model_dump()
    assert message.model_dump(exclude_unset=True) == expected.model_dump(exclude_unset=True)
    assert message.reply_markup is not None and message.reply_markup.bot is bot
    return message


@pytest.mark.parametrize("keyboard", [card, validated_card])
async def test_a_keyboard_sent_and_given_back_as_sent_is_the_object_sent(
    bot: Bot, keyboard: Callable[[], InlineKeyboardMarkup]
) -> None:
    first, second, third, fourth = keyboard(), keyboard(), inline_keyboard([[back()]]), keyboard()
    message = await sent(bot, SendMessage(chat_id=CHAT, text="<b>Mug</b> £12.50", reply_markup=first))
    assert message.reply_markup is first
    edited = await sent(
        bot, EditMessageText(chat_id=CHAT, message_id=message.message_id, text="<b>Mug</b> M", reply_markup=second)
    )
    assert edited.reply_markup is second
    only_buttons = EditMessageReplyMarkup(chat_id=CHAT, message_id=message.message_id, reply_markup=third)
    assert (await sent(bot, only_buttons)).reply_markup is third
    photo = SendPhoto(chat_id=CHAT, photo="https://shop.example/mug.jpg", caption="<b>Mug</b>", reply_markup=fourth)
    with_photo = await sent(bot, photo)
    assert with_photo.reply_markup is fourth and with_photo.photo and with_photo.caption == "Mug"


async def test_a_keyboard_given_back_changed_is_read_from_the_reply() -> None:
    async with running(ChangingSandbox()) as bot:
        keyboard = validated_card()
        message = await sent(bot, SendMessage(chat_id=CHAT, text="Mug", reply_markup=keyboard))
        assert message.reply_markup is not keyboard and message.reply_markup is not None
        assert message.reply_markup.inline_keyboard[0][1].url == "https://x/"


@pytest.mark.parametrize(
    "keyboard",
    [
        # a field given as None is a field set to the object, and left out of what is sent
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Back", callback_data="pg:1", url=None)]]),
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Site", url="https://x", future=1)]]),
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Back", callback_data="pg:1")]], future=1),
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Pay", pay=True)]]),  # not read plain
    ],
    ids=["a field given as None", "a button's extra", "the keyboard's extra", "a field not read plain"],
)
async def test_a_keyboard_validation_would_make_otherwise_is_read_from_the_reply(
    bot: Bot, keyboard: InlineKeyboardMarkup
) -> None:
    message = await sent(bot, SendMessage(chat_id=CHAT, text="Mug", reply_markup=keyboard))
    assert message.reply_markup is not keyboard
    assert keyboard.bot is None  # left as it was made


async def test_a_keyboard_another_bot_sent_stays_that_bot_s(bot: Bot) -> None:
    other = bot_on(bot.token, bot.session.api)  # the same token, another Bot (``Bot.__eq__`` compares tokens)
    try:
        keyboard = card()
        first = await sent(bot, SendMessage(chat_id=CHAT, text="Mug", reply_markup=keyboard))
        second = await sent(other, SendMessage(chat_id=CHAT, text="Mug", reply_markup=keyboard))
        assert first.reply_markup is keyboard and keyboard.bot is bot
        assert second.reply_markup is not keyboard and second.reply_markup is not None
        assert second.reply_markup.bot is other
    finally:
        await other.session.close()
