"""A promo code refused at the review says to type another: the next code typed is tried, in English and Russian —
it used to be answered "Please use the buttons above", and 🏷 pressed again said the checkout had expired."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code, order_row

WORDS = {
    "en": {
        "enter": "🏷 Enter a promo code",
        "refused": "There is no promo code WRONG.\nType another code, or /skip to go back to the review.",
        "applied": "Promo code SAVE10 applied: −£0.59.",
        "total": "Total: £5.31",
        "type": "Type your promo code, or /skip to go back to the review.",
        "confirm": "✅ Confirm order",
        "gift": "🎁 Send as a gift",
        "gift_asked": "Type the message for the gift card",
        "gift_line": "🎁 A gift, wrapped, no prices in the parcel.",
        "remove": "✖️ Remove promo code",
        "removed": "Promo code removed.",
        "full_total": "Total: £5.90",
    },
    "ru": {
        "enter": "🏷 Ввести промокод",
        "refused": "Промокода WRONG нет.\nВведите другой код или /skip, чтобы вернуться к проверке заказа.",
        "applied": "Промокод SAVE10 применён: −0,59",
        "total": "Итого: 5,31",
        "type": "Введите промокод или /skip, чтобы вернуться к проверке заказа.",
        "confirm": "✅ Подтвердить заказ",
        "gift": "🎁 Отправить как подарок",
        "gift_asked": "Напишите текст для открытки",
        "gift_line": "🎁 Подарок: упакуем, цен в посылке не будет.",
        "remove": "✖️ Убрать промокод",
        "removed": "Промокод убран.",
        "full_total": "Итого: 5,90",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_refused_promo_code_lets_the_customer_type_another(shop: RunningBot, language: str) -> None:
    await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new SAVE10 percent=10 until=2026-12-31")
    words = WORDS[language]
    ann = SandboxUser(shop.server, 760, "Ann", language_code=language)
    await add_to_cart(ann, "85123A", 2)
    reply = await checkout_to_payment(ann, pickup=True)
    review = (await ann.press(reply.last, "💵")).last
    await ann.press(review, words["enter"])
    refused = await ann.send("wrong")
    assert refused.last.text == words["refused"]
    again = await ann.press(review, words["enter"])  # 🏷 once more on the review above
    assert again.callback_answer is not None and not again.callback_answer.get("show_alert")
    assert again.last.text == words["type"]
    applied = await ann.send("save10")
    assert words["applied"] in applied.new[0].text and words["total"] in applied.last.text
    code = order_code(await ann.press(applied.last, words["confirm"]))
    assert (await order_row(shop, code)).promo_code == "SAVE10"


async def test_skip_after_a_refused_promo_code_shows_the_review_to_confirm_without_one(shop: RunningBot) -> None:
    bo = SandboxUser(shop.server, 761, "Bo")
    await add_to_cart(bo, "85123A", 2)
    reply = await checkout_to_payment(bo, pickup=True)
    await bo.press(reply.last, "💵")
    await bo.send("/promo WRONG")
    back = await bo.send("/skip")
    assert "Step 5 of 5. Confirm, or /cancel." in back.last.text and "Total: £5.90" in back.last.text
    code = order_code(await bo.press(back.last, "✅ Confirm order"))
    assert (await order_row(shop, code)).promo_code == ""


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_reviews_buttons_work_after_a_refused_promo_code(shop: RunningBot, language: str) -> None:
    await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new SAVE10 percent=10 until=2026-12-31")
    words = WORDS[language]
    cy = SandboxUser(shop.server, 762, "Cy", language_code=language)
    await add_to_cart(cy, "85123A", 2)
    reply = await checkout_to_payment(cy, pickup=True)
    await cy.press(reply.last, "💵")
    review = (await cy.send("/promo SAVE10")).last
    assert words["total"] in review.text
    refused = await cy.send("/promo WRONG")
    assert refused.last.text == words["refused"]
    removed = await cy.press(review, words["remove"])  # ✖️ on the review above, the code still applied
    assert removed.callback_answer is not None and removed.callback_answer.get("text") == words["removed"]
    assert words["full_total"] in removed.last.text
    await cy.send("/promo WRONG")
    gift = await cy.press(removed.last, words["gift"])  # 🎁 after a second refusal
    assert gift.callback_answer is not None and not gift.callback_answer.get("show_alert")
    assert gift.last.text.startswith(words["gift_asked"])
    back = await cy.send("For Bo")
    assert words["gift_line"] in back.last.text
    code = order_code(await cy.press(back.last, words["confirm"]))
    row = await order_row(shop, code)
    assert row.promo_code == "" and row.gift_message == "For Bo"
