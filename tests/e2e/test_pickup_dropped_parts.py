"""A cash-on-delivery pickup order whose customer dropped a part they were short of: the counter
asks for, records and books what the courier would collect, the order less the part given up,
in English and Russian, through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.usecases.stock import stock_drift
from handlers.output.barcodes import read_barcode
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, order_code, payments, place_cod_order, scalar, status
from tests.e2e.order_edit_additions import _unbalanced_entries
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import SKU, _short_pick
from tests.e2e.short_picks import WORDS as SHORT
from tests.e2e.split_shipments import shelf_says

WORDS = {  # 4 × 22151 at £0.42 ordered, 1 on the shelf, 3 dropped: £0.42 to collect
    "en": ("To pay at pickup: £0.42", "Order {code} is handed over and completed. Take £0.42 in cash: it is recorded."),
    "ru": (
        "К оплате при получении: 0,42\xa0£",
        "Заказ {code} выдан и завершён. Получите 0,42\xa0£ наличными: оплата записана.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_counter_takes_a_cash_order_less_the_parts_its_customer_gave_up(
    shop: RunningBot, language: str
) -> None:
    ready_words, handed_words = WORDS[language]
    await shelf_says(shop, 4)  # the books say 4; the shelf holds 1
    nina = SandboxUser(shop.server, 186, "Nina", language_code=language)
    await add_to_cart(nina, SKU, 4)
    code = order_code(await place_cod_order(nina, pickup=True))
    picker = await hire_in(shop, 187, "Pia", "picker", "en")
    await _short_pick(shop, picker, found=1)
    asked = next(msg for msg in reversed(shop.server.chat_messages(186)) if SHORT[language]["asked"] in msg.text)
    await nina.press(asked, SHORT[language]["cancel"])
    assert await status(shop, code) == "picked"
    assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)) == 168

    packer = await hire_in(shop, 188, "Pax", "packer", language)
    await packer.send(f"/pack {code}")
    reply = await packer.press((await packer.send(f"{SKU} 1")).last, "✅")
    await packer.press(reply.last, "⚖️")
    assert await status(shop, code) == "packed"
    await shop.runtime.notifier.drain()
    ready = next(msg for msg in shop.server.chat_messages(186) if msg.kind == "photo")
    assert ready_words in ready.text, ready.text
    assert ready.file is not None
    pickup = read_barcode(ready.file.content)
    assert pickup is not None

    handed = await packer.send(f"/handover {pickup}")
    assert handed.last.text == handed_words.format(code=code)
    assert await status(shop, code) == "completed"
    assert await payments(shop, code) == [("payment", 42)]  # as a courier's delivery records it
    cash = (
        select(func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor))
        .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
        .where(m.JournalEntryRow.source == f"order:{code}", m.JournalLineRow.account == "1000 Cash")
    )
    assert await scalar(shop, cash) == 42
    assert await _unbalanced_entries(shop) == 0
    assert await stock_drift(shop.runtime.uow()) == []
