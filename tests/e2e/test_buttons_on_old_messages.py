"""Buttons pressed on a message over 48 hours old, which Telegram hands over as inaccessible (it can no longer be read
or edited): an order from the list, a return's every step, the staff's return and packing buttons do what they say
and show the next step as a new message (en/ru). They failed with "Sorry, something went wrong", or did nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.jobs import follow_up_deliveries, sweep_holds
from domain.usecases.reorder_scan import reorder_scan
from handlers.callbacks import ReturnLineCb, UnsubscribeCb
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    line_quantities,
    order_code,
    order_row,
    payments,
    picked_order,
    place_cod_order,
    sample_name,
    scalar,
    shown_anew,
    status,
)
from tests.e2e.returns import ask_return, deliver, delivered, rma_of
from tests.e2e.short_picks import WORDS as SHORT_WORDS
from tests.e2e.short_picks import asked_short
from tests.e2e.variants import WORDS as VARIANT_WORDS
from tests.e2e.variants import tshirts
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "order": "Order {code} — delivered",
        "return": "↩️ Return",
        "which": "Which items? Tap each one to return; you can choose several.",
        "continue": "Continue ➡️",
        "why": "Why?",
        "changed": "Changed my mind",
        "skip": "Skip ➡️",
        "how": "How will the goods come back?",
        "store": "🏬 I will bring it to a store",
        "registered": "Your request {rma} is registered.",
        "buy again": "🛒 Buy again",
        "approve": "✅ Approve",
        "received": "📥 Parcel received",
        "rma": "Return {rma}",
        "as proposed": "✅ As proposed",
        "weight": "Put the parcel on the scale and send its weight in grams, or use the estimate.",
        "estimate": "⚖️ Use the estimate",
        "packed": "📦 Order {code} is packed:",
        "po approved": "Purchase order {number} is approved.",
        "new value": "Send the new value of ",
        "options": "✏️ Options",
        "option values": "Send the option values of {sku}, e.g. ",
        "words?": "Thank you for {stars}. Would you add a few words? Just type them now, or /skip.",
        "thanks": "Thank you!",
        "open cart": "🛒 Open my cart",
        "cancel order": "✖ Cancel order",
        "order new": "Order {code} — ",
        "yes": "Yes, cancel it",
        "waiting": "⏳ Waiting for stock",
        "waiting title": "Order {code}: waiting for stock",
        "cancel part": "✖ Cancel 3 ×",
        "no longer": "Yes, I no longer want it",
        "paid back": "💸 Refund paid back: £2.00",
        "unsubscribed": "You will get no more news from us; your orders' messages still come. /subscribe brings the "
        "news back.",
    },
    "ru": {
        "order": "Заказ {code} — доставлен",
        "return": "↩️ Вернуть",
        "which": "Какие товары? Нажмите на каждый, который хотите вернуть; можно выбрать несколько.",
        "continue": "Далее ➡️",
        "why": "Почему?",
        "changed": "Передумал(а)",
        "skip": "Пропустить ➡️",
        "how": "Как товар вернётся к нам?",
        "store": "🏬 Принесу в магазин",
        "registered": "Ваш запрос {rma} зарегистрирован.",
        "buy again": "🛒 Купить снова",
        "approve": "✅ Утвердить",
        "received": "📥 Посылка получена",
        "rma": "Возврат {rma}",
        "as proposed": "✅ Как предложено",
        "weight": "Положите посылку на весы и пришлите вес в граммах или используйте оценку.",
        "estimate": "⚖️ Использовать оценку",
        "packed": "📦 Заказ {code} упакован:",
        "po approved": "Заказ поставщику {number} утверждён.",
        "new value": "Пришлите новое значение поля ",
        "options": "✏️ Опции",
        "option values": "Пришлите значения опций {sku}, например ",
        "words?": "Спасибо за {stars}. Добавите пару слов? Просто напишите их сейчас или нажмите /skip.",
        "thanks": "Спасибо!",
        "open cart": "🛒 Открыть корзину",
        "cancel order": "✖ Отменить заказ",
        "order new": "Заказ {code} — ",
        "yes": "Да, отменить",
        "waiting": "⏳ Ждёт поставки",
        "waiting title": "Заказ {code}: ждёт поставки",
        "cancel part": "✖ Отменить 3 ×",
        "no longer": "Да, больше не нужно",
        "paid back": "💸 Деньги возвращены: 2,00\xa0£",
        "unsubscribed": "Вы больше не будете получать наши новости; сообщения о заказах по-прежнему придут. "
        "/subscribe вернёт новости.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_and_each_step_of_its_return_pressed_on_old_messages_go_on_in_new_ones(
    shop: RunningBot, language: str
) -> None:
    w = WORDS[language]
    code = await delivered(shop, 5701, {"85123A": 1})
    customer = SandboxUser(shop.server, 5701, "Alla", language_code=language)
    listed = (await customer.send("/orders")).last
    detail = await customer.press(listed, code, too_old=True)
    assert shown_anew(detail).startswith(w["order"].format(code=code))
    lines = await customer.press(detail.last, w["return"], too_old=True)
    assert shown_anew(lines).startswith(w["which"])
    [line] = [b["callback_data"] for b in lines.last.buttons() if b.get("callback_data", "").startswith("rl:")]
    assert ReturnLineCb.unpack(line).line_id
    chosen = await customer.press_data(lines.last, line, too_old=True)
    assert shown_anew(chosen).startswith(w["which"])
    why = await customer.press(chosen.last, w["continue"], too_old=True)
    assert shown_anew(why) == w["why"]
    photos = await customer.press(why.last, w["changed"], too_old=True)
    shown_anew(photos)
    how = await customer.press(photos.last, w["skip"], too_old=True)
    assert shown_anew(how) == w["how"]
    registered = shown_anew(await customer.press(how.last, w["store"], too_old=True))
    rma = rma_of(registered)
    assert registered.startswith(w["registered"].format(rma=rma))
    order_id = select(m.OrderRow.id).where(m.OrderRow.code == code).scalar_subquery()
    assert await scalar(shop, select(m.ReturnRow.rma_code).where(m.ReturnRow.order_id == order_id)) == rma

    again = await customer.press(detail.last, w["buy again"], too_old=True)  # the cart, as on a message of today
    assert again.edited == [] and len(again.new) == 2, again.messages  # what came into the cart, then the cart
    assert f"{sample_name('85123A', language)} × 1" in again.last.text
    assert again.last.buttons()[-1]["callback_data"] == "co"  # ✅ Checkout


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_returns_approve_and_a_packings_buttons_pressed_on_old_messages_go_on_in_new_ones(
    shop: RunningBot, language: str
) -> None:
    w = WORDS[language]
    code = await delivered(shop, 5702, {"85123A": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 5702, "Ilya"), code, "85123A", "Changed my mind")
    sam = await hire(shop, 5703, "Sam", "support", language=language)
    opened = await sam.send(f"/rma {rma}")
    approved = await sam.press(opened.last, w["approve"], too_old=True)
    assert shown_anew(approved).startswith(w["rma"].format(rma=rma))
    assert w["received"] in approved.last.button_texts()
    assert await scalar(shop, select(m.ReturnRow.status).where(m.ReturnRow.rma_code == rma)) == "approved"

    picked = await picked_order(shop, 5704, {"22197": 1})
    pax = await hire(shop, 5705, "Pax", "packer", "LON", language=language)
    await pax.send(f"/pack {picked}")
    boxes = await pax.send("22197")
    weight = await pax.press(boxes.last, w["as proposed"], too_old=True)
    assert shown_anew(weight) == w["weight"]
    packed = await pax.press(weight.last, w["estimate"], too_old=True)
    assert shown_anew(packed).startswith(w["packed"].format(code=picked))
    assert await status(shop, picked) == "packed"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_orders_approve_pressed_on_an_old_message_approves_it_and_shows_it_anew(
    shop: RunningBot, language: str
) -> None:
    """A draft the nightly reorder scan posts may wait days for a manager's ✅ Approve (it failed with "Sorry, something
    went wrong")."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=None)
    manager = await hire(shop, 5706, "Mo", "manager", "MAN", language=language)
    shown = await manager.send(f"/po {po.id}")
    approved = await manager.press(shown.last, WORDS[language]["approve"], too_old=True)
    assert approved.edited == [] and [said.text for said in approved.new][1:] == [
        WORDS[language]["po approved"].format(number=po.id)
    ], approved.messages
    assert str(po.id) in approved.new[0].text and WORDS[language]["approve"] not in approved.new[0].button_texts()
    assert await scalar(shop, select(m.PurchaseOrderRow.status).where(m.PurchaseOrderRow.id == po.id)) == "approved"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_product_sheets_edit_and_options_buttons_pressed_on_an_old_message_ask_in_a_new_one(
    shop: RunningBot, language: str
) -> None:
    """A /product sheet left open in the chat is pressed again days later (✏️ Name, ✏️ Options)."""
    w = WORDS[language]
    await tshirts(shop)
    manager = await hire(shop, 5707, "Mia", "manager", language=language)
    sheet = (await manager.send("/product TEE-L-NVY")).last
    [name] = [b["callback_data"] for b in sheet.buttons() if b.get("callback_data", "").endswith(":name")]
    asked = await manager.press_data(sheet, name, too_old=True)
    assert shown_anew(asked).startswith(w["new value"]), asked.messages
    await manager.send("Navy tee, L")
    named = select(m.ProductRow.name).where(m.ProductRow.sku == "TEE-L-NVY")
    assert await scalar(shop, named) == "Navy tee, L"
    options = await manager.press(sheet, w["options"], too_old=True)
    assert shown_anew(options).startswith(w["option values"].format(sku="TEE-L-NVY")), options.messages


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_short_picks_answer_pressed_on_an_old_message_is_said_in_the_chat_as_on_a_new_one(
    shop: RunningBot, language: str
) -> None:
    """The customer answers the shortage days later: the answer was taken and alerted, but left nothing in the chat."""
    short = SHORT_WORDS[language]
    cleo, code, asked = await asked_short(shop, 5708, language)
    chosen = await cleo.press(asked, short["split"], too_old=True)
    assert chosen.callback_answer == {"text": short["chosen"], "show_alert": True}
    assert chosen.edited == [] and [said.text for said in chosen.new] == [short["chosen"]]
    assert await status(shop, code) == "picked"  # the 2 in hand are ready to pack
    # Its buttons stay on the message nobody can edit: pressed again, refused with why, nothing changed.
    again = await cleo.press(asked, short["split"], too_old=True)
    assert again.callback_answer is not None and again.callback_answer.get("show_alert")
    assert short["stale"] in str(again.callback_answer["text"]) and again.messages == []
    assert await status(shop, code) == "picked"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_stars_and_unsubscribe_pressed_on_old_messages_say_so_in_new_ones(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """The stars were taken and the bot then waited for words it never asked for; the unsubscribe said nothing."""
    w = WORDS[language]
    code = await delivered(shop, 5710, {"85123A": 1})
    clock.advance(days=3, minutes=1)
    assert await follow_up_deliveries(shop.runtime.uow(), shop.runtime.clock, after=timedelta(days=3)) == 1
    await shop.runtime.notifier.drain()
    customer = SandboxUser(shop.server, 5710, "Rita", language_code=language)
    ask = shop.server.chat_messages(5710)[-1]
    rated = await customer.press(ask, "4⭐", too_old=True)
    assert rated.edited == [] and [said.text for said in rated.new] == [w["words?"].format(stars="⭐" * 4)]
    order_id = select(m.OrderRow.id).where(m.OrderRow.code == code).scalar_subquery()
    assert await scalar(shop, select(m.ReviewRow.stars).where(m.ReviewRow.order_id == order_id)) == 4
    assert (await customer.send("/skip")).last.text == w["thanks"]

    out = await customer.press_data(ask, UnsubscribeCb(campaign_id=0).pack(), too_old=True)
    assert out.edited == [] and [said.text for said in out.new] == [w["unsubscribed"]]
    customer_id = select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 5710).scalar_subquery()
    opted_out = select(m.MarketingOptOutRow.customer_id).where(m.MarketingOptOutRow.customer_id == customer_id)
    assert await scalar(shop, opted_out) is not None


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_carts_buttons_and_its_reminder_pressed_on_old_messages_show_the_cart_in_new_ones(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """➕ on a cart shown days ago added the unit and showed nothing; the reminder's button showed nothing at all."""
    carla = SandboxUser(shop.server, 5711, "Carla", language_code=language)
    await add_to_cart(carla, "85123A", 2)
    shown = (await carla.send("/cart")).last
    more = await carla.press(shown, "➕", too_old=True)
    assert f"{sample_name('85123A', language)} × 3" in shown_anew(more)
    clock.advance(hours=3)
    await sweep_holds(shop.runtime.uow(), shop.runtime.clock, remind_after=timedelta(hours=2))
    await shop.runtime.notifier.drain()
    reminder = shop.server.chat_messages(5711)[-1]
    opened = await carla.press(reminder, WORDS[language]["open cart"], too_old=True)
    assert f"{sample_name('85123A', language)} × 3" in shown_anew(opened)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancel_order_pressed_on_an_old_message_asks_yes_or_no_under_the_order_in_a_new_one(
    shop: RunningBot, language: str
) -> None:
    w = WORDS[language]
    vera = SandboxUser(shop.server, 5712, "Vera", language_code=language)
    await add_to_cart(vera, "85123A")
    code = order_code(await place_cod_order(vera))
    shown = (await vera.send(f"/track {code}")).last
    asked = await vera.press(shown, w["cancel order"], too_old=True)
    assert shown_anew(asked).startswith(w["order new"].format(code=code)), asked.messages
    assert w["yes"] in asked.last.button_texts()
    cancelled = await vera.press(asked.last, w["yes"])
    assert cancelled.callback_answer is not None and code in cancelled.callback_answer["text"]
    assert await status(shop, code) == "cancelled"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_waiting_parts_cancel_pressed_on_an_old_message_asks_under_the_screen_in_a_new_one(
    shop: RunningBot, language: str
) -> None:
    """⏳ Waiting for stock and its ✖ Cancel pressed days later showed nothing: the part could not be given up."""
    short, w = SHORT_WORDS[language], WORDS[language]
    cleo, code, asked = await asked_short(shop, 5713, language)
    await cleo.press(asked, short["wait"])
    track = (await cleo.send(f"/track {code}")).last
    waiting = await cleo.press(track, w["waiting"], too_old=True)
    assert shown_anew(waiting).startswith(w["waiting title"].format(code=code))
    sure = await cleo.press(waiting.last, w["cancel part"], too_old=True)
    assert shown_anew(sure).startswith(w["waiting title"].format(code=code))
    assert sure.last.button_texts() == [w["no longer"]]
    await cleo.press(sure.last, w["no longer"])
    assert await scalar(shop, select(m.BackorderRow.status)) == "cancelled"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_refund_paid_back_pressed_on_an_old_order_screen_shows_the_order_anew_in_a_new_message(
    shop: RunningBot, language: str
) -> None:
    """It was recorded, and the old screen's 💸 button stayed the last thing in the chat."""
    vera = SandboxUser(shop.server, 5714, "Vera", language_code=language)
    await add_to_cart(vera, "85123A", 2)
    code = order_code(await place_cod_order(vera))
    await deliver(shop, code)
    await (await hire(shop, 5715, "Sofia", "support", language=language)).send(f"/refund {code} 2 late delivery")
    admin = await hire(shop, 5716, "Ada", "admin", language=language)
    screen = (await admin.send(f"/order {code}")).last
    paid = await admin.press(screen, WORDS[language]["paid back"], too_old=True)
    assert code in shown_anew(paid) and not any(b.startswith("💸") for b in paid.last.button_texts())
    assert await payments(shop, code) == [("payment", 960), ("goodwill", 200), ("refunded", 200)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cards_options_and_quantity_and_a_category_list_pressed_on_old_messages_show_them_in_new_ones(
    shop: RunningBot, language: str
) -> None:
    """A card scrolled back to days later: its 🛒 Add to cart or ➕ changed the cart and showed nothing."""
    await tshirts(shop)
    tess = SandboxUser(shop.server, 5717, "Tess", language_code=language)
    card = (await tess.send("/start p_TEE")).last
    navy = await tess.press(card, "Navy", too_old=True)
    assert "TEE-S-NVY" in shown_anew(navy)
    added = await tess.press(card, VARIANT_WORDS[language]["add"], too_old=True)
    assert "TEE" in shown_anew(added) and "➕" in added.last.button_texts()
    more = await tess.press(added.last, "➕", too_old=True)
    assert "TEE" in shown_anew(more)
    assert await scalar(shop, select(m.CartLineRow.quantity)) == 2

    top = (await tess.send("/catalog")).last
    page_2 = shown_anew(await tess.press(top, "▶", too_old=True))
    assert page_2.splitlines()[-1] == top.text.splitlines()[-1].replace("1", "2", 1)  # Page 2 of 2
    clothing = await tess.press(top, "Clothing (", too_old=True)
    assert shown_anew(clothing)
    product = await tess.press(clothing.last, "Organic cotton T-shirt", too_old=True)
    assert "TEE" in shown_anew(product)


# The language chosen, its start screen, a currency's and a returns policy's words in it
CHOICES = {
    "en": ("English", "Language: English", "Hello, Lena!", "Prices are now shown in {currency}.", "Return any item"),
    "ru": ("Русский", "Язык: Русский", "Здравствуйте, Lena!", "Теперь цены показываются в {currency}.", "Возврат в"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_language_a_currency_and_a_policy_chosen_on_old_messages_are_said_in_new_ones(
    shop: RunningBot, language: str
) -> None:
    """The choice was saved and nothing said: the customer could not tell whether it was taken."""
    chosen, said, start, currency, returns_policy = CHOICES[language]
    lena = SandboxUser(shop.server, 5718, "Lena", language_code="ru" if language == "en" else "en")
    offer = (await lena.send("/language")).last
    picked = await lena.press(offer, chosen, too_old=True)
    assert picked.edited == [] and [new.text.startswith((said, start)) for new in picked.new] == [True, True]
    assert picked.new[0].text == said, picked.messages
    customer = select(m.CustomerRow.language).where(m.CustomerRow.telegram_id == 5718)
    assert await scalar(shop, customer) == language

    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx GBP EUR 1.17")  # a shop with one currency offers no choice
    prices = (await lena.send("/currency")).last
    assert prices.button_texts()[-1] == "EUR"
    moved = await lena.press(prices, "EUR", too_old=True)
    assert shown_anew(moved).startswith(currency.format(currency="EUR"))

    await admin.send("/settings returns en Return any item within 14 days.")
    await admin.send("/settings returns ru Возврат в течение 14 дней.")
    policies = (await lena.send("/policies")).last
    returns = await lena.press(policies, policies.button_texts()[0], too_old=True)
    assert returns_policy in shown_anew(returns)


EDITING = {
    "en": {"edit": "✏️", "changing": "✏️ Changing order {code}", "changed": "Order {code} is changed."}
    | {"stale": "Order {code} has changed since this screen was shown.", "add": "➕ Add a product"}
    | {"which": "Which product should we add?", "address": "📍 Change address", "pickup": "🏬 Pick up at a store"}
    | {"new address": "Send the new delivery address in one message (or /cancel)."},
    "ru": {"edit": "✏️", "changing": "✏️ Изменение заказа {code}", "changed": "Заказ {code} изменён."}
    | {"stale": "Заказ {code} изменился с тех пор, как был показан этот экран.", "add": "➕ Добавить товар"}
    | {"which": "Какой товар добавить?", "address": "📍 Изменить адрес", "pickup": "🏬 Заберу сам"}
    | {"new address": "Отправьте новый адрес доставки одним сообщением (или /cancel)."},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_being_changed_on_old_messages_goes_on_in_new_ones(shop: RunningBot, language: str) -> None:
    """✏️ Edit and the edit screen's buttons pressed days later changed the order (or nothing) and showed nothing."""
    w = EDITING[language]
    ella = SandboxUser(shop.server, 5719, "Ella", language_code=language)
    await add_to_cart(ella, "85123A", 2)
    code = order_code(await place_cod_order(ella))
    screen = await ella.press((await ella.send(f"/track {code}")).last, w["edit"], too_old=True)
    assert shown_anew(screen).startswith(w["changing"].format(code=code)), screen.messages
    plus = "➕ " + sample_name("85123A", language)[:13]  # the line's ➕, its name cut to fit
    more = await ella.press(screen.last, plus, too_old=True)
    assert more.callback_answer == {"text": w["changed"].format(code=code), "show_alert": None}
    assert [new.text.startswith(w["changing"].format(code=code)) for new in more.new] == [True, False]
    assert "2 → 3" in more.new[1].text
    assert await line_quantities(shop, code) == {"85123A": 3}
    stale = await ella.press(screen.last, plus, too_old=True)  # the screen before the change
    assert stale.callback_answer is not None and stale.callback_answer["text"].startswith(w["stale"].format(code=code))
    assert [new.text.startswith(w["changing"].format(code=code)) for new in stale.new] == [True]
    assert await line_quantities(shop, code) == {"85123A": 3}

    current = more.new[0]
    assert shown_anew(await ella.press(current, w["add"], too_old=True)).startswith(w["which"])
    await ella.send("/cancel")
    assert shown_anew(await ella.press(current, w["address"], too_old=True)) == w["new address"]
    await ella.send("/cancel")
    points = await ella.press(current, w["pickup"], too_old=True)
    assert shown_anew(points).startswith(w["changing"].format(code=code))
    picked = await ella.press(points.last, "Manchester", too_old=True)
    assert [new.text.startswith(w["changing"].format(code=code)) for new in picked.new] == [True, False]
    assert (await order_row(shop, code)).delivery_method == "pickup"


CHECKOUT = {
    "en": {"checkout": "✅ Checkout", "step 1": "Checkout, step 1 of 5.", "gift": "🎁 Send as a gift"}
    | {"out of date": "This checkout step was shown over two days ago and is out of date. Your cart is kept: /cart"}
    | {"card": "Type the message for the gift card", "contact": "💬 Contact us", "write": "💬 Write your message"},
    "ru": {"checkout": "✅ Оформить", "step 1": "Оформление, шаг 1 из 5.", "gift": "🎁 Отправить как подарок"}
    | {"out of date": "Этот шаг оформления показан больше двух дней назад и устарел. Корзина сохранена: /cart"}
    | {"card": "Напишите текст для открытки", "contact": "💬 Написать нам", "write": "💬 Напишите сообщение"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_checkout_step_pressed_on_an_old_message_says_it_is_out_of_date_and_where_the_cart_is(
    shop: RunningBot, language: str
) -> None:
    """A delivery choice days old did nothing: the checkout neither went on nor said why. The cart's ✅ Checkout and
    the review's 🎁 go on as on a message of today."""
    w = CHECKOUT[language]
    olga = SandboxUser(shop.server, 5720, "Olga", language_code=language)
    await add_to_cart(olga, "85123A")
    started = await olga.press((await olga.send("/cart")).last, w["checkout"], too_old=True)
    assert shown_anew(started).startswith(w["step 1"])
    how = await olga.share_contact("+44 7911 123456")
    stale = await olga.press(how.last, "🚚", too_old=True)
    assert shown_anew(stale).startswith(w["out of date"])

    review = await olga.press((await checkout_to_payment(olga)).last, "💵")
    gift = await olga.press(review.last, w["gift"], too_old=True)
    assert shown_anew(gift).startswith(w["card"])
    reviewed = await olga.send("/skip")  # no card: the review again, to confirm
    assert await status(shop, order_code(await olga.press(reviewed.last, "✅"))) == "allocated"


@pytest.mark.parametrize(
    ("language", "refused", "shown"),
    [
        (
            "en",
            "Purchase order {n} is discarded: it can no longer be changed that way.",
            "Purchase order {n} — discarded",
        ),
        (
            "ru",
            "Заказ поставщику {n} в статусе «отменён»: так его изменить уже нельзя.",
            "Заказ поставщику {n} — отменён",
        ),
    ],
)
async def test_a_draft_s_note_in_the_staff_chat_decided_elsewhere_shows_the_order_as_it_is_when_pressed(
    shop: RunningBot, language: str, refused: str, shown: str
) -> None:
    """A draft discarded on /po N kept ✅ Approve and 🗑 Discard on its note in the staff chat: each press
    there was refused, and the note went on offering them, saying "draft"."""
    runtime = shop.runtime
    (po,) = await reorder_scan(runtime.uow(), runtime.clock, staff_chat_id=-100500)
    await runtime.notifier.drain()
    note = shop.server.chat_messages(-100500)[-1]
    manager = await hire(shop, 85, "Mo", "manager", "MAN", language=language)
    await manager.press((await manager.send(f"/po {po.id}")).last, "🗑")
    before = set(shop.server.callback_answers)
    await SandboxUser(shop.server, 85, "Mo", language_code=language, wait=False).press(note, "✅")
    await manager.send("/help")  # handled after the press: the staff chat has its answer by now
    [answer] = [a for key, a in shop.server.callback_answers.items() if key not in before]
    assert answer["text"] == refused.format(n=po.id) and answer["show_alert"]
    now = next(m for m in shop.server.chat_messages(-100500) if m.message_id == note.message_id)
    assert now.text.startswith(shown.format(n=po.id))
    assert now.button_texts() == []  # a discarded order has nothing left to press
