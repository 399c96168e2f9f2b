"""How an order was paid reads naturally in the reader's language wherever it is named: a card order's screen
(/track), its receipt (PDF) and the Mini App's order screen say "card, paid in Telegram" («картой через Telegram»,
no English in Russian); a pickup order's review says «Оплата: при получении в магазине», not «Оплата: оплата…»."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_of_invoice, pdf_text, place_card_order
from tests.e2e.miniapp import miniapp, tma

WORDS = {
    "en": {"card": "card, paid in Telegram", "paid": "Payment: ", "pickup": "Payment: on pickup at the store"},
    "ru": {"card": "картой через Telegram", "paid": "Оплата: ", "pickup": "Оплата: при получении в магазине"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_card_order_says_it_was_paid_by_card_in_telegram_in_the_readers_words(
    paying_shop: RunningBot, language: str
) -> None:
    shop, words = paying_shop, WORDS[language]
    said = words["paid"] + words["card"]
    customer = SandboxUser(shop.server, 5501, "Olga", language_code=language)
    invoice = await place_card_order(customer, "85123A")
    code = order_of_invoice(invoice)
    await customer.pay(invoice)
    screen = (await customer.send(f"/track {code}")).last
    assert said in screen.text and "Telegram Payments" not in screen.text, screen.text
    receipt = await customer.press(screen, "🧾")
    [document] = [m for m in receipt.new if m.kind == "document"]
    assert document.file is not None
    printed = " ".join(pdf_text(document.file.content).split())
    assert said in printed and "Payments" not in printed, printed
    async with miniapp(shop) as client:
        response = await client.get(f"/app/api/shop/orders/{code}", headers=tma(shop, 5501, language=language))
        shown = await response.json()
    assert response.status == 200 and shown["payment"] == words["card"], shown


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_pickup_orders_review_names_the_payment_once(paying_shop: RunningBot, language: str) -> None:
    customer = SandboxUser(paying_shop.server, 5502, "Oleg", language_code=language)
    await add_to_cart(customer, "85123A")
    asked = await checkout_to_payment(customer, pickup=True)
    review = await customer.press(asked.last, "💵")
    assert WORDS[language]["pickup"] in review.last.text.splitlines(), review.last.text
