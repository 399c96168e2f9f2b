"""The cart changes after a delivery option was chosen: the options come again priced for the cart as it is now,
a price that rose is named on the review, and a location sent before the address is kept.

Demo data used: 22355 "Charlotte Bag Suki Design" £0.85, 1,001 g, 349 in LON. Courier rates from LON to Baker
Street (the local zone), per started kilogram: Royal Mail Tracked 48 £3.20 + £0.50 up to 20 kg, DPD Next Day
£5.90 + £0.40 up to 30 kg, Gophr £9.50 up to 15 kg. One bag (2 kg started): £4.20, £6.70, £9.50; 21 bags (22 kg):
DPD only, £14.70; 3 bags (4 kg): DPD £7.50.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import Reply
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.checkout_shipping import BAKER_STREET, chosen, to_delivery_options
from tests.e2e.journeys import add_to_cart, count, order_code, order_row

WORDS = {
    "en": {
        "gone": "That delivery option is no longer available for your cart as it is now.",
        "repriced": "Delivery prices or days have changed since that list was shown.",
        "step3": "Step 3 of 5. Choose a delivery option:",
        "royal": "Royal Mail Tracked 48 — £4.20",
        "dpd_one": "DPD Next Day — £6.70",
        "dpd_21": "DPD Next Day — £14.70",
        "review_dpd_21": "Delivery: DPD Next Day — £14.70",
        "total_21": "Total: £32.55",
        "now": "Shipping is now £7.50 (was £6.70).",
        "total_3": "Total: £10.05",
        "located": "Location saved. Now type the delivery address (street, house, flat, city, postcode).",
        "refused": "That is not what I asked for",
        "was": "(was ",
        "unavailable": "That shipping option is no longer available. Please choose again.",
        "gophr": "Gophr Same-day courier — £9.50",
    },
    "ru": {
        "gone": "Этот способ доставки больше недоступен для вашей корзины в её нынешнем виде.",
        "repriced": "Цены или сроки доставки изменились с тех пор, как был показан этот список.",
        "step3": "Шаг 3 из 5. Выберите способ доставки:",
        "royal": "Royal Mail Tracked 48 — 4,20\xa0£",
        "dpd_one": "DPD Next Day — 6,70\xa0£",
        "dpd_21": "DPD Next Day — 14,70\xa0£",
        "review_dpd_21": "Доставка: DPD Next Day — 14,70\xa0£",
        "total_21": "Итого: 32,55\xa0£",
        "now": "Доставка теперь стоит 7,50\xa0£ (было 6,70\xa0£).",
        "total_3": "Итого: 10,05\xa0£",
        "located": "Геопозиция сохранена. Теперь введите адрес доставки (улица, дом, квартира, город, индекс).",
        "refused": "Это не то, о чём я спросил",
        "was": "(было ",
        "unavailable": "Этот способ доставки больше недоступен. Выберите снова.",
        "gophr": "Gophr Same-day courier — 9,50\xa0£",
    },
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ru"])


async def cash_order(shop: RunningBot, user: SandboxUser, payment: BotMessage) -> m.OrderRow:
    """💵 at the payment question, ✅ at the review: the order placed."""
    review = await user.press(payment, "💵")
    return await order_row(shop, order_code(await user.press(review.last, "✅")))


def options(reply: Reply) -> BotMessage:
    """The one fresh step-3 list the bot sent."""
    [offered] = [m for m in reply.new if m.button_texts() and " 3 " in m.text]
    return offered


@LANGUAGES
async def test_a_delivery_option_the_cart_outgrew_is_offered_again_priced_for_the_cart_now(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    alice = SandboxUser(running.server, 661, "Alice", language_code=language)
    await add_to_cart(alice, "22355", 1)
    first_list = await to_delivery_options(alice)
    assert [t.split(", ")[0] for t in first_list.button_texts()] == [
        words["royal"],
        words["dpd_one"],
        words["gophr"],
    ]
    payment = await alice.press(first_list, "Royal Mail")
    await add_to_cart(alice, "22355", 20)  # 21 bags: 21 kg, over Royal Mail's 20 kg

    refused = await alice.press(payment.last, "💵")
    offered = options(refused)
    assert offered.text.startswith(words["gone"]) and offered.text.endswith(words["step3"])
    assert [t.split(", ")[0] for t in offered.button_texts()] == [words["dpd_21"]]

    # The first list's buttons, priced for one bag: Royal Mail no longer fits, DPD's price moved.
    for old in ("Royal Mail", "DPD"):
        again = await alice.press(first_list, old)
        assert again.callback_answer is not None
        said = words["gone"] if old == "Royal Mail" else words["repriced"]
        assert again.callback_answer["text"] == said
        assert [t.split(", ")[0] for t in options(again).button_texts()] == [words["dpd_21"]]
        assert options(again).text.startswith(said)

    payment = await alice.press(options(again), "DPD")
    review = await alice.press(payment.last, "💵")
    assert words["review_dpd_21"] in review.last.text and words["total_21"] in review.last.text
    assert words["was"] not in review.last.text  # chosen at £14.70: nothing changed since
    placed = await alice.press(review.last, "✅")
    order = await order_row(running, order_code(placed))
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (1785, 1470, 3255)
    assert order.carrier == "DPD"


@LANGUAGES
async def test_a_review_confirmed_after_the_cart_outgrew_its_delivery_option_offers_the_options_again(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    boris = SandboxUser(running.server, 662, "Boris", language_code=language)
    review = await boris.press(await chosen(boris, "Royal Mail"), "💵")
    await add_to_cart(boris, "22355", 20)

    refused = await boris.press(review.last, "✅")
    assert refused.callback_answer is not None  # the goods' total changed: said first
    offered = options(refused)
    assert offered.text.startswith(words["gone"])
    assert [t.split(", ")[0] for t in offered.button_texts()] == [words["dpd_21"]]
    order = await cash_order(running, boris, (await boris.press(offered, "DPD")).last)
    assert (order.shipping_minor, order.total_minor) == (1470, 3255)


@LANGUAGES
async def test_a_review_confirmed_after_the_shop_dropped_its_delivery_option_offers_the_options_again(
    running: RunningBot, language: str
) -> None:
    """The cart is the one reviewed; the shop stopped the service (its rates removed) in between."""
    words = WORDS[language]
    fay = SandboxUser(running.server, 666, "Fay", language_code=language)
    review = await fay.press(await chosen(fay, "Royal Mail"), "💵")
    async with running.runtime.sessions() as session, session.begin():
        await session.execute(delete(m.CarrierRateRow).where(m.CarrierRateRow.carrier == "Royal Mail"))

    refused = await fay.press(review.last, "✅")
    assert refused.callback_answer is not None and refused.callback_answer["show_alert"]
    assert refused.callback_answer["text"] == words["unavailable"]
    offered = options(refused)
    assert offered.text.startswith(words["gone"])
    assert [t.split(", ")[0] for t in offered.button_texts()] == [words["dpd_one"], words["gophr"]]
    assert await count(running, m.OrderRow) == 0
    order = await cash_order(running, fay, (await fay.press(offered, "Gophr")).last)
    assert (order.carrier, order.shipping_minor, order.total_minor) == ("Gophr", 950, 1035)


@LANGUAGES
async def test_a_courier_price_raised_by_a_cart_change_is_named_on_the_review(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    carol = SandboxUser(running.server, 663, "Carol", language_code=language)
    payment = await chosen(carol, "DPD")
    await add_to_cart(carol, "22355", 2)  # 3 bags: 4 kg started, DPD £7.50

    review = await carol.press(payment, "💵")
    assert words["now"] in review.last.text and words["total_3"] in review.last.text
    placed = await carol.press(review.last, "✅")
    order = await order_row(running, order_code(placed))
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (255, 750, 1005)


@LANGUAGES
async def test_a_review_says_nothing_of_shipping_when_its_price_did_not_change(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    dora = SandboxUser(running.server, 664, "Dora", language_code=language)
    review = await dora.press(await chosen(dora, "DPD"), "💵")
    assert words["was"] not in review.last.text
    assert words["dpd_one"] in review.last.text


@LANGUAGES
async def test_a_location_sent_at_the_address_step_is_kept_and_the_address_asked_for(
    running: RunningBot, language: str
) -> None:
    """For a courier both are needed: the location alone has no flat or door. It is taken, the address asked for,
    and once typed the delivery options come at once, priced for where the location is (the local zone)."""
    words = WORDS[language]
    erin = SandboxUser(running.server, 665, "Erin", language_code=language)
    await add_to_cart(erin, "22355", 1)
    await erin.send("/checkout")
    reply = await erin.share_contact("+44 7911 123456")
    await erin.press(reply.last, "🚚")

    located = await erin.send_location(*BAKER_STREET)
    assert located.last.text == words["located"]
    assert words["refused"] not in located.text

    offered = await erin.send("221B Baker Street, London NW1 6XE")
    assert offered.last.text == words["step3"]  # no second question for the location
    assert offered.last.button_texts()[0].split(", ")[0] == words["royal"]  # local, not national (£5.90)
    order = await cash_order(running, erin, (await erin.press(offered.last, "Royal Mail")).last)
    assert (order.latitude, order.longitude) == BAKER_STREET
    assert (order.shipping_minor, order.total_minor) == (420, 505)
    assert order.address == "221B Baker Street, London NW1 6XE"


@pytest.mark.parametrize(("drawn", "now"), [("en", "ru"), ("ru", "en")])
async def test_an_option_pressed_after_the_customers_telegram_changed_language_is_taken_when_nothing_else_changed(
    running: RunningBot, drawn: str, now: str
) -> None:
    """The button's words are in the list's language; the quote it shows still holds, so it is taken (no
    "prices or days have changed"), and the next step speaks the language chosen since."""
    gwen = SandboxUser(running.server, 667, "Gwen", language_code=drawn)
    await add_to_cart(gwen, "22355", 1)
    drawn_list = await to_delivery_options(gwen)
    # /language restarts a checkout (the old list's buttons are then stale); a Telegram app switched to
    # another language does not: the chat speaks it from the next update on.
    gwen.user["language_code"] = now

    pressed = await gwen.press(drawn_list, "DPD")
    assert pressed.callback_answer is not None and pressed.callback_answer["text"] in ("", None), (
        pressed.callback_answer
    )
    assert not any(WORDS[language]["repriced"] in pressed.text for language in WORDS)
    assert (
        pressed.last.text
        == {"en": "Step 4 of 5. How would you like to pay?", "ru": "Шаг 4 из 5. Как вы хотите оплатить?"}[now]
    )
    order = await cash_order(running, gwen, pressed.last)
    assert (order.carrier, order.shipping_minor, order.total_minor) == ("DPD", 670, 755)
