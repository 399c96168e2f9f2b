"""Every input gets a reply Telegram accepts: typed values escaped and shortened, long stored
text shown within the limits, a repeated screen no error, every button press answered, and
a hint where text or media is not what the step wants. The fixtures fail on any refused call."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from bot.harness import RunningBot
from handlers.views.outgoing import MAX_CAPTION, MAX_TEXT
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, stock

LONG = "x" * 4096
NOT_MODIFIED_ANSWER = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
STAFF_TYPOS = (
    "/receive 85123A 1 LON {}",
    "/move 85123A 1 {} A-01-01-1 LON",
    "/fx {}",
    "/fx RUB {}",
    "/invite {}",
)


async def test_an_error_reply_shows_the_typed_value_escaped(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    for command in STAFF_TYPOS:
        reply = await admin.send(command.format("<b>"))
        assert "<b>" in reply.text, command  # shown as typed, not taken for markup


async def test_an_error_reply_shortens_a_long_typed_value(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    for command in STAFF_TYPOS:
        reply = await admin.send(command.format(LONG))
        assert "x" * 40 + "…" in reply.text and len(reply.text) < 400, command


async def test_a_phone_typed_at_checkout_is_answered_whatever_it_is(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 701, "Alice")
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    for typed in ("<script>", "</i>", "9" * 4000):
        reply = await alice.send(typed)
        assert "does not look like a phone number" in reply.text, typed
    assert "<script>" in (await alice.send("<script>")).text


async def test_free_text_past_its_limit_is_refused_with_the_limit_said(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    before = await stock(shop, "85123A")
    reply = await admin.send("/adjust 85123A LON +1 " + "y" * 4096)
    assert reply.last.text == "That is too long: 4096 characters, at most 200 please."
    assert await stock(shop, "85123A") == before
    assert "Latest movements" in (await admin.send("/stock 85123A")).text


async def test_an_address_or_gift_message_past_its_limit_is_refused_and_can_be_typed_again(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 710, "Alice")
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    delivery = await alice.share_contact("+44 7911 123456")
    await alice.press(delivery.last, "🚚")
    assert (await alice.send("Baker Street " * 50)).last.text == "That is too long: 649 characters, at most 500 please."
    located = await alice.send("221B Baker Street, London NW1 6XE")
    shipping = await alice.send("Skip") if "location" in located.last.text else located
    payment = await alice.press(shipping.last, shipping.last.button_texts()[0])
    review = await alice.press(payment.last, "💵")
    await alice.press(review.last, "🎁")
    assert (await alice.send("♥" * 201)).last.text == "That is too long: 201 characters, at most 200 please."
    review = await alice.send("Happy birthday <3")
    assert "Card: “Happy birthday <3”" in review.last.text and "221B Baker Street" in review.last.text


async def test_long_stored_text_still_shows_shortened(shop: RunningBot) -> None:
    """Text stored before the limits (or by another channel) cannot break a screen."""
    async with shop.runtime.sessions() as session:
        product_id = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "85123A"))
        warehouse_id = await session.scalar(select(m.WarehouseRow.id).where(m.WarehouseRow.code == "LON"))
        moved = {"product_id": product_id, "warehouse_id": warehouse_id, "delta": 1, "actor": "staff:1"}
        await session.execute(
            insert(m.InventoryMovementRow),
            [{**moved, "reason": "<b>" + "z" * 5000, "at": datetime(2030, 1, 1, tzinfo=UTC)} for _ in range(3)],
        )
        await session.commit()
    reply = await SandboxUser(shop.server, ADMIN, "Ada").send("/stock 85123A")
    assert "· <b>" + "z" * 76 + "… · Ada" in reply.text and len(reply.text) <= MAX_TEXT  # the actor by name


async def test_a_message_too_long_for_telegram_goes_in_pieces_at_line_breaks(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 702, "Alice")
    lines = "\n".join(f"line {n} <b>&amp;</b>" for n in range(1500))  # ~17,000 characters shown
    await running.runtime.bot.send_message(alice.id, f"<i>{lines}</i>")
    pieces = alice.messages()
    assert len(pieces) == 5 and all(len(p.text) <= MAX_TEXT for p in pieces)
    assert "\n".join(p.text for p in pieces) == lines.replace("<b>&amp;</b>", "&")
    assert all(p.html and p.html.startswith("<i>") and p.html.endswith("</i>") for p in pieces)


async def test_an_edit_or_a_caption_too_long_is_shortened(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 703, "Alice")
    sent = await running.runtime.bot.send_message(alice.id, "short")
    await running.runtime.bot.edit_message_text(
        "<b>" + "w " * 3000 + "</b>", chat_id=alice.id, message_id=sent.message_id
    )
    edited = alice.messages()[-1]
    assert len(edited.text) <= MAX_TEXT and edited.text.endswith("w…")
    await running.runtime.bot.send_photo(alice.id, "https://example.com/p.jpg", caption="c" * 2000)
    assert len(alice.messages()[-1].text) == MAX_CAPTION and alice.messages()[-1].text.endswith("…")


async def test_a_button_pressed_again_on_its_own_screen_is_quietly_answered(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 704, "Alice")
    categories = await alice.send("/catalog")
    first = categories.last.buttons()[0]["callback_data"]
    page = await alice.press_data(categories.last, first)
    again = await alice.press_data(page.last, first)  # a double tap: the screen already shows it
    assert again.callback_answer == {"text": None, "show_alert": None} and again.messages == []
    assert [c.description for c in running.server.calls if not c.ok] == [NOT_MODIFIED_ANSWER]  # as Telegram answers


async def test_my_orders_pressed_on_the_list_is_quietly_answered(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 705, "Alice")
    orders = await alice.send("/orders")
    again = await alice.press_data(orders.last, "ol:0")
    assert again.callback_answer == {"text": None, "show_alert": None} and again.new == []


async def test_a_press_no_handler_takes_is_answered_out_of_date(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 706, "Alice")
    card = await alice.send("/start p_85123A")
    for data in ("pv:nan:-1:-1", "\x00\uffff€ random", "zz", "cq:1:2"):
        reply = await alice.press_data(card.last, data)
        assert reply.callback_answer == {
            "text": "This button is out of date. Please open the menu again.",
            "show_alert": None,
        }


async def test_an_old_checkout_button_is_answered_out_of_date(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 707, "Alice")
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    delivery = await alice.share_contact("+44 7911 123456")
    pickup = await alice.press(delivery.last, "🏬")
    payment = await alice.press(pickup.last, pickup.last.button_texts()[0])
    assert payment.last.text.startswith("Step 4 of 5")
    old = await alice.press_data(delivery.last, "cd:courier")
    assert old.callback_answer is not None and "out of date" in old.callback_answer["text"]


async def test_text_typed_at_a_button_step_gets_a_hint(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 708, "Alice")
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    await alice.share_contact("+44 7911 123456")
    assert (await alice.send("courier please")).last.text == "Please use the buttons above, or /cancel to stop."
    reply = await alice.send("/cancel")
    assert reply.last.text.startswith("Checkout cancelled")


async def test_media_outside_a_conversation_gets_a_short_answer_and_text_still_searches(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 709, "Alice")
    for reply in (
        await alice.share_contact("+44 7911 123456"),
        await alice.send_location(51.5, -0.1),
        await alice.send_sticker(),
    ):
        assert reply.last.text == "I cannot use this here. Type what you are looking for to search, or /help."
    for reply in (  # what is meant for the shop: how to send it there (the shop has a support chat)
        await alice.send_photo(b"\xff\xd8 not really a photo"),
        await alice.send_document(b"%PDF-1.4", "invoice.pdf"),
    ):
        assert reply.last.text == "To send this to the shop, press 💬 Contact us first, then send it again."
    assert "found" in (await alice.send("heart")).last.text


async def test_forged_button_data_and_huge_numbers_are_answered_not_crashed_on(
    shop: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the fuzz: a choice outside its codes, a number past any database column."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    menu = await admin.send("/pick")
    for data in ("ps:nan", "ps:single:<b>", "pv:99999999999999999999:0:0", "cm:-1", "rr:x", "cq:1:0:1:grid"):
        assert (await admin.press_data(menu.last, data)).callback_answer is not None, data
    for command in ("/po 99999999999999999999", "/assist 99999999999999999999", "/revoke 99999999999999999999"):
        assert (await admin.send(command)).messages, command
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
