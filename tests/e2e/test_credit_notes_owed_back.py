"""Money owed back with no reason typed — a paid order cancelled, an edit that lowers it, a short pick's
part, an exchange's difference — gets its credit note as a goodwill refund's does: the next number of the
shop's sequence, a PDF naming the number, the amount and why (in the reader's language), its button on the
message the customer gets, and /receipt sends it after the receipt. Nothing paid, nothing credited.

Demo data used: 85123A at £2.95 (£4.80 with courier to 221B Baker Street, two: £9.60)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.returns import ReturnKind
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.books_month_end import books_shop
from tests.e2e.books_reconcile import paid_by_card
from tests.e2e.credit_notes import credit_notes, pressed, receipt_files
from tests.e2e.exchange_refunds import lines_of, shoes_on_sale, through
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_code,
    order_of_invoice,
    place_card_order,
    place_cod_order,
    scalar,
    status,
)
from tests.e2e.parcels import hire_in
from tests.e2e.returns import delivered
from tests.e2e.short_picks import SKU, _short_pick
from tests.e2e.short_picks import WORDS as SHORT
from tests.e2e.split_shipments import shelf_says
from tests.e2e.variants import exchange, tshirts
from tests.fakes import FakeClock

CANCEL = {"en": ("Cancel order", "Yes, cancel it"), "ru": ("Отменить заказ", "Да, отменить")}
WORDS = {
    "en": {
        "button": "📄 Credit note CN-00000{n} (PDF)",
        "title": "Credit note CN-00000{n}",
        "credited": "Credited: £{amount}",
        "reason": "Reason: {reason}",
        "cancelled": "order cancelled",
    },
    "ru": {
        "button": "📄 Кредит-нота CN-00000{n} (PDF)",
        "title": "Кредит-нота CN-00000{n}",
        "credited": "Сумма кредит-ноты: {amount} £",
        "reason": "Причина: {reason}",
        "cancelled": "заказ отменён",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_paid_order_cancelled_comes_with_a_credit_note_of_what_was_paid(
    paying_shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    bob = SandboxUser(paying_shop.server, 705, "Bob", language_code=language)
    invoice = await place_card_order(bob, "85123A", 2, pickup=False)
    code = order_of_invoice(invoice)
    await bob.pay(invoice)
    asked = await bob.press((await bob.send(f"/track {code}")).last, CANCEL[language][0])
    await bob.press(asked.last, CANCEL[language][1])
    await paying_shop.runtime.notifier.drain()
    told = bob.messages()[-1]
    assert told.text.startswith("💸") and told.button_texts() == [words["button"].format(n=1)], told.button_texts()
    document = await pressed(bob, told, words["button"].format(n=1))
    amount = "9.60" if language == "en" else "9,60"
    for expected in (
        words["title"].format(n=1),
        words["credited"].format(amount=amount),
        words["reason"].format(reason=words["cancelled"]),
    ):
        assert expected in document, document
    assert await credit_notes(paying_shop) == [(1, 960, "order cancelled")]
    assert await receipt_files(bob, code) == [f"receipt-{code}.pdf", "credit-note-CN-000001.pdf"]


async def test_a_cash_order_cancelled_before_it_was_paid_credits_nothing(paying_shop: RunningBot) -> None:
    """Cash is paid on delivery: cancelled before, nothing was paid, so no credit note and no button."""
    carol = SandboxUser(paying_shop.server, 706, "Carol")
    await add_to_cart(carol, "85123A", 2)
    code = order_code(await place_cod_order(carol))
    asked = await carol.press((await carol.send(f"/track {code}")).last, "Cancel order")
    await carol.press(asked.last, "Yes, cancel it")
    await paying_shop.runtime.notifier.drain()
    assert await status(paying_shop, code) == "cancelled"
    assert await credit_notes(paying_shop) == []
    assert not any("Credit note" in text for msg in carol.messages() for text in msg.button_texts())
    assert await receipt_files(carol, code) == [f"receipt-{code}.pdf"]


async def test_a_staff_edit_that_lowers_a_paid_order_comes_with_a_credit_note_of_what_is_owed(
    paying_shop: RunningBot,
) -> None:
    cleo, code = await paid_by_card(paying_shop, 861, 3)  # 3 × £2.95, picked up
    manager = await hire_in(paying_shop, 863, "Mo", "manager", "en")
    await manager.send(f"/edit {code} 85123A 1")  # £5.90 less
    await paying_shop.runtime.notifier.drain()
    told = paying_shop.server.chat_messages(cleo.id)[-1]
    assert "We owe you £5.90" in told.text and told.button_texts() == ["📄 Credit note CN-000001 (PDF)"], told
    document = await pressed(cleo, told, "📄 Credit note CN-000001 (PDF)")
    assert all(f in document for f in ("Credit note CN-000001", "Credited: £5.90", "Reason: order changed")), document
    assert await credit_notes(paying_shop) == [(1, 590, "order changed")]
    assert await receipt_files(cleo, code) == [f"receipt-{code}.pdf", "credit-note-CN-000001.pdf"]


async def test_a_customer_lowering_their_paid_order_gets_the_credit_note_on_the_reply(
    paying_shop: RunningBot,
) -> None:
    """Their own edit is answered in the chat, not through the outbox: the button comes on that reply."""
    boris = SandboxUser(paying_shop.server, 702, "Борис", language_code="ru")
    invoice = await place_card_order(boris, "85123A", 2)
    await boris.pay(invoice, charge_id="tg-first")
    code = order_of_invoice(invoice)
    screen = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    fewer = await boris.press(screen.last, "➖ Белый подвесной подсвеч…")  # the demo's name_ru, cut to fit
    told = fewer.new[-1]
    assert "Мы должны вам 2,95\xa0£" in told.text and told.button_texts() == [WORDS["ru"]["button"].format(n=1)]
    document = await pressed(boris, told, WORDS["ru"]["button"].format(n=1))
    assert "Сумма кредит-ноты: 2,95 £" in document and "Причина: заказ изменён" in document, document
    assert await credit_notes(paying_shop) == [(1, 295, "order changed")]


async def test_a_short_picks_part_cancelled_comes_with_a_credit_note_naming_the_stock_shortage(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    await shelf_says(shop, 4)  # the books say 4; the shelf holds 1
    nina = SandboxUser(shop.server, 181, "Nina", language_code="ru")
    await add_to_cart(nina, SKU, 4)
    reply = await checkout_to_payment(nina, pickup=True)
    reply = await nina.press(reply.last, "💳")
    invoice = next(msg for msg in (await nina.press(reply.last, "✅")).new if msg.kind == "invoice")
    await nina.pay(invoice, charge_id="tg-short-cn")
    code = order_of_invoice(invoice)
    await _short_pick(shop, await hire_in(shop, 182, "Pia", "picker", "en"), found=1)
    asked = next(msg for msg in reversed(shop.server.chat_messages(181)) if SHORT["ru"]["asked"] in msg.text)
    await nina.press(asked, SHORT["ru"]["cancel"])
    await shop.runtime.notifier.drain()
    unit = await scalar(shop, select(m.OrderLineRow.unit_price_minor).where(m.OrderLineRow.sku == SKU))
    told = next(msg for msg in reversed(shop.server.chat_messages(181)) if SHORT["ru"]["refund"] in msg.text)
    assert told.button_texts() == [WORDS["ru"]["button"].format(n=1)], told
    document = await pressed(nina, told, WORDS["ru"]["button"].format(n=1))
    amount = f"{3 * unit // 100},{3 * unit % 100:02d}"
    for expected in ("Кредит-нота CN-000001", f"Сумма кредит-ноты: {amount} £", "Причина: товара нет в наличии"):
        assert expected in document, document
    assert await credit_notes(shop) == [(1, 3 * unit, "item out of stock")]
    assert await receipt_files(nina, code) == [f"receipt-{code}.pdf", "credit-note-CN-000001.pdf"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_swap_to_a_cheaper_size_comes_with_a_credit_note_of_the_difference(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await tshirts(shop)
    code = await delivered(shop, 952, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 952, "Eli", language_code=language)
    await exchange(customer, shop, code, "TEE-L-NVY", "M / Navy", language)
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(952)[-1]
    assert told.button_texts() == [words["button"].format(n=1)], told
    document = await pressed(customer, told, words["button"].format(n=1))
    amount = "1.00" if language == "en" else "1,00"
    reason = "exchange difference" if language == "en" else "разница при обмене"
    for expected in (words["credited"].format(amount=amount), words["reason"].format(reason=reason)):
        assert expected in document, document
    assert await credit_notes(shop) == [(1, 100, "exchange difference")]
    assert await receipt_files(customer, code) == [f"receipt-{code}.pdf", "credit-note-CN-000001.pdf"]


async def test_a_replacement_cancelled_comes_with_a_credit_note_on_the_order_its_units_were_paid_on(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 983, {"SHOE-L": 2, "SHOE-M": 1})  # 2 × £15.00 and £12.00
    ordered = await lines_of(shop, code)
    large, medium = ordered["SHOE-L"][0], ordered["SHOE-M"][0]
    rma = await through(shop, 983, code, ReturnKind.EXCHANGE, {large: None, medium: "SHOE-XL"})
    made = select(m.OrderRow.code).join(m.ReturnRow, m.ReturnRow.replacement_order_id == m.OrderRow.id)
    replacement = str(await scalar(shop, made.where(m.ReturnRow.rma_code == rma)))
    customer = SandboxUser(shop.server, 983, "C983")
    await shop.runtime.notifier.drain()  # the exchange's news first: /track's screen is the last message
    asked = await customer.press((await customer.send(f"/track {replacement}")).last, "Cancel order")
    await customer.press(asked.last, "Yes, cancel it")
    await shop.runtime.notifier.drain()
    told = next(msg for msg in reversed(customer.messages()) if msg.text.startswith("💸"))
    assert told.button_texts() == ["📄 Credit note CN-000001 (PDF)"], told
    document = await pressed(customer, told, "📄 Credit note CN-000001 (PDF)")
    for expected in (f"Corrects receipt {code}", "Credited: £27.00", "Reason: exchange difference"):
        assert expected in document, document
    assert await credit_notes(shop) == [(1, 2700, "exchange difference")]
    assert await receipt_files(customer, code) == [f"receipt-{code}.pdf", "credit-note-CN-000001.pdf"]


@pytest.fixture
async def card_shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A shop taking cards, on each engine: the sequence is a row both keep."""
    async with books_shop(database_url, clock, payment_provider_token="sandbox:provider") as running:
        yield running


async def test_credit_notes_of_every_kind_share_one_gapless_sequence(card_shop: RunningBot) -> None:
    shop = card_shop
    manager = await hire_in(shop, 873, "Mo", "manager", "en")
    cleo, first = await paid_by_card(shop, 871, 3)  # 3 × £2.95
    dan, second = await paid_by_card(shop, 872, 2)  # 2 × £2.95
    await manager.send(f"/refund {first} 0.50 late delivery")  # CN-000001, goodwill
    await manager.send(f"/edit {second} 85123A 1")  # CN-000002, £2.95 owed back
    carol = SandboxUser(shop.server, 874, "Carol")
    await add_to_cart(carol, "85123A", 1)
    cash = order_code(await place_cod_order(carol))
    await manager.send(f"/cancelorder {cash}")  # nothing was paid: no number taken
    await manager.send(f"/cancelorder {second}")  # CN-000003, the £2.95 left
    await manager.send(f"/edit {first} 85123A 2")  # CN-000004, £2.95 less
    assert await status(shop, cash) == "cancelled" and await status(shop, second) == "cancelled"
    assert await credit_notes(shop) == [
        (1, 50, "late delivery"),
        (2, 295, "order changed"),
        (3, 295, "order cancelled"),
        (4, 295, "order changed"),
    ]
    await shop.runtime.notifier.drain()
    assert await receipt_files(dan, second) == [
        f"receipt-{second}.pdf",
        "credit-note-CN-000002.pdf",
        "credit-note-CN-000003.pdf",
    ]
    assert await receipt_files(cleo, first) == [
        f"receipt-{first}.pdf",
        "credit-note-CN-000001.pdf",
        "credit-note-CN-000004.pdf",
    ]


ADDRESS = {"en": ("✏️ Edit", "📍 Change address"), "ru": ("✏️ Изменить", "📍 Изменить адрес")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_moving_their_paid_order_nearer_gets_the_credit_note_after_the_keyboard_is_taken_away(
    paying_shop: RunningBot, language: str
) -> None:
    """The reply takes away the location question's keyboard, so it cannot carry the note's
    button: a message of its own right after it does."""
    button = WORDS[language]["button"].format(n=1)
    rosa = SandboxUser(paying_shop.server, 706, "Rosa", language_code=language)
    await add_to_cart(rosa, "85123A")
    reply = await checkout_to_payment(rosa, location=False)  # no location: the national rate, £5.20
    reply = await rosa.press(reply.last, "💳")
    placed = await rosa.press(reply.last, "✅")
    invoice = next(msg for msg in placed.new if msg.kind == "invoice")
    await rosa.pay(invoice, charge_id=f"tg-move-{language}")
    code = order_of_invoice(invoice)
    edit, change = ADDRESS[language]
    screen = await rosa.press((await rosa.send(f"/track {code}")).last, edit)
    await rosa.press(screen.last, change)
    await rosa.send("221B Baker Street, London NW1 6XE")
    moved = await rosa.send_location(51.5237, -0.1585)  # central London: £3.70
    assert await credit_notes(paying_shop) == [(1, 150, "order changed")]
    said, note = moved.new[-2], moved.new[-1]
    assert said.reply_markup is not None and said.reply_markup.get("remove_keyboard"), said
    assert note.button_texts() == [button], note
    document = await pressed(rosa, note, button)
    assert WORDS[language]["credited"].format(amount="1.50" if language == "en" else "1,50") in document
