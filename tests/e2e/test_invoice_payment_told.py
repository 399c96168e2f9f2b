"""A manager records a business's bank transfer with /paid: the buyer is told, in their own language, what was
received, what the invoice still asks for (or that it is paid in full) and the invoice's number — once a payment,
however often /paid is sent; never to the staff member who recorded it for their own order.

Demo data used: 22151 at £0.42 and courier delivery at £5.90 for 3 units: the invoice asks for £7.16."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.short_invoices import _invoice_order, shown

TOLD = {
    "en": {
        "part": "💷 We received your payment of {paid} for order {code} (invoice {invoice}). Still to pay: {left}.",
        "whole": "💷 We received your payment of {paid} for order {code} (invoice {invoice}). "
        "Your invoice is paid in full, thank you.",
        "received": "We received your payment",
    },
    "ru": {
        "part": "💷 Мы получили вашу оплату {paid} по заказу {code} (счёт {invoice}). Осталось оплатить: {left}.",
        "whole": "💷 Мы получили вашу оплату {paid} по заказу {code} (счёт {invoice}). "
        "Счёт оплачен полностью, спасибо.",
        "received": "Мы получили вашу оплату",
    },
}


DETAILS = {"en": "Details:", "ru": "Подробнее:"}


def _received(shop: RunningBot, buyer_id: int, language: str) -> list[str]:
    texts = [message.text for message in shop.server.chat_messages(buyer_id)]
    return [text.replace("\xa0", " ").split("\n")[0] for text in texts if TOLD[language]["received"] in text]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_buyer_is_told_each_payment_a_manager_records_and_what_is_left_in_their_language(
    shop: RunningBot, language: str
) -> None:
    told = TOLD[language]
    buyer, code = await _invoice_order(shop, 521, language, 3)
    manager = await hire(shop, 522, "Mia", "manager")  # the manager reads English; the buyer their own language

    await manager.send(f"/paid {code} 5")
    await shop.runtime.notifier.drain()
    part = (
        told["part"]
        .format(paid=shown(500, language), code=code, invoice="INV-000001", left=shown(216, language))
        .replace("\xa0", " ")
    )
    assert _received(shop, buyer.id, language) == [part]
    assert shop.server.chat_messages(buyer.id)[-1].text.endswith(f"\n{DETAILS[language]} /track {code}")

    await manager.send(f"/paid {code}")
    await shop.runtime.notifier.drain()
    whole = told["whole"].format(paid=shown(216, language), code=code, invoice="INV-000001").replace("\xa0", " ")
    assert _received(shop, buyer.id, language) == [part, whole]


async def test_a_paid_sent_again_for_the_same_payment_tells_the_buyer_once(shop: RunningBot) -> None:
    buyer, code = await _invoice_order(shop, 531, "en", 3)
    manager = await hire(shop, 532, "Mia", "manager")
    first = (await manager.send(f"/paid {code}")).last.text
    again = (await manager.send(f"/paid {code}")).last.text  # a double send, or a second manager
    assert again == f"The invoice for order {code} is already paid.", (first, again)
    await shop.runtime.notifier.drain()
    assert len(_received(shop, buyer.id, "en")) == 1


async def test_a_manager_recording_their_own_order_paid_is_not_messaged_about_it(shop: RunningBot) -> None:
    buyer, code = await _invoice_order(shop, 541, "en", 3)
    await hire(shop, 541, "Corp", "manager")  # the buyer is on the staff too
    reply = (await buyer.send(f"/paid {code}")).last.text
    assert reply == f"Payment of {shown(716, 'en')} recorded for order {code}; invoice reminders stop."
    await shop.runtime.notifier.drain()
    assert _received(shop, buyer.id, "en") == []
