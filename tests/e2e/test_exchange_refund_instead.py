"""An exchange that cannot be sent (the size sold out meanwhile, the returned one written off as
damaged) is refunded instead from its /rma screen: staff were left with a "Send the replacement"
that could only be refused, and the customer with neither goods nor money."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.exchange_refunds import balanced
from tests.e2e.journeys import payments, scalar
from tests.e2e.returns import delivered, rma_of
from tests.e2e.variants import WORDS, tshirts

STEPS = {
    "en": ("Approve", "Parcel received", "Write off", "Send the replacement", "Refund instead"),
    "ru": ("Утвердить", "Посылка получена", "Списать", "Отправить замену", "Вернуть деньги вместо замены"),
}
TOLD = {"en": "refund approved.\nWe will refund £15.70.", "ru": "возврат денег одобрен.\nМы вернём 15,70\xa0£."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_exchange_that_cannot_be_sent_is_refunded_instead_with_the_shipping_when_it_was_damaged(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    code = await delivered(shop, 962, {"TEE-M-NVY": 1})  # £12.00 and £3.70 shipping
    none_left = "sku,warehouse,bin,quantity\nTEE-M-NVY,LON,A-05-02-2,0\n"
    await import_stock(shop.runtime.uow(), shop.runtime.clock, none_left)
    words = WORDS[language]
    customer = SandboxUser(shop.server, 962, "Ann", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["exchange"])
    which = await customer.press((await customer.press(lines.last, "(M / Navy)")).last, words["continue"])
    reasons = await customer.press(which.last, words["same"])
    photos = await customer.press(reasons.last, reasons.last.button_texts()[0])  # damaged
    method = await customer.press(photos.last, words["skip"])
    rma = rma_of((await customer.press(method.last, words["store"])).last.text)
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    for step in STEPS[language][:3]:
        shown = await manager.press(shown.last, step)
    refused = await manager.press(shown.last, STEPS[language][3])
    assert refused.callback_answer is not None and refused.callback_answer["show_alert"]

    instead = next(b for b in shown.last.buttons() if STEPS[language][4] in b["text"])
    refunded = await manager.press(shown.last, STEPS[language][4])
    # A second tap (on another copy of the screen: this one changed in place): done already.
    again = await manager.press_data(shown.last, instead["callback_data"], label=instead["text"])
    assert again.callback_answer is not None and not again.callback_answer.get("show_alert")
    assert await payments(shop, code) == [("payment", 1570), ("write_off", 1200), ("refund_owed", 1570)]
    assert await scalar(shop, select(func.count()).select_from(m.OrderRow)) == 1  # no replacement
    assert await scalar(shop, select(m.ReturnRow.kind)) == "refund"
    assert STEPS[language][3] not in " ".join(refunded.last.button_texts())
    await shop.runtime.notifier.drain()
    assert shop.server.chat_messages(962)[-1].text.endswith(TOLD[language])
    assert await balanced(shop)
