"""✅ Confirm places an order only at the total the review showed: a shipping rate the shop changed between the review
and Confirm (the cart the same), or a promotion it ended, orders nothing, names the change and shows the review
again; confirmed then, the order is at the new total.

Demo data used: 22355 "Charlotte Bag Suki Design" £0.85, 1,001 g. DPD Next Day to Baker Street (the local zone):
£5.90 + £0.40 a started kilogram, one bag £6.70; raised by £1 here, £7.70. 85123A "White Hanging Heart T-Light
Holder" £2.95."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.accounting import Account
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.checkout_shipping import chosen, raise_dpd
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import (
    add_to_cart,
    business_customer,
    checkout_to_payment,
    count,
    order_books,
    order_code,
    order_row,
)

WORDS = {
    "en": {
        "alert": "Shipping is now £7.70 (was £6.70). Nothing was ordered: check the order again and confirm.",
        "named": "Shipping is now £7.70 (was £6.70).",
        "delivery": "Delivery: DPD Next Day — £7.70",
        "total_before": "Total: £7.55",
        "total": "Total: £8.55",
        "ended": "Your order now comes to £5.90 (was £5.70). Nothing was ordered: check the order again and confirm.",
        "discounted": "Total: £5.70",
        "undiscounted": "Total: £5.90",
        "invoice_review": "Total: £7.55",
        "cheaper": "Order {code} placed ✅\nShipping is now £5.70 (was £6.70).",
    },
    "ru": {
        "alert": "Доставка теперь стоит 7,70\xa0£ (было 6,70\xa0£). Ничего не заказано: проверьте заказ ещё раз и "
        "подтвердите.",
        "named": "Доставка теперь стоит 7,70\xa0£ (было 6,70\xa0£).",
        "delivery": "Доставка: DPD Next Day — 7,70\xa0£",
        "total_before": "Итого: 7,55\xa0£",
        "total": "Итого: 8,55\xa0£",
        "ended": "Ваш заказ теперь стоит 5,90\xa0£ (было 5,70\xa0£). Ничего не заказано: проверьте заказ ещё раз и "
        "подтвердите.",
        "discounted": "Итого: 5,70\xa0£",
        "undiscounted": "Итого: 5,90\xa0£",
        "invoice_review": "Итого: 7,55\xa0£",
        "cheaper": "Заказ {code} оформлен ✅\nДоставка теперь стоит 5,70\xa0£ (было 6,70\xa0£).",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_shipping_rate_changed_after_the_review_orders_nothing_and_shows_the_review_again(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    gina = SandboxUser(running.server, 671, "Gina", language_code=language)
    review = await gina.press(await chosen(gina, "DPD"), "💵")
    assert words["total_before"] in review.last.text
    await raise_dpd(running, 100)

    refused = await gina.press(review.last, "✅")
    assert refused.callback_answer is not None and refused.callback_answer["show_alert"]
    assert refused.callback_answer["text"] == words["alert"]
    assert await count(running, m.OrderRow) == 0
    again = refused.last  # the review again, the change named, at the total Confirm now places
    assert again.message_id != review.last.message_id
    for said in (words["named"], words["delivery"], words["total"]):
        assert said in again.text, again.text

    placed = await gina.press(again, "✅")
    order = await order_row(running, order_code(placed))
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.total_minor) == (85, 0, 770, 855)
    assert order.carrier == "DPD"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_promotion_ended_after_the_review_orders_nothing_and_says_the_new_total(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')
    assert "Hearts week" in made.last.text
    hana = SandboxUser(shop.server, 672, "Hana", language_code=language)
    await add_to_cart(hana, "85123A", 2)  # £5.90, 10p off each
    review = await hana.press((await checkout_to_payment(hana, pickup=True)).last, "💵")
    assert words["discounted"] in review.last.text
    assert "Hearts week" in (await admin.send("/promotion end 1")).last.text

    refused = await hana.press(review.last, "✅")
    assert refused.callback_answer is not None and refused.callback_answer["text"] == words["ended"]
    assert await count(shop, m.OrderRow) == 0
    assert words["undiscounted"] in refused.last.text and "Hearts week" not in refused.last.text

    order = await order_row(shop, order_code(await hana.press(refused.last, "✅")))
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.total_minor) == (590, 0, 0, 590)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_promotion_begun_after_the_review_places_the_order_at_the_better_price(
    shop: RunningBot, language: str
) -> None:
    """A promotion the shop started between the customer's review and their Confirm lowers what the order comes to:
    the customer is charged less than they agreed to, never refused for it, and the order carries the discount."""
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    hana = SandboxUser(shop.server, 673, "Hana", language_code=language)
    await add_to_cart(hana, "85123A", 2)  # £5.90
    review = await hana.press((await checkout_to_payment(hana, pickup=True)).last, "💵")
    assert WORDS[language]["undiscounted"] in review.last.text
    made = await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')
    assert "Hearts week" in made.last.text

    placed = await hana.press(review.last, "✅")
    order = await order_row(shop, order_code(placed))
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.total_minor) == (590, 20, 0, 570)
    assert await count(shop, m.OrderRow) == 1


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_shipping_rate_lowered_after_the_review_places_the_order_at_the_lower_total_and_says_so(
    running: RunningBot, language: str
) -> None:
    """As a promotion begun between the review and ✅ Confirm: the customer is charged less than they agreed to,
    never sent round the review again for it; the confirmation names the delivery's new price. Booked at it."""
    words = WORDS[language]
    ivo = await business_customer(running, 674, "Ivo", language=language)
    review = await ivo.press(await chosen(ivo, "DPD"), "🧾")  # on invoice: the sale is booked as it is placed
    assert words["invoice_review"] in review.last.text
    await raise_dpd(running, -100)

    placed = await ivo.press(review.last, "✅")
    assert placed.callback_answer is not None and not placed.callback_answer.get("show_alert")
    code = order_code(placed)
    [confirmation] = [m for m in placed.edited if m.message_id == review.last.message_id]
    assert confirmation.text == words["cheaper"].format(code=code)
    order = await order_row(running, code)
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.total_minor) == (85, 0, 570, 655)
    assert order.carrier == "DPD" and await count(running, m.OrderRow) == 1
    books = await order_books(running, code)
    assert books[Account.RECEIVABLE.value] == (655, 0)
    assert sum(debit for debit, _ in books.values()) == sum(credit for _, credit in books.values()) == 655
