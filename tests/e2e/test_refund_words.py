"""A return's refund is called what it is at each step: agreed and owed ("refund approved", "we will
refund") until staff confirm it paid back ("refund paid back"), to the customer and on /rma, in
English and Russian — "refunded" beside "we will refund" told the customer two things at once."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.refund_words import STEPS
from tests.e2e.returns import delivered, rma_of
from tests.e2e.variants import WORDS, tshirts

WORDING = {
    "en": {
        "owed": "↩️ Return {rma} for order {code}: refund approved.\nWe will refund £13.00.",
        "paid": "↩️ Return {rma} for order {code}: refund paid back.\nWe have paid back £13.00.",
        "owed title": "Return {rma} — refund approved",
        "paid title": "Return {rma} — refund paid back",
        "return": "Return",
        "order": "Order {code} · refund · changed my mind",
    },
    "ru": {
        "owed": "↩️ Возврат {rma} по заказу {code}: возврат денег одобрен.\nМы вернём 13,00\xa0£.",
        "paid": "↩️ Возврат {rma} по заказу {code}: возврат выплачен.\nМы вернули 13,00\xa0£.",
        "owed title": "Возврат {rma} — возврат денег одобрен",
        "paid title": "Возврат {rma} — возврат выплачен",
        "return": "Вернуть",
        "order": "Заказ {code} · возврат денег · передумал(а)",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_refund_is_approved_while_owed_and_paid_back_once_confirmed(shop: RunningBot, language: str) -> None:
    words, asked = WORDING[language], WORDS[language]
    await tshirts(shop)
    code = await delivered(shop, 960, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 960, "Ann", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["return"])
    reasons = await customer.press((await customer.press(lines.last, "(L / Navy)")).last, asked["continue"])
    photos = await customer.press(reasons.last, asked["reason"])
    method = await customer.press(photos.last, asked["skip"])
    rma = rma_of((await customer.press(method.last, asked["store"])).last.text)
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    for step in STEPS[language][:4]:
        shown = await manager.press(shown.last, step)
    await shop.runtime.notifier.drain()
    assert shop.server.chat_messages(960)[-1].text == words["owed"].format(rma=rma, code=code)
    assert shown.last.text.split("\n")[:2] == [words["owed title"].format(rma=rma), words["order"].format(code=code)]

    shown = await manager.press(shown.last, STEPS[language][4])
    await shop.runtime.notifier.drain()
    assert shop.server.chat_messages(960)[-1].text == words["paid"].format(rma=rma, code=code)
    assert shown.last.text.split("\n")[:2] == [words["paid title"].format(rma=rma), words["order"].format(code=code)]
