"""✅ Confirm places an order only at the total the review showed: a shipping rate the shop changed between the review
and Confirm (the cart the same) orders nothing, names the change and shows the review again; confirmed then, the
order is at the new total.

Demo data used: 22355 "Charlotte Bag Suki Design" £0.85, 1,001 g. DPD Next Day to Baker Street (the local zone):
£5.90 + £0.40 a started kilogram, one bag £6.70; raised by £1 here, £7.70."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.checkout_shipping import chosen, raise_dpd
from tests.e2e.journeys import count, order_code, order_row

WORDS = {
    "en": {
        "alert": "Shipping is now £7.70 (was £6.70). Nothing was ordered: check the order again and confirm.",
        "named": "Shipping is now £7.70 (was £6.70).",
        "delivery": "Delivery: DPD Next Day — £7.70",
        "total_before": "Total: £7.55",
        "total": "Total: £8.55",
    },
    "ru": {
        "alert": "Доставка теперь стоит 7,70\xa0£ (было 6,70\xa0£). Ничего не заказано: проверьте заказ ещё раз и "
        "подтвердите.",
        "named": "Доставка теперь стоит 7,70\xa0£ (было 6,70\xa0£).",
        "delivery": "Доставка: DPD Next Day — 7,70\xa0£",
        "total_before": "Итого: 7,55\xa0£",
        "total": "Итого: 8,55\xa0£",
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
