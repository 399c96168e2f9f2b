"""The sandbox's forum topics and copyMessage refuse what Telegram refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest

from sandbox import SandboxServer, SandboxUser
from sandbox.driver import SandboxGroup

CHAT, FORUM, PLAIN = 777, -1001, -1002


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = SandboxServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    bot = Bot(server.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


async def test_topics_exist_only_in_a_forum_and_a_closed_one_takes_no_messages(server: SandboxServer, bot: Bot) -> None:
    SandboxGroup(server, "Support", chat_id=FORUM, forum=True)
    SandboxGroup(server, "Staff", chat_id=PLAIN)
    assert (await bot.get_chat(FORUM)).is_forum and not (await bot.get_chat(PLAIN)).is_forum
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(PLAIN, "Anna")
    with pytest.raises(TelegramBadRequest, match="TOPIC_TITLE_TOO_LONG"):
        await bot.create_forum_topic(FORUM, "A" * 129)
    topic = await bot.create_forum_topic(FORUM, "Anna")
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(PLAIN, "hi", message_thread_id=topic.message_thread_id)
    sent = await bot.send_message(FORUM, "hi", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    await bot.close_forum_topic(FORUM, topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(FORUM, topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
        await bot.send_message(FORUM, "again", message_thread_id=topic.message_thread_id)
    await bot.reopen_forum_topic(FORUM, topic.message_thread_id)
    await bot.send_message(FORUM, "again", message_thread_id=topic.message_thread_id)


async def test_copy_message_copies_what_a_person_sent_and_refuses_what_is_not_there(
    server: SandboxServer, bot: Bot
) -> None:
    SandboxGroup(server, "Support", chat_id=FORUM, forum=True)
    user = SandboxUser(server, CHAT, "Tester", wait=False)
    await user.send("<b>not markup</b>")
    copied = await bot.copy_message(FORUM, CHAT, user.sent()["message_id"])
    assert server.messages[(FORUM, copied.message_id)].text == "<b>not markup</b>"
    await user.send_photo(b"png", caption="box")
    copied = await bot.copy_message(FORUM, CHAT, user.sent()["message_id"], caption="<i>new</i> caption")
    photo = server.messages[(FORUM, copied.message_id)]
    assert (photo.kind, photo.text) == ("photo", "new caption")
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(FORUM, CHAT, 999_999)
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(FORUM, "re", reply_parameters={"message_id": 999_999})  # type: ignore[arg-type]
