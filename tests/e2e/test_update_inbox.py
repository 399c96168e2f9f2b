"""Updates through the inbox in the bot's own polling: one delivered twice is handled once;
one recorded by a process that stopped before handling it is handled at the next start."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aiogram.types import Update

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from tests.e2e.conftest import shop_on
from tests.fakes import FakeClock


async def test_an_update_delivered_again_is_not_taken_again(running: RunningBot) -> None:
    """What the polling loop does with each ``getUpdates`` batch: only updates never
    recorded come back to be handled (the sandbox itself never repeats one)."""
    alice = SandboxUser(running.server, 611, "Alice")
    await alice.send("/start")
    handled = running.server.sent_updates[max(running.server.sent_updates)]
    alice_cart = await running.server.push_update("message", {**handled["message"], "text": "/cart"})
    await running.server.wait_confirmed(alice_cart)
    dp, bot = running.runtime.dp, running.runtime.bot
    batch = [
        Update.model_validate(handled, context={"bot": bot}),
        Update.model_validate(running.server.sent_updates[alice_cart], context={"bot": bot}),
    ]
    assert [u.update_id for u in await dp.record(bot, batch)] == []  # both handled already
    assert [m.text.startswith("Hello, Alice!") for m in alice.messages()].count(True) == 1


async def test_an_update_recorded_but_not_handled_is_handled_at_start(running: RunningBot) -> None:
    user = {"id": 612, "is_bot": False, "first_name": "Bea", "language_code": "en"}
    SandboxUser(running.server, 612, "Bea")
    update = {
        "update_id": 10**6,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 612, "type": "private", "first_name": "Bea"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    inbox = running.runtime.dp.inbox
    assert await inbox.record(running.runtime.bot.id, [(10**6, json.dumps(update))], datetime.now(UTC)) == {10**6}
    assert await running.runtime.dp.replay(running.runtime.bot) == 1
    await running.runtime.dp.settle()
    assert running.server.chat_messages(612)[-1].text.startswith("Hello, Bea!")
    assert await inbox.unhandled(running.runtime.bot.id) == []


async def test_a_shop_moved_to_another_bot_handles_its_updates_though_their_ids_start_again(
    database_url: str, clock: FakeClock
) -> None:
    """Another bot token is another bot, whose update ids start again at 1: an update of the
    new bot is not one of the old bot's that the inbox remembers for a day."""
    async with shop_on(database_url, clock, token="111111:OLD-BOT") as old:
        alice = SandboxUser(old.server, 613, "Alice")
        await alice.send("/start")
        await alice.send("/cart")
        assert old.server.next_update_id == 3
    async with running_bot(
        database_url, clock=clock, demo_catalog=False, default_currency="GBP", token="222222:NEW-BOT"
    ) as new:
        bea = SandboxUser(new.server, 614, "Bea", language_code="ru")
        await bea.send("/start")  # update id 1 again, of another bot
        assert new.server.chat_messages(614)[-1].text.startswith("Здравствуйте, Bea!")
        alice = SandboxUser(new.server, 613, "Alice")
        await alice.send("/start")  # update id 2 again
        assert new.server.chat_messages(613)[-1].text.startswith("Hello, Alice!")
        await new.runtime.dp.flush_marks()
        assert await new.runtime.dp.inbox.unhandled(new.runtime.bot.id) == []
