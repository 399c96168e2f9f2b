"""A support agent at work through the sandbox: changing an order for a customer, answering
with photos and long texts within Telegram's limits, cancelling an order on their behalf."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.harness import RunningBot, running_bot
from sandbox import SandboxUser
from sandbox.driver import act
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls, staff_shop
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_books,
    order_code,
    order_of_invoice,
    order_row,
    payments,
    pdf_text,
    place_card_order,
    place_cod_order,
    stock,
    support_question,
)
from tests.fakes import FakeClock

SUPPORT = -1009000


async def _conversations(shop: RunningBot) -> list[m.SupportConversationRow]:
    async with shop.runtime.sessions() as session:
        rows = await session.scalars(select(m.SupportConversationRow).order_by(m.SupportConversationRow.id))
        return list(rows.all())


async def _boris_orders_cash_on_delivery(shop: RunningBot) -> tuple[SandboxUser, str]:
    """Борис (in Russian) orders one 85123A to his address, cash on delivery, his phone +44 7911 123456:
    him and the order's code."""
    boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A")
    return boris, order_code(await place_cod_order(boris))


async def test_an_address_changed_by_support_reads_one_change_a_line_for_staff_and_customer(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris, code = await _boris_orders_cash_on_delivery(shop)
        changed = await agent.send(f"/edit {code} elsewhere 10 Downing St <b>")
        assert changed.last.text.splitlines()[:3] == [
            f"✏️ Order {code} was changed by Sofia (staff).",
            "Delivery: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Shipping: £3.70 → £5.20",
        ]
        told = boris.messages()[-1].text.splitlines()  # the customer reads the same, in Russian
        assert told[1:3] == [
            "Получение: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Доставка: 3,70\xa0£ → 5,20\xa0£",
        ]


async def test_a_photo_answered_with_a_caption_at_telegrams_limit_reaches_the_customer_whole_and_signed(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        gina = SandboxUser(shop.server, 507, "Gina")
        forum, agent, topic = await support_question(shop, SUPPORT, gina, "how do I measure the size?")
        caption = "Measure <b>here</b> 📏 " + "x" * 998  # 1,024 characters shown: the most a caption takes
        answered = await forum.send_photo(agent, b"\x89PNG chart", caption=caption, thread_id=topic.thread_id)
        assert answered.messages == []  # nothing went wrong, nothing to tell staff
        signature, photo = gina.messages()[-2:]
        assert signature.text == "💬 Sofia" and (photo.kind, photo.text) == ("photo", caption)

        edited = caption[:-1] + "y"
        await forum.edit(forum.last_sent(), edited)
        assert gina.messages()[-1].text == edited and gina.messages()[-1].edits == 1  # whole, not cut short

        await forum.send_photo(agent, b"\x89PNG box", caption="The box", thread_id=topic.thread_id)
        assert gina.messages()[-1].text == "💬 Sofia\nThe box"  # a caption with room left is signed in it
        [conversation] = await _conversations(shop)
        assert conversation.messages_out == 2


async def test_a_staff_answer_edited_to_telegrams_limit_reaches_the_customer_whole(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        gina = SandboxUser(shop.server, 507, "Gina")
        forum, agent, topic = await support_question(shop, SUPPORT, gina, "how do I measure the size?")
        await forum.send(agent, "Short answer", thread_id=topic.thread_id)
        assert gina.messages()[-1].text == "💬 Sofia\nShort answer"
        longer = "Ж" * 4096
        await forum.edit(forum.last_sent(), longer)
        assert gina.messages()[-1].text == longer  # not cut off with "…" to make room for the name


async def test_support_cancels_a_card_order_for_its_customer_who_is_owed_goods_and_shipping_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        invoice = await place_card_order(boris, "85123A", pickup=False)  # by courier: £2.95 and £3.70 shipping
        code = order_of_invoice(invoice)
        await boris.pre_checkout(invoice)
        await boris.pay(invoice)
        assert await stock(shop, "85123A") == [("LON", 806, 1)]

        done = await agent.send(f"/cancelorder {code.lower()}")
        assert done.last.text == (
            f"✖ Order {code} is cancelled: its stock is back, and the customer is told.\n"
            "The customer is owed £6.65: it waits in /refunds until a manager pays it back."
        )
        assert (await order_row(shop, code)).status == "cancelled"
        assert await stock(shop, "85123A") == [("LON", 806, 0)]
        assert await payments(shop, code) == [("payment", 665), ("refund_owed", 665)]
        told = "\n".join(x.text for x in boris.messages()[-2:])
        assert "отменён" in told and "сотрудник" in told and "6,65\xa0£" in told
        assert "cancelled for the customer by staff member 77" in shop.server.chat_messages(-100500)[-1].text
        # The sale booked goods and shipping apart; the cancellation takes each back where it was.
        assert await order_books(shop, code) == {
            "1000 Cash": (665, 0),
            "4000 Sales": (0, 295),
            "4100 Shipping income": (370, 370),
            "4900 Sales returns": (295, 0),
            "2100 Refunds owed to customers": (0, 665),
        }

        again = await agent.send(f"/cancelorder {code}")
        assert again.last.text == f"Order {code} is already cancelled."
        assert await payments(shop, code) == [("payment", 665), ("refund_owed", 665)]


async def test_support_cancels_an_unpaid_invoice_by_a_credit_note_and_a_cash_order_books_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        agent = await hire(shop, 77, "Sofia", "support")
        corp = SandboxUser(shop.server, 700, "Corp", username="corp")
        await corp.send("/start")
        await admin.send("/customer @corp business on 30")
        await add_to_cart(corp, "85123A", 3)
        reply = await checkout_to_payment(corp, location=False)
        reply = await corp.press(reply.last, "🧾")
        invoiced = order_code(await corp.press(reply.last, "✅"))  # £8.85 and £5.90 shipping, invoiced

        done = await agent.send(f"/cancelorder {invoiced}")
        assert done.last.text == f"✖ Order {invoiced} is cancelled: its stock is back, and the customer is told."
        assert await order_books(shop, invoiced) == {
            "1100 Accounts receivable": (1475, 1475),
            "4000 Sales": (0, 885),
            "4100 Shipping income": (590, 590),
            "4900 Sales returns": (885, 0),
        }
        assert "unpaid £0.00" in (await admin.send("/customer @corp")).last.text

        alice = SandboxUser(shop.server, 501, "Alice")
        await add_to_cart(alice, "85123A")
        cash = order_code(await place_cod_order(alice))
        done = await agent.send(f"/cancelorder {cash}")
        assert done.last.text == f"✖ Order {cash} is cancelled: its stock is back, and the customer is told."
        assert await order_books(shop, cash) == {} and await payments(shop, cash) == []
        assert "cancelled" in alice.messages()[-1].text and "by staff" in alice.messages()[-1].text


async def test_an_order_being_picked_cannot_be_cancelled_by_support_and_other_roles_cannot_cancel(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        picker = await hire(shop, 78, "Pete", "picker", "LON")
        alice = SandboxUser(shop.server, 501, "Alice")
        await add_to_cart(alice, "85123A")
        code = order_code(await place_cod_order(alice))
        refused = await picker.send(f"/cancelorder {code}")
        assert refused.last.text == "Your role (picker) does not allow this."
        assert (await agent.send("/cancelorder")).last.text.startswith("Usage: /cancelorder ORDER-CODE")
        assert (await agent.send("/cancelorder NOSUCH99")).last.text == "Nothing was found."
        await picker.send("/pick")
        await picker.press(picker.messages()[-1], picker.messages()[-1].button_texts()[0])
        assert (await order_row(shop, code)).status == "picking"
        late = await agent.send(f"/cancelorder {code}")
        assert late.last.text == (
            f"Order {code} is being picked: only a manager can cancel it now "
            "(its picker is then told what to put back)."
        )
        assert (await order_row(shop, code)).status == "picking"


async def test_support_send_a_customer_their_receipt_again_in_the_customers_language(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'receipts.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
    ) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        picker = await hire(shop, 78, "Pete", "picker", "LON")
        boris, code = await _boris_orders_cash_on_delivery(shop)
        screen = await picker.send(f"/order {code}")
        assert "📤 Send the receipt to the customer" not in screen.last.button_texts()
        forged = await picker.press_data(screen.last, f"srcp:{code}")
        assert forged.callback_answer and forged.callback_answer["text"] == "Your role (picker) does not allow this."

        screen = await agent.send(f"/order {code}")
        before = len(boris.messages())
        sent = await agent.press(screen.last, "📤 Send the receipt to the customer")
        assert (
            sent.callback_answer
            and sent.callback_answer["text"] == f"🧾 Receipt for order {code} sent to the customer."
        )
        [receipt] = boris.messages()[before:]
        assert receipt.kind == "document" and receipt.file is not None
        assert receipt.file.file_name == f"receipt-{code}.pdf"
        assert f"Чек — заказ {code}" in pdf_text(receipt.file.content)  # Boris reads Russian, Sofia English

        boris.block_bot()
        blocked = await agent.press(screen.last, "📤 Send the receipt to the customer")
        assert blocked.callback_answer and "blocked the bot" in blocked.callback_answer["text"]
        assert refused_calls(shop) == [("sendDocument", "Forbidden: bot was blocked by the user")]


async def test_a_rating_tapped_again_from_an_old_copy_of_the_buttons_shows_the_stars_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        anna = SandboxUser(shop.server, 503, "Anna")
        forum, agent, topic = await support_question(shop, SUPPORT, anna, "hello, a question about sizes")
        await forum.send(agent, "Size M fits", thread_id=topic.thread_id)
        await forum.send(agent, "/close", thread_id=topic.thread_id)
        ask = anna.messages()[-1]
        asked = ask.text
        assert ask.reply_markup is not None
        one_star = next(
            b["callback_data"] for row in ask.reply_markup["inline_keyboard"] for b in row if b["text"] == "1⭐"
        )
        await anna.press(ask, "5⭐")
        assert anna.messages()[-1].text == asked + "\n\n⭐⭐⭐⭐⭐"
        again = await anna.press_data(ask, one_star)  # a second tap: the last one counts, shown once
        assert again.callback_answer and again.callback_answer["text"] == "Thank you for your rating!"
        assert anna.messages()[-1].text == asked + "\n\n⭐"
        [conversation] = await _conversations(shop)
        assert conversation.rating == 1


async def test_close_outside_a_customers_topic_says_where_it_works(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        anna = SandboxUser(shop.server, 503, "Anna")
        forum, agent, _ = await support_question(shop, SUPPORT, anna, "hello, a question about sizes")
        told = await forum.send(agent, "/close")  # in the forum's General topic, no customer's
        assert told.last.text == (
            "/close works in the support chat: in the customer's topic, or as a reply to their message."
        )
        assert [c.status for c in await _conversations(shop)] == ["open"]


async def test_support_find_a_customer_by_email_or_phone_and_order_for_a_caller_by_their_number(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        _, code = await _boris_orders_cash_on_delivery(shop)  # his phone: +44 7911 123456
        async with shop.runtime.sessions() as session, session.begin():
            row = await session.scalar(select(m.CustomerRow).where(m.CustomerRow.telegram_id == 502))
            assert row is not None
            row.email = "Boris@Example.com"
        for reference in ("boris@example.com", "+44 7911 123456", "502"):
            found = await agent.send(f"/customer {reference}")
            assert found.last.text.startswith("Борис") and code in found.last.text, reference
        assert (await agent.send("/customer nobody@example.com")).last.text == "Nothing was found."

        acting = await agent.send("/assist +44 7911 123456")  # a customer on the phone
        assert acting.last.text.startswith("You are now ordering for Борис.")
        await agent.send("/assist_end")
        acting = await agent.send("/assist BORIS@example.com")
        assert acting.last.text.startswith("You are now ordering for Борис.")


async def test_a_paid_order_lowered_by_an_edit_then_cancelled_owes_back_what_was_paid_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        invoice = await place_card_order(boris, "85123A", 2)  # a pickup: £5.90, no shipping
        code = order_of_invoice(invoice)
        await boris.pre_checkout(invoice)
        await boris.pay(invoice)
        await agent.send(f"/edit {code} 85123A 1")  # one fewer: £2.95 owed back
        assert await payments(shop, code) == [("payment", 590), ("refund_owed", 295)]

        done = await agent.send(f"/cancelorder {code}")
        assert "The customer is owed £2.95" in done.last.text  # the rest of what was paid, not £5.90 again
        assert await payments(shop, code) == [("payment", 590), ("refund_owed", 295), ("refund_owed", 295)]
        books = await order_books(shop, code)
        assert books["2100 Refunds owed to customers"] == (0, 590) and books["1000 Cash"] == (590, 0)


async def test_a_cash_order_whose_waiting_part_was_dropped_then_cancelled_books_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        manager = await hire(shop, 78, "Mia", "manager")
        await manager.send("/backorder 85123A on")
        carol = SandboxUser(shop.server, 95, "Carol")
        available = sum(on_hand - reserved for _, on_hand, reserved in await stock(shop, "85123A"))
        await add_to_cart(carol, "85123A", available + 3)
        code = order_code(await place_cod_order(carol, pickup=True))
        waiting = await carol.press((await carol.send(f"/track {code}")).last, "⏳ Waiting for stock")
        asked = await carol.press(waiting.last, "✖ Cancel 3 ×")
        await carol.press(asked.last, "Yes, I no longer want it")  # the part dropped: no cash was taken for it

        done = await agent.send(f"/cancelorder {code}")
        assert done.last.text == f"✖ Order {code} is cancelled: its stock is back, and the customer is told."
        # Nothing collected, nothing owed.
        assert await order_books(shop, code) == {} and await payments(shop, code) == []
        assert all(reserved == 0 for _, _, reserved in await stock(shop, "85123A"))


async def test_a_sticker_either_way_is_said_not_to_reach_the_other_side(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        anna = SandboxUser(shop.server, 503, "Anna")
        forum, agent, topic = await support_question(shop, SUPPORT, anna, "hello, a question about sizes")
        before = len(forum.topic(topic.thread_id))
        told = await anna.send_sticker()
        assert told.last.text == (
            "This kind of message does not reach the shop. Please write text, or send a photo, "
            "a file or a voice message."
        )  # not "type what you are looking for to search": she is talking to the shop
        assert len(forum.topic(topic.thread_id)) == before

        sticker = {"file_id": "S1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512}
        sent = forum._message(
            agent, topic.thread_id, None, sticker={**sticker, "is_animated": False, "is_video": False}
        )
        warned = await act(shop.server, forum.id, "message", sent, lambda _message: None)
        assert warned.last.text == (
            "⚠️ Only text, photos, files and voice messages reach the customer: they did not get this."
        )
        assert anna.messages()[-1].text == told.last.text  # nothing reached her
        [conversation] = await _conversations(shop)
        assert (conversation.messages_in, conversation.messages_out) == (1, 0)
