"""The sandbox refuses what Telegram refuses, with Telegram's status codes and bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice

from sandbox import SandboxServer, SandboxUser
from sandbox.html import HtmlParseError, parse_html

CHAT = 777


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = SandboxServer()
    await server.start()
    server.register_user(CHAT, "Tester")
    yield server
    await server.stop()


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    bot = Bot(server.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


def keyboard(rows: int, per_row: int, data: str = "x") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"{r}.{c}", callback_data=data) for c in range(per_row)] for r in range(rows)
        ]
    )


async def test_raw_error_body_is_telegrams(server: SandboxServer) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/bot{server.token}/sendMessage", json={"chat_id": CHAT, "text": ""}) as response,
    ):
        assert response.status == 400
        assert await response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }


async def test_wrong_token_is_unauthorized(server: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{server.url}/bot1:wrong/getMe") as response:
        assert response.status == 401


async def test_text_length_limits_count_after_entity_parsing(bot: Bot, server: SandboxServer) -> None:
    sent = await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>")
    assert sent.text == "x" * 4096
    assert await bot.send_message(CHAT, "&amp;" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "<b> </b>")


async def test_a_caption_of_1024_characters_is_sent_and_one_more_is_refused(bot: Bot) -> None:
    photo = BufferedInputFile(b"\xff\xd8jpeg", filename="p.jpg")
    assert await bot.send_photo(CHAT, photo, caption="<i>" + "y" * 1024 + "</i>")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(CHAT, photo, caption="y" * 1025)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("Price < 5", 'Unsupported start tag "" at byte offset 6'),
        ("<b>bold <i>both</b></i>", 'Unmatched end tag at byte offset 15, expected "</i>", found "</b>"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("text</b>", "Unexpected end tag at byte offset 4"),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Ж<b", "Unclosed start tag at byte offset 2"),
    ],
)
async def test_html_outside_telegrams_rules_is_refused(bot: Bot, html: str, error: str) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(CHAT, html)
    assert caught.value.message == f"Bad Request: can't parse entities: {error}"


def test_telegrams_tags_and_entities_are_accepted() -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>"
        '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><a href="https://x.y/?a=1&amp;b=2">l</a>'
        '<code>c</code><pre><code class="language-python">x</code></pre><blockquote expandable>z</blockquote>'
        "&lt;&gt;&amp;&quot;&#65;&#x42; & alone"
    )
    assert parse_html(html).endswith('<>&"AB & alone')
    with pytest.raises(HtmlParseError):
        parse_html("&apos;")


async def test_callback_data_is_one_to_sixty_four_bytes(bot: Bot) -> None:
    assert await bot.send_message(CHAT, "ok", reply_markup=keyboard(1, 1, "я" * 32))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard(1, 1, "я" * 32 + "x"))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard(1, 1, ""))


async def test_a_keyboard_of_100_buttons_8_a_row_is_sent_and_a_bigger_one_is_refused(bot: Bot) -> None:
    hundred = keyboard(12, 8)
    hundred.inline_keyboard.append(keyboard(1, 4).inline_keyboard[0])
    assert await bot.send_message(CHAT, "ok", reply_markup=hundred)  # exactly 100 buttons, 8 per row
    with pytest.raises(TelegramBadRequest, match="REPLY_MARKUP_TOO_LONG"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard(1, 9))
    with pytest.raises(TelegramBadRequest, match="REPLY_MARKUP_TOO_LONG"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard(13, 8))


async def test_an_invoice_at_telegrams_lengths_is_sent_and_one_past_them_is_refused(bot: Bot) -> None:
    async def invoice(title: str = "T", description: str = "D", payload: str = "p") -> None:
        await bot.send_invoice(
            CHAT,
            title=title,
            description=description,
            payload=payload,
            currency="EUR",
            prices=[LabeledPrice(label="Total", amount=1000)],
            provider_token="test",
        )

    await invoice("t" * 32, "d" * 255, "p" * 128)
    with pytest.raises(TelegramBadRequest, match="INVOICE_TITLE_INVALID"):
        await invoice(title="t" * 33)
    with pytest.raises(TelegramBadRequest, match="INVOICE_DESCRIPTION_INVALID"):
        await invoice(description="d" * 256)
    with pytest.raises(TelegramBadRequest, match="INVOICE_PAYLOAD_INVALID"):
        await invoice(payload="é" * 65)


async def test_identical_edit_is_not_modified(bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "<b>same</b>", reply_markup=keyboard(1, 1))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("same", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard(1, 1))
    edited = await bot.edit_message_text("changed", chat_id=CHAT, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "changed"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)


async def test_a_user_who_blocked_the_bot_gets_403(bot: Bot, server: SandboxServer) -> None:
    SandboxUser(server, CHAT, "Tester").block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hello?")


async def test_flood_limits_answer_429_with_retry_after() -> None:
    server = SandboxServer(flood_limits=True)
    assert server.flood is not None
    server.flood.clock = lambda: 1000.0  # time stands still: no refill during the test
    await server.start()
    for chat in range(1, 41):
        server.register_user(chat, f"U{chat}")
    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        for _ in range(3):  # the per-chat burst
            await bot.send_message(1, "burst")
        with pytest.raises(TelegramRetryAfter) as per_chat:
            await bot.send_message(1, "one too many")
        assert per_chat.value.retry_after >= 1
        sent = 3
        with pytest.raises(TelegramRetryAfter):
            for chat in range(2, 41):  # 30 messages/s overall
                await bot.send_message(chat, "broadcast")
                sent += 1
        assert sent == 30
        assert server.flood.refused == 2
    finally:
        await bot.session.close()
        await server.stop()


async def test_documents_are_kept_and_files_can_be_downloaded(bot: Bot, server: SandboxServer) -> None:
    sent = await bot.send_document(CHAT, BufferedInputFile(b"%PDF-1.7 demo", filename="slip.pdf"), caption="Slip")
    assert sent.document is not None
    stored = server.files[sent.document.file_id]
    assert (stored.file_name, stored.content) == ("slip.pdf", b"%PDF-1.7 demo")
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"%PDF-1.7 demo"


async def test_commands_are_kept_per_language(bot: Bot, server: SandboxServer) -> None:
    from aiogram.types import BotCommand

    await bot.set_my_commands([BotCommand(command="start", description="Старт")], language_code="ru")
    assert server.commands["default::ru"] == [{"command": "start", "description": "Старт"}]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_a_press_answered_with_more_than_200_characters_is_refused_as_telegram_does(
    server: SandboxServer, bot: Bot
) -> None:
    """answerCallbackQuery's text is 0-200 characters: a longer one is refused, not shown cut, so every test sees it."""
    server.callback_answers["long"], server.callback_answers["fits"] = {}, {}
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query("long", text="x" * 201, show_alert=True)
    assert await bot.answer_callback_query("fits", text="x" * 200, show_alert=True)
