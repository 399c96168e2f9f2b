"""SUPPORT_HOURS through the sandbox at a fixed clock: a customer who writes at night is told
in their language when a person answers, the topic opens and the agent answers it in the
morning; within hours nothing changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from tests.e2e.conftest import ADMIN, hire, shop_on, staff_shop
from tests.e2e.journeys import support_question
from tests.fakes import FakeClock

SUPPORT = -1009000
WEDNESDAY_NIGHT = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
THURSDAY_MORNING = datetime(2026, 11, 26, 6, 5, tzinfo=UTC)  # 09:05 in Moscow
AWAY_RU = (
    "🌙 Сейчас нерабочее время. Вам ответят здесь, когда мы снова на связи: четверг, 26 ноября, 09:00 "
    "(по времени магазина)."
)


@asynccontextmanager
async def _moscow_shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(
        tmp_path, clock, support_chat_id=SUPPORT, timezone="Europe/Moscow", support_hours="Mon-Fri 09:00-18:00"
    ) as shop:
        yield shop


async def test_a_question_at_night_is_told_when_a_person_answers_and_the_agent_answers_in_the_morning(
    tmp_path: Path, clock: FakeClock
) -> None:
    clock.current = WEDNESDAY_NIGHT
    async with _moscow_shop(tmp_path, clock) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, sofia, topic = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        told = ivan.messages()[-1].text
        assert told.startswith("💬 Это похоже на вопрос") and told.endswith(AWAY_RU)
        header, question = forum.topic(topic.thread_id)
        assert question.text == "Здравствуйте, где мой заказ?"
        assert "🌙 Written outside support hours; the customer was told: Thursday, 26 November, 09:00" in header.text

        await ivan.send("Заказ 1042")  # the conversation is open: more arrives, told only that it was sent
        assert ivan.messages()[-1].text == "✅ Отправлено. Мы ответим здесь; пишите ещё, когда захотите."
        clock.current = THURSDAY_MORNING
        await forum.send(sofia, "Доброе утро! Заказ уже в пути.", thread_id=topic.thread_id)
        assert ivan.messages()[-1].text == "💬 Sofia\nДоброе утро! Заказ уже в пути."


async def test_contact_us_at_night_says_when_in_english(tmp_path: Path, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday: Monday 09:00 Moscow
    async with _moscow_shop(tmp_path, clock) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        anna = SandboxUser(shop.server, 502, "Anna")
        prompt = await anna.send("💬 Contact us")
        assert prompt.last.text.endswith(
            "🌙 We are away now. A person answers here when we are back: Monday, 30 November, 09:00 (shop time)."
        )
        sent = await anna.send("My parcel is damaged")
        assert sent.last.text.startswith("✅ Sent.") and "Monday, 30 November, 09:00" in sent.last.text


async def test_within_support_hours_nothing_changes(tmp_path: Path, clock: FakeClock) -> None:
    clock.current = THURSDAY_MORNING
    async with _moscow_shop(tmp_path, clock) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, _agent, topic = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        assert ivan.messages()[-1].text == (
            "💬 Это похоже на вопрос, поэтому я передал его сотруднику магазина; ответ придёт сюда."
        )
        assert "🌙" not in forum.topic(topic.thread_id)[0].text


async def test_in_the_morning_conversations_lists_what_waited_unanswered_first_with_links(
    database_url: str, clock: FakeClock
) -> None:
    """Sofia came in at nine with no way to tell which topics waited for an answer: a forum shows
    every topic alike, and a plain group only the messages themselves."""
    clock.current = WEDNESDAY_NIGHT
    async with shop_on(
        database_url,
        clock,
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
        support_chat_id=SUPPORT,
        timezone="Europe/Moscow",
        support_hours="Mon-Fri 09:00-18:00",
    ) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        forum, sofia, ivans = await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        clock.current = THURSDAY_MORNING
        anna = SandboxUser(shop.server, 502, "Anna <b>", username="anna_k")
        await anna.send("Hello, can I change my address?")
        annas = shop.server.forums[SUPPORT][max(shop.server.forums[SUPPORT])]
        await forum.send(sofia, "Yes, tell me the new one", thread_id=annas.thread_id)
        listed = (await sofia.send("/conversations")).last
        assert listed.text.splitlines()[0] == "💬 2 open conversations"
        first, second = listed.text.split("\n\n")[1:3]
        assert first.startswith("🔴 Иван · #") and "no reply yet" in first and "1 message in" in first
        assert second.startswith("🟢 Anna <b> (@anna_k) · #") and "1 message in, 1 reply" in second
        assert f'<a href="https://t.me/c/9000/{ivans.thread_id}">Иван</a>' in (listed.html or "")
        await forum.send(sofia, "/close", thread_id=ivans.thread_id)
        await forum.send(sofia, "/close", thread_id=annas.thread_id)
        assert (await sofia.send("/conversations")).last.text == "💬 0 open conversations\nNobody is waiting."


async def test_a_russian_agent_reads_the_open_conversations_in_russian(tmp_path: Path, clock: FakeClock) -> None:
    clock.current = THURSDAY_MORNING
    async with _moscow_shop(tmp_path, clock) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        agent = await hire(shop, 78, "Олег", "support", language="ru")
        listed = (await agent.send("/conversations")).last.text
        assert listed.splitlines()[0] == "💬 Открытых разговоров: 1"
        assert "ответа ещё нет" in listed
