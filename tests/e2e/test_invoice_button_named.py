"""The button that sends an order's PDF names the document it sends: a business's order on invoice gets its invoice
(«Счёт»), not a «Чек» (in Russian a fiscal cash receipt, another document); a paid order keeps its receipt."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, business_customer, order_code, place_cod_order, place_invoice_order

NAMED = {
    "en": {"invoice": "🧾 Invoice (PDF)", "receipt": "🧾 Receipt (PDF)", "title": "Invoice — order"},
    "ru": {"invoice": "🧾 Счёт (PDF)", "receipt": "🧾 Чек (PDF)", "title": "Счёт — заказ"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_orders_document_button_says_invoice(shop: RunningBot, language: str) -> None:
    named = NAMED[language]
    buyer = await business_customer(shop, 870, "ООО Ромашка", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    screen = (await buyer.send(f"/track {code}")).last
    assert named["invoice"] in screen.button_texts() and named["receipt"] not in screen.button_texts()
    sent = await buyer.press(screen, named["invoice"])
    document = next(message for message in sent.messages if message.kind == "document")
    assert document.file is not None and document.file.content.startswith(b"%PDF")

    shopper = SandboxUser(shop.server, 871, "Kim", language_code=language)
    await add_to_cart(shopper, "85123A", 1)
    paid_later = order_code(await place_cod_order(shopper, location=False))
    screen = (await shopper.send(f"/track {paid_later}")).last
    assert named["receipt"] in screen.button_texts() and named["invoice"] not in screen.button_texts()
