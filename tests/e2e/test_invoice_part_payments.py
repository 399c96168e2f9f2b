"""A business pays its invoice in parts: /paid CODE AMOUNT records each part, what is left is
said, reminders and /ar ask for the rest, and more than is owed or a bad amount changes nothing.

Demo data used: 22151 at £0.42 and courier delivery at £5.90 for 3 units: the invoice asks for £7.16."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.jobs import dun_invoices
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import scalar
from tests.e2e.order_edit_additions import _unbalanced_entries
from tests.e2e.short_invoices import REMINDED, _account, _invoice_order, _payments, shown
from tests.e2e.short_picks import STAFF_CHAT
from tests.fakes import FakeClock

SAID = {
    "en": {
        "part": "Payment of {paid} recorded for order {code}; {left} is still to pay.",
        "whole": "Payment of {paid} recorded for order {code}; invoice reminders stop.",
        "over": "The invoice for order {code} asks for {left}; a payment of {paid} is more than that. "
        "Nothing was recorded.",
        "nothing": "A payment is more than zero. Nothing was recorded.",
        "bad": "abc is not a valid amount in GBP.",
        "paid": "The invoice for order {code} is already paid.",
        "receipt": "🧾 Invoice (PDF)",
        "settled": "Invoice paid in full.",
    },
    "ru": {
        "part": "Оплата {paid} по заказу {code} записана; осталось оплатить {left}.",
        "whole": "Оплата {paid} по заказу {code} записана; напоминания о счёте прекращаются.",
        "over": "Счёт по заказу {code} ждёт {left}; оплата {paid} больше этого. Ничего не записано.",
        "nothing": "Оплата должна быть больше нуля. Ничего не записано.",
        "bad": "abc — неверная сумма в GBP.",
        "paid": "Счёт по заказу {code} уже оплачен.",
        "receipt": "🧾 Счёт (PDF)",
        "settled": "Счёт оплачен полностью.",
    },
}

SCREEN = {  # what the customer's order screen says then
    "en": "🧾 Invoice due by 9 Dec 2026 · Still to pay: £2.16",
    "ru": "🧾 Оплатить до 9 дек. 2026 г. · Осталось оплатить: 2,16 £",
}
DOCUMENT = {  # what the invoice's PDF says once £5.00 of its £7.16 came in
    "en": ["Invoice INV-000001 of", "Order {code}", "Invoice due by 9 Dec 2026", "Still to pay: £2.16"],
    "ru": ["Счёт № INV-000001 от", "Заказ {code}", "Оплатить до 9 дек. 2026 г.", "Осталось оплатить: 2,16 £"],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_invoice_paid_in_parts_asks_for_the_rest_until_the_last_part_settles_it(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    buyer, code = await _invoice_order(shop, 501, language, 3)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    assert order.total_minor == 716
    manager = await hire(shop, 502, "Mia", "manager", language=language)

    first = (await manager.send(f"/paid {code} 5")).last.text
    assert first == said["part"].format(paid=shown(500, language), code=code, left=shown(216, language))
    assert await _payments(shop, order.id, "payment") == 500
    assert await _account(shop, code, "1100 Accounts receivable") == 216
    assert f"{shown(216, language)}" in (await manager.send("/ar")).last.text

    papers = await invoice_document(buyer, code, said["receipt"])
    assert all(part.format(code=code) in papers for part in DOCUMENT[language]), papers
    screen = (await buyer.send(f"/track {code}")).last.text.replace("\xa0", " ").replace("\u202f", " ")
    assert SCREEN[language] in screen, screen

    for typed, refusal in (
        ("20", said["over"].format(code=code, left=shown(216, language), paid=shown(2000, language))),
        ("0", said["nothing"]),
        ("-3", said["nothing"]),
        ("abc", said["bad"]),
    ):
        assert (await manager.send(f"/paid {code} {typed}")).last.text == refusal, typed
    assert await _payments(shop, order.id, "payment") == 500  # the refusals recorded nothing

    clock.advance(days=14)  # due: the reminder asks for what is left
    assert await dun_invoices(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=STAFF_CHAT) == 1
    await shop.runtime.notifier.drain()
    reminder = shop.server.chat_messages(buyer.id)[-1].text
    assert REMINDED[language] in reminder and f"({shown(216, language)})" in reminder

    last = (await manager.send(f"/paid {code} 2,16")).last.text  # a decimal comma, as typed in Russian
    assert last == said["whole"].format(paid=shown(216, language), code=code)
    assert await _payments(shop, order.id, "payment") == 716
    assert await _account(shop, code, "1100 Accounts receivable") == 0
    assert await _unbalanced_entries(shop) == 0
    assert (await manager.send(f"/paid {code} 1")).last.text == said["paid"].format(code=code)
    assert "🧾" not in (await buyer.send(f"/track {code}")).last.text  # settled: nothing more asked
    papers = await invoice_document(buyer, code, said["receipt"])
    assert said["settled"] in papers and "£2.16" in papers.replace("2,16 £", "£2.16")  # the parts listed
    clock.advance(days=3)
    assert await dun_invoices(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=STAFF_CHAT) == 0
