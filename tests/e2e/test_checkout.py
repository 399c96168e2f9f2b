"""The customer journey end to end: cart → checkout → payment → tracking → cancel.

Demo data used: 85123A "White Hanging Heart T-Light Holder" £2.95, 806 in LON;
84077 "World War 2 Gliders" £0.29, only 3 in MAN (a pickup point); 85099B has no stock.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot, running_bot
from domain.usecases.imports.stock import import_stock
from handlers.callbacks import PaymentChoice
from sandbox import SandboxUser
from sandbox.limits import bad_request
from storage import models as m
from tests.e2e.journeys import (
    add_to_cart,
    business_customer,
    checkout_to_payment,
    count,
    order_code,
    place_cod_order,
    place_invoice_order,
    scalar,
    stock,
)
from tests.fakes import FakeClock


async def order_row(running: RunningBot, code: str) -> m.OrderRow:
    row = await scalar(running, select(m.OrderRow).where(m.OrderRow.code == code))
    assert isinstance(row, m.OrderRow)
    return row


async def history(running: RunningBot, code: str) -> list[str]:
    async with running.runtime.sessions() as session:
        rows = await session.scalars(
            select(m.OrderHistoryRow.to_status)
            .join(m.OrderRow, m.OrderRow.id == m.OrderHistoryRow.order_id)
            .where(m.OrderRow.code == code)
            .order_by(m.OrderHistoryRow.id)
        )
        return list(rows)


async def test_cash_on_delivery_courier_order_end_to_end(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 601, "Alice")
    card = await alice.send("/start p_85123A")
    added = await alice.press(card.last, "Add to cart")
    assert "In your cart: 1" in added.last.text and added.callback_answer is not None
    await alice.press(added.last, "➕")
    assert await stock(running, "85123A") == [("LON", 806, 2)]  # held for her
    cart = await alice.send("/cart")
    assert "× 2 — £5.90" in cart.last.text and "held for you until" in cart.last.text

    reply = await checkout_to_payment(alice)
    assert reply.last.text.startswith("Step 4 of 5")
    assert "Invoice" not in " ".join(reply.last.button_texts())  # not a business buyer
    reply = await alice.press(reply.last, "Cash on delivery")
    review = reply.last.text
    assert "Royal Mail Tracked 48 — £3.70" in review and "Total: £9.60" in review  # local zone, 1 kg started
    placed = await alice.press(reply.last, "Confirm order")
    code = order_code(placed)
    assert "Total: £9.60" in placed.last.text and "Expected delivery" in placed.last.text

    order = await order_row(running, code)
    assert (order.status, order.total_minor, order.shipping_minor, order.currency) == ("allocated", 960, 370, "GBP")
    assert (order.payment_method, order.delivery_method, order.channel) == ("cod", "courier", "telegram")
    assert order.routing.startswith('["LON"')
    assert await history(running, code) == ["placed", "allocated"]
    assert await stock(running, "85123A") == [("LON", 806, 2)]  # the holds became the allocation
    assert await count(running, m.CartLineRow) == 0
    customer = await scalar(running, select(m.CustomerRow).where(m.CustomerRow.telegram_id == 601))
    assert customer is not None and customer.phone == "+447911123456"
    assert await count(running, m.AddressRow) == 1

    tracked = await alice.send(f"/track {code.lower()}")
    assert f"Order {code}" in tracked.last.text and "Timeline" in tracked.last.text


async def test_card_payment_is_checked_then_recorded_once(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 602, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A", 3)
    reply = await checkout_to_payment(boris, pickup=True)
    assert reply.last.text.startswith("Шаг 4 из 5")
    reply = await boris.press(reply.last, "картой")
    assert "Самовывоз: Manchester store — бесплатно" in reply.last.text
    placed = await boris.press(reply.last, "Подтвердить")
    invoice = next(m for m in placed.new if m.kind == "invoice")
    assert (
        invoice.invoice is not None and invoice.invoice["total_amount"] == 885 and invoice.invoice["currency"] == "GBP"
    )
    code = order_code(placed)
    assert (await order_row(running, code)).status == "awaiting_payment"

    answer = await boris.pre_checkout(invoice)
    assert answer.pre_checkout_answer == {"ok": True, "error_message": None}
    receipt = await boris.pay(invoice, charge_id="tg-charge-1")
    assert "Оплата заказа" in receipt.last.text
    again = await boris.pay(invoice, charge_id="tg-charge-1")  # Telegram redelivers the update
    assert again.new == []
    assert await count(running, m.PaymentRow) == 1
    assert await history(running, code) == ["placed", "awaiting_payment", "paid", "allocated"]
    assert (await order_row(running, code)).pickup_warehouse_id is not None


async def test_business_buyer_gets_an_invoice_with_a_due_date(running: RunningBot, clock: FakeClock) -> None:
    buyer = await business_customer(running, 603)
    placed = await place_invoice_order(buyer, "85123A", 10, location=False)
    assert "Please pay by" in placed.last.text
    order = await order_row(running, order_code(placed))
    assert order.payment_method == "invoice" and order.invoice_due == (clock.now() + timedelta(days=14)).date()
    assert await history(running, order.code) == ["placed", "invoiced", "allocated"]


async def test_double_tap_on_confirm_makes_one_order(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 604, "Alice")
    await add_to_cart(alice, "85123A")
    reply = await checkout_to_payment(alice)
    review = await alice.press(reply.last, "Cash on delivery")
    confirm = review.last.buttons()[0]["callback_data"]  # the button as the client still has it
    first = await alice.press(review.last, "Confirm order")
    second = await alice.press_data(review.last, confirm)
    assert await count(running, m.OrderRow) == 1
    code = order_code(first)
    assert second.new == [] and second.callback_answer is not None and code in second.callback_answer["text"]
    assert sum("is placed" in message.text for message in alice.messages()) == 1  # told once
    assert await stock(running, "85123A") == [("LON", 806, 1)]


async def test_the_order_placed_message_is_committed_with_the_order(running: RunningBot) -> None:
    """The confirmation is an outbox row of the order's transaction, so a crash right
    after Confirm cannot leave the order untold; the handler sends no copy of its own."""
    alice = SandboxUser(running.server, 606, "Alice")
    await add_to_cart(alice, "85123A")
    placed = await place_cod_order(alice)
    code = order_code(placed)
    told = await scalar(
        running,
        select(m.OutboxRow.params).where(m.OutboxRow.chat_id == 606, m.OutboxRow.template == "order_placed"),
    )
    assert told is not None and code in told
    assert [m.text.count("is placed") for m in alice.messages() if "is placed" in m.text] == [1]
    assert "📦 My orders" in str(placed.last.reply_markup)  # the main menu comes back with it


@pytest.mark.parametrize("paid_by", ["💵", "💳"])
async def test_an_order_placed_is_confirmed_and_its_invoice_sent_even_when_the_press_is_too_old_to_answer(
    tmp_path: Path, clock: FakeClock, paid_by: str
) -> None:
    """The order is placed; answering the Confirm press then fails (Telegram: "query is too
    old"). The customer still has the confirmation now (not when its claim lapses a minute
    later), and a card order its invoice; the review shows the order placed."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'late.sqlite3'}"
    settings: dict[str, Any] = {"default_currency": "GBP", "staff_chat_id": -100500}
    async with running_bot(database, clock=clock, payment_provider_token="sandbox:provider", **settings) as running:
        alice = SandboxUser(running.server, 609, "Alice")
        await add_to_cart(alice, "85123A")
        review = await checkout_to_payment(alice, pickup=True)
        review = await alice.press(review.last, paid_by)

        async def too_old(_params: dict[str, Any]) -> bool:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")

        running.server._methods["answercallbackquery"] = too_old
        await alice.press(review.last, "✅")
        wanted = {"is placed": 1, "invoice": 1 if paid_by == "💳" else 0}
        for _ in range(100):  # the press's own replies: no notifier pass is run here
            if sum("is placed" in m.text for m in alice.messages()) and (
                not wanted["invoice"] or any(m.kind == "invoice" for m in alice.messages())
            ):
                break
            await asyncio.sleep(0.05)
        assert sum("is placed" in m.text for m in alice.messages()) == 1
        assert sum(m.kind == "invoice" for m in alice.messages()) == wanted["invoice"]
        assert any("placed ✅" in m.text for m in alice.messages())  # the review became the order's line
        sent = await scalar(running, select(m.OutboxRow.sent_at).where(m.OutboxRow.template == "order_placed"))
        assert sent is not None
        assert [c.method for c in running.server.calls if not c.ok] == ["answerCallbackQuery"]


@pytest.mark.parametrize(
    ("language", "card", "refused"),
    [
        ("en", "💳 Pay now by card", "This payment method is not available for your account."),
        ("ru", "💳 Оплатить картой сейчас", "Этот способ оплаты недоступен для вашего аккаунта."),
    ],
)
@pytest.mark.parametrize("pickup", [False, True], ids=["courier", "pickup"])
async def test_a_shop_without_cash_on_delivery_offers_card_only_and_refuses_a_cash_button_pressed_after(
    tmp_path: Path, clock: FakeClock, language: str, card: str, refused: str, pickup: bool
) -> None:
    """CASH_ON_DELIVERY=false: neither cash at the door nor at the pickup counter is offered, and a cash button from
    before the shop switched it off (a message scrolled up to) is refused, saying so, and chooses nothing."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'cardonly.sqlite3'}"
    settings: dict[str, Any] = {"default_currency": "GBP", "payment_provider_token": "sandbox:provider"}
    async with running_bot(database, clock=clock, cash_on_delivery=False, **settings) as running:
        alice = SandboxUser(running.server, 611, "Alice", language_code=language)
        await add_to_cart(alice, "85123A")
        asked = await checkout_to_payment(alice, pickup=pickup)
        assert asked.last.button_texts() == [card]
        stale = await alice.press_data(asked.last, PaymentChoice(method="cod").pack())
        assert stale.callback_answer is not None and stale.callback_answer["text"] == refused
        assert stale.messages == []  # no review: the payment question stands
        review = await alice.press(asked.last, "💳")
        await alice.press(review.last, "✅")
        assert await scalar(running, select(m.OrderRow.payment_method)) == "card"


async def test_an_expired_hold_is_re_taken_when_stock_allows(running: RunningBot, clock: FakeClock) -> None:
    alice = SandboxUser(running.server, 605, "Alice")
    await add_to_cart(alice, "85123A", 2)
    clock.advance(minutes=31)
    cart = await alice.send("/cart")
    assert "availability is checked again at checkout" in cart.last.text
    placed = await place_cod_order(alice)
    assert await count(running, m.OrderRow) == 1 and order_code(placed)
    assert await stock(running, "85123A") == [("LON", 806, 2)]


async def test_stock_gone_while_the_hold_was_expired_is_explained(running: RunningBot, clock: FakeClock) -> None:
    alice = SandboxUser(running.server, 606, "Alice")
    bob = SandboxUser(running.server, 607, "Bob")
    await add_to_cart(alice, "84077", 2)
    clock.advance(minutes=31)
    bought = await add_to_cart(bob, "84077", 3)  # Alice's expired hold is released for him
    assert "In your cart: 3" in bought.last.text
    reply = await checkout_to_payment(alice, pickup=True)
    refused = await alice.press(reply.last, "Pay at pickup")  # the review re-checks availability
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == (
        "World War 2 Gliders Asstd Designs: only 0 available now. Your cart was not changed; please adjust it."
    )
    assert await count(running, m.OrderRow) == 0
    assert await stock(running, "84077") == [("MAN", 3, 3)]


async def test_more_than_available_is_refused_with_the_number(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 608, "Alice")
    reply = await add_to_cart(alice, "84077", 5)
    assert reply.last.text == "Sorry, only 3 available."
    assert await stock(running, "84077") == [("MAN", 3, 0)]
    assert await count(running, m.CartLineRow) == 0


async def test_an_unknown_sku_at_add_is_named_with_where_to_look_instead_escaped_and_shortened(
    running: RunningBot,
) -> None:
    boris = SandboxUser(running.server, 6091, "Борис", language_code="ru")
    said = (await boris.send("/add <b>NOPE</b>")).last.text
    assert said == "Нет товара с артикулом <b>NOPE</b>. /search найдёт его по названию, /catalog покажет все."
    long = (await boris.send("/add " + "X" * 5000)).last.text
    assert long.startswith("Нет товара с артикулом XXX") and "…" in long and len(long) < 400
    assert await count(running, m.CartLineRow) == 0


async def test_bad_input_gets_a_clear_message_and_changes_nothing(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 609, "Alice")
    for command in ("/add 85123A 0", "/add 85123A -2", "/add 85123A lots", "/add 85123A 10000"):
        assert (await alice.send(command)).last.text == "Quantity must be a whole number from 1 to 9999."
    assert (await alice.send("/add NOPE-1")).last.text == (
        "No product has the SKU NOPE-1. /search finds one by its name, /catalog lists them all."
    )
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    assert "does not look like a phone number" in (await alice.send("call me maybe")).last.text
    reply = await alice.send("+44 7911 123456")
    reply = await alice.press(reply.last, "Courier")
    assert "full address" in (await alice.send("x")).last.text
    left = await alice.send("/cancel")
    assert left.last.text == "Checkout cancelled. Your cart is kept: /cart"
    assert await count(running, m.CartLineRow) == 1 and await count(running, m.OrderRow) == 0


async def test_stale_cart_button_is_refused_and_shows_the_cart_now(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 610, "Alice")
    await add_to_cart(alice, "85123A", 2)
    old = (await alice.send("/cart")).last
    await add_to_cart(alice, "85123A", 1)  # now 3; the old message still says 2
    reply = await alice.press(old, "➖ White Hangi…")
    assert reply.callback_answer is not None and "has changed" in str(reply.callback_answer["text"])
    assert "× 3" in reply.last.text
    assert await stock(running, "85123A") == [("LON", 806, 3)]


async def test_cancel_releases_stock_records_the_refund_and_tells_staff(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 611, "Boris")
    await add_to_cart(boris, "85123A", 2)
    reply = await checkout_to_payment(boris, pickup=True)
    reply = await boris.press(reply.last, "card")
    placed = await boris.press(reply.last, "Confirm order")
    invoice = next(m for m in placed.new if m.kind == "invoice")
    await boris.pay(invoice)
    orders = await boris.send("/orders")
    detail = await boris.press(orders.last, order_code(placed))
    ask = await boris.press(detail.last, "Cancel order")
    done = await boris.press(ask.last, "Yes, cancel it")
    assert "cancelled" in done.last.text
    assert await stock(running, "85123A") == [("LON", 806, 0)]
    async with running.runtime.sessions() as session:
        kinds = list(await session.scalars(select(m.PaymentRow.kind).order_by(m.PaymentRow.id)))
    assert kinds == ["payment", "refund_owed"]
    staff = running.server.chat_messages(-100500)
    assert len(staff) == 2 and "New order" in staff[0].text and "£5.90" in staff[0].text  # placed, then cancelled
    assert "cancelled by the customer" in staff[1].text and "Refund owed: £5.90" in staff[1].text

    refused = await boris.pre_checkout(invoice)  # paying the old invoice again
    assert refused.pre_checkout_answer is not None and refused.pre_checkout_answer["ok"] is False
    assert "cannot be paid" in str(refused.pre_checkout_answer["error_message"])


async def test_another_customers_order_code_is_not_found(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 612, "Alice")
    await add_to_cart(alice, "85123A")
    code = order_code(await place_cod_order(alice))
    mallory = SandboxUser(running.server, 613, "Mallory")
    told = (await mallory.send(f"/track {code}")).last  # as any code not hers: nothing of Alice's order shown
    assert told.text.startswith(f"There is no order {code} among yours."), told.text
    assert "You have no orders yet." in told.text and told.button_texts() == [], told.text
    stale = await mallory.press_data((await mallory.send("/start")).last, f"oc:{code}:1")
    assert stale.callback_answer is not None and "no longer available" in str(stale.callback_answer["text"])
    assert (await order_row(running, code)).status == "allocated"


async def test_status_changes_reach_the_customer_in_their_language(running: RunningBot) -> None:
    from domain.orders import OrderStatus
    from domain.usecases.orders import transition_order

    boris = SandboxUser(running.server, 614, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A")
    code = order_code(await place_cod_order(boris))
    await transition_order(
        running.runtime.uow(), running.runtime.clock, code=code, target=OrderStatus.PICKING, actor="staff:1"
    )
    await running.runtime.notifier.drain()
    last = boris.messages()[-1]
    assert last.text.startswith(f"📦 Заказ {code}: собирается")


async def test_back_in_stock_is_told_once(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 615, "Alice")
    card = await alice.send("/start p_85099B")
    assert "Out of stock" in card.last.text
    subscribed = await alice.press(card.last, "Notify me")
    assert subscribed.callback_answer is not None
    count_before = len(alice.messages())
    restock = "sku,warehouse,bin,quantity\n85099B,LON,A-01-01-1,20\n"
    await import_stock(running.runtime.uow(), running.runtime.clock, restock)
    await import_stock(running.runtime.uow(), running.runtime.clock, restock.replace(",20", ",25"))
    await running.runtime.notifier.drain()
    told = alice.messages()[count_before:]
    assert len(told) == 1 and "is back in stock" in told[0].text


async def test_search_by_name_sku_and_typed_text(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 616, "Alice")
    found = await alice.send("/search heart")
    assert "3 products found" in found.last.text
    by_sku = await alice.send("85123a")
    assert "1 product found" in by_sku.last.text
    card = await alice.press(by_sku.last, "White Hanging Heart")
    assert "SKU: 85123A" in card.last.text
    nothing = await alice.send("<script>")
    assert nothing.last.text == "Nothing found for “<script>”. Try another word, a SKU or a barcode."


async def test_a_product_withdrawn_from_sale_is_explained_everywhere(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 617, "Alice")
    card = await alice.send("/start p_23166")  # "Medium Ceramic Top Storage Jar", not in the cart
    await add_to_cart(alice, "85123A")
    await add_to_cart(alice, "22197", 2)
    async with running.runtime.sessions() as session, session.begin():
        withdrawn = m.ProductRow.sku.in_(["22197", "23166"])
        await session.execute(update(m.ProductRow).where(withdrawn).values(status="hidden"))
    pressed = await alice.press(card.last, "Add to cart")
    assert pressed.callback_answer is not None
    assert pressed.callback_answer["text"] == "This product is not for sale any more."
    assert (await alice.send("/add 22197")).last.text.startswith("No product has the SKU 22197.")
    cart = await alice.send("/cart")
    assert "Popcorn Holder is no longer sold and was left out." in cart.last.text
    assert "White Hanging Heart" in cart.last.text
    placed = await place_cod_order(alice)
    order = await order_row(running, order_code(placed))
    assert order.total_minor == 295 + 370


@pytest.mark.parametrize(
    ("language", "refused"),
    [
        ("en", "“call me maybe” does not look like a phone number."),
        ("ru", "«позвоните мне» не похоже на номер телефона."),
    ],
)
async def test_a_refused_phone_quotes_what_was_typed(running: RunningBot, language: str, refused: str) -> None:
    """«позвоните мне не похоже на номер телефона» read as one sentence: what she typed is quoted."""
    typed = {"en": "call me maybe", "ru": "позвоните мне"}[language]
    alice = SandboxUser(running.server, 612, "Alice", language_code=language)
    await add_to_cart(alice, "85123A")
    await alice.send("/checkout")
    assert (await alice.send(typed)).last.text.startswith(refused)


async def test_a_russian_cart_whose_every_hold_expired_does_not_say_part_of_them(
    running: RunningBot, clock: FakeClock
) -> None:
    """«Срок резерва части товаров истёк» under a cart whose every line carried ⏳: the note points at the mark."""
    boris = SandboxUser(running.server, 613, "Борис", language_code="ru")
    await add_to_cart(boris, "85123A", 2)
    clock.advance(minutes=31)
    cart = (await boris.send("/cart")).last.text
    assert "⏳ Резерв истёк у товаров с ⏳; наличие проверим ещё раз при оформлении." in cart.splitlines()
