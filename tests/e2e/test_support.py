"""Support conversations through the sandbox: a forum topic per customer, replies back,
edits both ways, /close and the rating; the staff chat without a forum; question or search."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot, running_bot
from handlers.callbacks import ContactCb
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, count, order_code, place_cod_order
from tests.fakes import FakeClock

SUPPORT = -1009000


async def _conversations(shop: RunningBot) -> list[m.SupportConversationRow]:
    async with shop.runtime.sessions() as session:
        rows = await session.scalars(select(m.SupportConversationRow).order_by(m.SupportConversationRow.id))
        return list(rows.all())


async def test_customer_asks_from_an_order_and_staff_answer_in_its_topic(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        alice = SandboxUser(shop.server, 501, "Alice <b>", username="alice_b")
        await add_to_cart(alice, "85123A")
        code = order_code(await place_cod_order(alice))

        card = await alice.send(f"/track {code}")
        prompt = await alice.press(card.last, "Contact us")
        assert "Write your message about order" in prompt.last.text
        await alice.send("Where is my parcel? <i>urgent</i>")
        question = alice.sent()
        assert alice.messages()[-1].text.startswith("✅ Sent.")
        await alice.send_photo(b"\x89PNG damaged box", caption="the box")

        [topic] = shop.server.forums[SUPPORT].values()
        assert topic.name == "Alice <b> (@alice_b) #1" or topic.name.startswith("Alice <b> (@alice_b) #")
        header, text_copy, photo_copy = forum.topic(topic.thread_id)
        assert "Alice &lt;b&gt;" in (header.html or "") and "@alice_b" in header.text
        assert f"Came from order {code}" in header.text and f"Open orders: {code}" in header.text
        assert text_copy.text == "Where is my parcel? <i>urgent</i>"  # copied as the customer wrote it
        assert photo_copy.kind == "photo" and photo_copy.text == "the box"

        await forum.send(admin, "It leaves today <b>for sure</b>", thread_id=topic.thread_id)
        answer = alice.messages()[-1]
        assert answer.text == "💬 Ada\nIt leaves today <b>for sure</b>"  # signed, and escaped
        await forum.edit(forum.last_sent(), "It left this morning")
        assert alice.messages()[-1].text == "💬 Ada\nIt left this morning" and alice.messages()[-1].edits == 1

        await alice.edit(question, "Where is my parcel now?")
        assert text_copy.text == "Where is my parcel now?" and text_copy.edits == 1

        closed = await forum.send(admin, "/close", thread_id=topic.thread_id)
        assert "Conversation closed" in closed.last.text and topic.closed
        ask = alice.messages()[-1]
        assert "How did we do?" in ask.text
        rated = await alice.press(ask, "5⭐")
        assert rated.callback_answer and "Thank you" in rated.callback_answer["text"]

        [conversation] = await _conversations(shop)
        assert (conversation.status, conversation.rating, conversation.order_code) == ("closed", 5, code)
        assert (conversation.messages_in, conversation.messages_out) == (2, 1)
        assert conversation.first_reply_at is not None and conversation.closed_at is not None
        assert await count(shop, m.SupportMessageRow) == 3
        profile = await admin.send("/customer 501")
        assert "Support conversations" in profile.text and "closed, 2 messages in, 1 reply" in profile.text
        assert "5⭐" in profile.text
        report = await admin.send("/report today")
        assert "Support: 1 conversation" in report.text and "First reply: median" in report.text
        assert "Resolved: median" in report.text and "Rating: 5.0 of 5 (1 rated)" in report.text

        await alice.send("Hello again, one more question")  # reopens the same topic, a new conversation
        assert not topic.closed and len(shop.server.forums[SUPPORT]) == 1
        assert [c.status for c in await _conversations(shop)] == ["closed", "open"]


async def test_russian_customer_gets_russian_prompts_and_staff_reply(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        sent = await boris.send("Как оформить возврат?")
        assert "похоже на вопрос" in sent.last.text
        assert "Искать в каталоге" in sent.last.button_texts()[0]
        [topic] = shop.server.forums[SUPPORT].values()
        header = forum.topic(topic.thread_id)[0]
        assert "Language: ru" in header.text  # staff read the header in the shop's language
        member = await hire(shop, 77, "Sofia", "support")
        await forum.send(member, "Напишите /return", thread_id=topic.thread_id)
        assert boris.messages()[-1].text == "💬 Sofia\nНапишите /return"
        closed = await forum.send(member, "/close", thread_id=topic.thread_id)
        assert closed.last.text
        assert "Разговор закрыт" in boris.messages()[-1].text


async def test_without_a_forum_staff_answer_by_replying_in_the_staff_chat(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock) as shop:  # no SUPPORT_CHAT_ID: the staff chat, a plain group
        staff = SandboxGroup(shop.server, "Shop staff", chat_id=-100500)
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        carol = SandboxUser(shop.server, 503, "Carol")
        await carol.send("💬 Contact us")
        await carol.send_voice(b"OggS voice")
        header, voice = staff.server.chat_messages(-100500)[-2:]
        assert "Support conversation" in header.text and "Reply to this message" in header.text
        assert voice.kind == "voice" and voice.reply_to == header.message_id and voice.thread_id is None
        await carol.send_document(b"%PDF-1.4 receipt", "receipt.pdf", caption="my receipt")
        document = staff.server.chat_messages(-100500)[-1]
        assert (document.kind, document.text, document.reply_to) == ("document", "my receipt", header.message_id)
        await staff.send(admin, "Got it, calling you back", reply_to=voice)
        assert carol.messages()[-1].text == "💬 Ada\nGot it, calling you back"
        await staff.send(admin, "/close", reply_to=header)
        [conversation] = await _conversations(shop)
        assert (conversation.thread_id, conversation.status) == (None, "closed")


async def test_a_search_still_searches_and_offers_a_person(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        dave = SandboxUser(shop.server, 504, "Dave")
        found = await dave.send("heart")
        assert "found" in found.last.text and "Ask a person instead" in found.last.button_texts()[-1]
        assert await count(shop, m.SupportConversationRow) == 0
        asked = await dave.press(found.last, "Ask a person instead")
        assert asked.last.text == "✅ Sent. We will answer here; write more any time."
        assert await count(shop, m.SupportConversationRow) == 1
        again = await dave.send("heart")  # while the conversation is open, everything goes to support
        assert (
            again.last.text == "✅ Sent. We will answer here; write more any time."
            and "Search the catalog instead" in again.last.button_texts()[0]
        )
        searched = await dave.press(again.last, "Search the catalog instead")
        assert "found" in searched.last.text
        assert (await _conversations(shop))[0].messages_in == 2


SENT = {
    "en": "✅ Sent. We will answer here; write more any time.",
    "ru": "✅ Отправлено. Мы ответим здесь; пишите ещё, когда захотите.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_every_message_that_reaches_support_is_acknowledged_with_the_same_words(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        erin = SandboxUser(shop.server, 505, "Erin", language_code=language)
        await erin.send("/support")
        first = await erin.send("My parcel is late")
        photo = await erin.send_photo(b"\x89PNG box", caption="the box")
        document = await erin.send_document(b"%PDF-1.4 receipt", "receipt.pdf")
        text = await erin.send("and the label is torn")
        assert [r.last.text for r in (first, photo, document, text)] == [SENT[language]] * 4
        assert (await _conversations(shop))[0].messages_in == 4


async def test_hostile_and_long_staff_replies_are_escaped_and_split(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        eve = SandboxUser(shop.server, 505, "<script>" + "E" * 300)
        await eve.send("help me")
        [topic] = shop.server.forums[SUPPORT].values()
        assert len(topic.name) <= 128
        long = "<b>x</b> & " * 372  # 4,092 characters (Telegram's most); signed, over the limit
        before = len(eve.messages())
        await forum.send(admin, long, thread_id=topic.thread_id)
        parts = eve.messages()[before:]
        assert len(parts) >= 2 and all(len(p.text) <= 4096 for p in parts)  # Telegram's limit, after parsing
        assert parts[0].text == "💬 Ada" and " ".join(p.text for p in parts).count("<b>x</b>") == 372


async def test_people_without_the_support_role_cannot_answer_or_close(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        frank = SandboxUser(shop.server, 506, "Frank")
        await frank.send("where is my order?")
        [topic] = shop.server.forums[SUPPORT].values()
        picker = await hire(shop, 78, "Pete", "picker")
        before = len(frank.messages())
        refused = await forum.send(picker, "I can answer", thread_id=topic.thread_id)
        assert "does not allow" in refused.last.text and len(frank.messages()) == before
        refused = await forum.send(picker, "/close", thread_id=topic.thread_id)
        assert "does not allow" in refused.last.text
        assert [c.status for c in await _conversations(shop)] == ["open"]


async def test_a_staff_photo_reaches_the_customer_and_a_blocked_customer_is_reported(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'blocked.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        admin_ids=[ADMIN],
        support_chat_id=SUPPORT,
    ) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        gina = SandboxUser(shop.server, 507, "Gina")
        await gina.send("how do I measure the size?")
        [topic] = shop.server.forums[SUPPORT].values()
        await forum.send_photo(admin, b"\x89PNG chart", caption="see the <b>chart</b>", thread_id=topic.thread_id)
        photo = gina.messages()[-1]
        assert photo.kind == "photo" and photo.text == "💬 Ada\nsee the <b>chart</b>"
        gina.block_bot()
        told = await forum.send(admin, "Anything else?", thread_id=topic.thread_id)
        assert "blocked the bot" in told.last.text and told.last.thread_id == topic.thread_id
        assert [c.method for c in shop.server.calls if not c.ok] == ["sendMessage"]  # the one Telegram refused
        [conversation] = await _conversations(shop)
        assert conversation.messages_out == 1  # what did not arrive is not counted as a reply


async def test_a_shop_that_does_not_sign_replies_answers_unsigned_and_a_russian_customer_rates_the_conversation(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT, support_sign_replies=False) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        vera = SandboxUser(shop.server, 508, "Вера", language_code="ru")
        await vera.send("Когда придёт мой заказ?")
        [topic] = shop.server.forums[SUPPORT].values()
        await forum.send(admin, "Завтра утром", thread_id=topic.thread_id)
        assert vera.messages()[-1].text == "Завтра утром"  # no staff name: the shop answers as itself
        await forum.send(admin, "/close", thread_id=topic.thread_id)
        ask = vera.messages()[-1]
        assert "Разговор закрыт" in ask.text and "Как мы справились?" in ask.text
        rated = await vera.press(ask, "4⭐")
        assert rated.callback_answer and rated.callback_answer["text"] == "Спасибо за оценку!"
        [conversation] = await _conversations(shop)
        assert (conversation.status, conversation.rating, conversation.messages_out) == ("closed", 4, 1)


async def test_a_contact_button_forged_with_another_customers_order_does_not_tell_staff_it_came_from_that_order(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Callback data is the client's to write: Bob's "Contact us" rewritten to name Alice's order
    must not reach staff as "Came from order <Alice's>" (staff would take him for its customer)."""
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        alice, bob = SandboxUser(shop.server, 501, "Alice"), SandboxUser(shop.server, 502, "Bob")
        await add_to_cart(alice, "85123A")
        alices = order_code(await place_cod_order(alice))
        await add_to_cart(bob, "85123A")
        bobs = order_code(await place_cod_order(bob))
        card = await bob.send(f"/track {bobs}")
        await bob.press_data(card.last, ContactCb(code=alices).pack(), label="💬 Contact us")
        await bob.send("Please change the address of this order")
        [topic] = shop.server.forums[SUPPORT].values()
        header, _question = forum.topic(topic.thread_id)
        assert alices not in header.text and "Came from order" not in header.text
        assert f"Open orders: {bobs}" in header.text
        [conversation] = await _conversations(shop)
        assert conversation.order_code is None
        # His own order's button still says where he came from.
        await forum.send(SandboxUser(shop.server, ADMIN, "Ada"), "/close", thread_id=topic.thread_id)
        await bob.press(card.last, "Contact us")
        await bob.send("And this one?")
        assert [c.order_code for c in await _conversations(shop)] == [None, bobs]


async def test_a_contact_button_forged_with_another_customers_order_does_not_echo_its_code(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The prompt itself must not name another customer's order either (en/ru): the bot would
    write back whatever code the forged button carried, "about order <Alice's>"."""
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        alice = SandboxUser(shop.server, 501, "Alice")
        bob, vera = SandboxUser(shop.server, 502, "Bob"), SandboxUser(shop.server, 508, "Вера", language_code="ru")
        await add_to_cart(alice, "85123A")
        alices = order_code(await place_cod_order(alice))
        for customer, about, plain in (
            (bob, "about order", "💬 Write your message — text"),
            (vera, "о заказе", "💬 Напишите сообщение — текст"),
        ):
            await add_to_cart(customer, "85123A")
            own = order_code(await place_cod_order(customer))
            card = await customer.send(f"/track {own}")
            forged = await customer.press_data(card.last, ContactCb(code=alices).pack(), label="💬 Contact us")
            assert forged.callback_answer is not None
            assert alices not in forged.last.text and about not in forged.last.text
            assert forged.last.text.startswith(plain)
            await customer.send("/cancel")
            honest = await customer.press(card.last, "Contact us" if customer is bob else "Написать нам")
            assert f"{about} {own}" in honest.last.text


async def test_a_support_group_whose_topics_were_turned_off_still_gets_the_customers_question(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The bot asks once whether the support chat is a forum; an admin who turned its topics off later had every new
    question fail ("the chat is not a forum") until the bot was restarted: the question is posted in the group."""
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        await hire(shop, 77, "Sofia", "support")
        await SandboxUser(shop.server, 501, "Anna").send("Hello, my box arrived crushed")
        assert len(shop.server.forums[SUPPORT]) == 1

        del shop.server.forums[SUPPORT]  # Topics turned off in the group's settings
        await SandboxUser(shop.server, 502, "Boris").send("Where is my parcel?")
        relayed = [m for m in shop.server.chat_messages(SUPPORT) if m.text == "Where is my parcel?"]
        assert [m.thread_id for m in relayed] == [None]


OLD = {
    "en": {
        "contact": "Contact us",
        "write": "💬 Write your message about order {code}",
        "ask": "💬 Ask a person instead",
        "asked": "✅ Sent. We will answer here; write more any time.",
        "search": "🔎 Search the catalog instead",
        "found": "Search: heart",
    },
    "ru": {
        "contact": "Написать нам",
        "write": "💬 Напишите сообщение о заказе {code}",
        "ask": "💬 Спросить сотрудника",
        "asked": "✅ Отправлено. Мы ответим здесь; пишите ещё, когда захотите.",
        "search": "🔎 Искать в каталоге",
        "found": "Поиск: heart",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_support_buttons_pressed_on_messages_over_48_hours_old_go_on_in_new_messages(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: 💬 Contact us, Ask a person instead and Search the catalog
    instead did nothing (Contact us left the chat waiting for a message it never asked for)."""
    words = OLD[language]
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        erin = SandboxUser(shop.server, 505, "Erin", language_code=language)
        found = await erin.send("heart")
        asked = await erin.press(found.last, words["ask"], too_old=True)
        assert asked.new[-1].text.startswith(words["asked"]) and await count(shop, m.SupportConversationRow) == 1
        held = await erin.send("heart")  # the conversation is open: it goes to support, with a way to search
        searched = await erin.press(held.last, words["search"], too_old=True)
        assert searched.edited == [] and searched.new[-1].text.startswith(words["found"]), searched.messages

        frank = SandboxUser(shop.server, 506, "Frank", language_code=language)
        await add_to_cart(frank, "85123A")
        code = order_code(await place_cod_order(frank))
        card = await frank.send(f"/track {code}")
        prompt = await frank.press(card.last, words["contact"], too_old=True)
        assert prompt.new[-1].text.startswith(words["write"].format(code=code)), prompt.messages


@pytest.mark.parametrize(("language", "thanks"), [("en", "Thank you for your rating!"), ("ru", "Спасибо за оценку!")])
async def test_a_conversations_stars_pressed_on_an_old_message_are_thanked_in_the_chat(
    tmp_path: Path, clock: FakeClock, language: str, thanks: str
) -> None:
    """The rating was taken with a passing note only: the question days old cannot show the stars."""
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        olga = SandboxUser(shop.server, 509, "Olga", language_code=language)
        await olga.send("Where is my parcel?")
        [topic] = shop.server.forums[SUPPORT].values()
        await forum.send(SandboxUser(shop.server, ADMIN, "Ada"), "/close", thread_id=topic.thread_id)
        rated = await olga.press(olga.messages()[-1], "4⭐", too_old=True)
        assert rated.edited == [] and [said.text for said in rated.new] == [thanks + "\n\n⭐⭐⭐⭐"]
        assert [c.rating for c in await _conversations(shop)] == [4]
