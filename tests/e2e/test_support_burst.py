"""A customer who writes many messages at once to support, through the sandbox with Telegram's
flood limits on: every message reaches their topic, none is answered "something went wrong"."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import support_question
from tests.fakes import FakeClock

SUPPORT = -1009000


def _flooded_shop(
    tmp_path: Path, clock: FakeClock, *, flood_limits: bool = True
) -> AbstractAsyncContextManager[RunningBot]:
    """A shop with a support forum, its sandbox enforcing Telegram's flood limits (or, without
    them, refusing only the calls a test names in ``server.flood_next``)."""
    return running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'support.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
        support_chat_id=SUPPORT,
        flood_limits=flood_limits,
    )


async def test_a_burst_of_messages_to_support_all_reach_the_topic_in_order(tmp_path: Path, clock: FakeClock) -> None:
    """Ivan sent 12 messages in a row: Telegram let the bot copy about one a second into the
    support forum, the rest were refused (429), and he was told «что-то пошло не так» for each
    of those, which never reached staff."""
    async with _flooded_shop(tmp_path, clock) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        sent = [f"Посылка не пришла, пишу в {n}-й раз" for n in range(12)]
        for text in sent:
            await ivan.send(text)
        copied = [msg.text for msg in shop.server.chat_messages(SUPPORT) if msg.text.startswith("Посылка")]
        assert copied == sent
        told = [msg.text for msg in shop.server.chat_messages(501)]
        assert not any("пошло не так" in text for text in told)


async def test_an_agents_quick_replies_all_reach_the_customer_in_order(tmp_path: Path, clock: FakeClock) -> None:
    """Sofia answered Ivan with several short messages and a photo in a row: Telegram let the bot
    post about one a second to him, the rest were refused (429) and she was told «something went
    wrong» for each, which Ivan never got."""
    async with _flooded_shop(tmp_path, clock) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, sofia, topic = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        replies = [f"Answer part {n}" for n in range(6)]
        for text in replies[:3]:
            await forum.send(sofia, text, thread_id=topic.thread_id)
        await forum.send_photo(sofia, b"\x89PNG label", caption="the label", thread_id=topic.thread_id)
        for text in replies[3:]:
            await forum.send(sofia, text, thread_id=topic.thread_id)
        got = [msg.text for msg in shop.server.chat_messages(501) if "Answer part" in msg.text or msg.kind == "photo"]
        assert [text.split("\n")[-1] for text in got] == [*replies[:3], "the label", *replies[3:]]
        told = [msg.text for msg in shop.server.chat_messages(SUPPORT)]
        assert not any("went wrong" in text for text in told)


async def test_customers_writing_at_once_each_get_a_topic_with_its_header(tmp_path: Path, clock: FakeClock) -> None:
    """Four customers wrote to support in the same moment: each opens a topic and its header
    (who they are), then their message; the headers were refused by flood control and the
    customers told «что-то пошло не так»."""
    async with _flooded_shop(tmp_path, clock) as shop:
        first = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, _agent, _topic = await support_question(shop, SUPPORT, first, "Здравствуйте, где мой заказ?")
        others = [SandboxUser(shop.server, 502 + n, f"Пётр{n}", language_code="ru") for n in range(3)]
        for customer in others:
            await customer.send("Где мой заказ?")
        topics = list(shop.server.forums[SUPPORT].values())
        assert len(topics) == 4
        for topic in topics[1:]:
            header, question = forum.topic(topic.thread_id)
            assert "Пётр" in header.text and question.text == "Где мой заказ?"
        for customer in others:
            told = [msg.text for msg in shop.server.chat_messages(customer.id)]
            assert not any("пошло не так" in text for text in told)


async def test_edits_both_ways_wait_out_flood_control_and_arrive(tmp_path: Path, clock: FakeClock) -> None:
    """Ivan corrected his question and Sofia her answer while Telegram refused the bot's edit for
    flood control (429, retry after 1 s): the correction was never made and a «something went
    wrong» came instead."""
    async with _flooded_shop(tmp_path, clock, flood_limits=False) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, sofia, topic = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        question = ivan.sent()
        shop.server.flood_next["editmessagetext"] = 1
        await ivan.edit(question, "Здравствуйте, где мой заказ 42?")
        copy = forum.topic(topic.thread_id)[1]
        assert (copy.text, copy.edits) == ("Здравствуйте, где мой заказ 42?", 1)
        await forum.send(sofia, "It leaves today", thread_id=topic.thread_id)
        shop.server.flood_next["editmessagetext"] = 1
        await forum.edit(forum.last_sent(), "It left this morning")
        answer = ivan.messages()[-1]
        assert (answer.text, answer.edits) == ("💬 Sofia\nIt left this morning", 1)
        refused = [c.description for c in shop.server.calls if not c.ok]
        assert refused == ["Too Many Requests: retry after 1"] * 2
        told = [msg.text for msg in [*shop.server.chat_messages(501), *shop.server.chat_messages(SUPPORT)]]
        assert not any("пошло не так" in text or "went wrong" in text for text in told)


async def test_close_waits_out_flood_control_and_closes_the_topic(tmp_path: Path, clock: FakeClock) -> None:
    """Sofia typed /close while Telegram refused the bot for flood control: neither the topic's
    closing nor the confirmation went through, and she was told «something went wrong»."""
    async with _flooded_shop(tmp_path, clock, flood_limits=False) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, sofia, topic = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        shop.server.flood_next.update({"closeforumtopic": 1, "sendmessage": 1})
        closed = await forum.send(sofia, "/close", thread_id=topic.thread_id)
        assert topic.closed
        assert [msg.text for msg in closed.new] == ["Conversation closed; the customer is asked to rate it."]
        assert "Разговор закрыт" in ivan.messages()[-1].text
        assert [c.method for c in shop.server.calls if not c.ok] == ["sendMessage", "closeForumTopic"]
