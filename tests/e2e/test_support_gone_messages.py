"""💬 Ask a person instead for a message no longer in the chat (deleted since, or a forged
button naming none) sends nothing to the support chat and says why, in English and Russian:
each press opened a new forum topic with a header for nobody and answered "something went
wrong", so a stranger could fill the support forum with empty topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.harness import RunningBot, running_bot
from handlers.callbacks import AskPersonCb
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from storage import models as m
from tests.e2e.journeys import count
from tests.fakes import FakeClock

SUPPORT = -1009100
GONE = {
    "en": "That message is no longer in this chat, so nothing was sent. Please write it again.",
    "ru": "Этого сообщения уже нет в чате, поэтому ничего не отправлено. Пожалуйста, напишите его ещё раз.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_asking_a_person_about_a_message_not_in_the_chat_opens_no_topic(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gone.sqlite3'}"
    async with running_bot(database, clock=clock, default_currency="GBP", support_chat_id=SUPPORT) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        eve = SandboxUser(shop.server, 611, "Eve", language_code=language)
        found = (await eve.send("heart")).last
        for _ in range(3):
            pressed = await eve.press_data(found, AskPersonCb(message_id=424242).pack())
            assert pressed.callback_answer == {"text": GONE[language], "show_alert": True}
            assert pressed.messages == []
        assert shop.server.forums.get(SUPPORT, {}) == {}  # no topic, no header
        assert shop.server.chat_messages(SUPPORT) == []
        assert await count(shop, m.SupportConversationRow) == 0
        await _still_answered_in_an_open_conversation(shop, eve, found, language)


async def _still_answered_in_an_open_conversation(
    shop: RunningBot, eve: SandboxUser, found: object, language: str
) -> None:
    """With a conversation open, the gone message neither closes it nor opens another topic."""
    await eve.send("/support")
    await eve.send("Where is my parcel?")
    assert await count(shop, m.SupportConversationRow) == 1
    topics = dict(shop.server.forums[SUPPORT])
    pressed = await eve.press_data(found, AskPersonCb(message_id=434343).pack())  # type: ignore[arg-type]
    assert pressed.callback_answer == {"text": GONE[language], "show_alert": True}
    assert dict(shop.server.forums[SUPPORT]) == topics
    assert await count(shop, m.SupportConversationRow) == 1
