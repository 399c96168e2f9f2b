"""An issued invoice corrected downward gets a numbered credit note whether it was paid or not, for
the whole reduction: a pay-by-invoice order cancelled, edited down, or its replacement's units not
sent — the note's button on the message that tells the customer (a short part dropped:
test_short_invoice_credit_notes)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.returns import ReturnKind
from domain.usecases.orders import cancel_my_order
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import credit_notes, receipt_files, total_of
from tests.e2e.exchange_refunds import lines_of, through
from tests.e2e.jobs import _invoice_order as invoice_of_ten
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar
from tests.e2e.returns import deliver
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.variants import tshirts

WORDS = {
    "en": {
        "button": "📄 Credit note CN-000001 (PDF)",
        "cancelled": "Order {code} is cancelled, so your invoice is cancelled by a credit note of",
    },
    "ru": {
        "button": "📄 Кредит-нота CN-000001 (PDF)",
        "cancelled": "Заказ {code} отменён, поэтому счёт аннулирован кредит-нотой на",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_unpaid_invoice_cancelled_gets_a_credit_note_of_its_whole_amount(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    buyer, code = await _invoice_order(shop, 431, language, 3)
    total = await total_of(shop, code)
    manager = await hire(shop, 432, "Mo", "manager")
    await manager.send(f"/cancelorder {code}")
    await shop.runtime.notifier.drain()
    told = next(m for m in reversed(shop.server.chat_messages(431)) if words["cancelled"].format(code=code) in m.text)
    assert told.button_texts() == [words["button"]], told
    assert await credit_notes(shop) == [(1, total, "order cancelled")]
    assert await receipt_files(buyer, code) == ["invoice-INV-000001.pdf", "credit-note-CN-000001.pdf"]


async def test_a_part_paid_invoice_cancelled_gets_one_credit_note_of_what_was_paid_and_what_was_still_asked(
    shop: RunningBot,
) -> None:
    _, code = await _invoice_order(shop, 441, "en", 3)
    total = await total_of(shop, code)
    manager = await hire(shop, 442, "Mo", "manager")
    await manager.send(f"/paid {code} 5")
    await manager.send(f"/cancelorder {code}")
    await shop.runtime.notifier.drain()
    told = next(m for m in reversed(shop.server.chat_messages(441)) if "We owe you the £5.00" in m.text)
    assert told.button_texts() == [WORDS["en"]["button"]], told
    assert await credit_notes(shop) == [(1, total, "order cancelled")]  # not £5.00: the invoice fell by all of it


async def test_an_unpaid_invoice_edited_down_gets_a_credit_note_of_what_it_fell_by(shop: RunningBot) -> None:
    _, code = await _invoice_order(shop, 451, "en", 4)
    before = await total_of(shop, code)
    sku = await scalar(shop, select(m.OrderLineRow.sku).join(m.OrderRow).where(m.OrderRow.code == code))
    manager = await hire(shop, 452, "Mo", "manager")
    await manager.send(f"/edit {code} {sku} 3")
    fell = before - await total_of(shop, code)
    assert fell > 0
    await shop.runtime.notifier.drain()
    told = next(m for m in reversed(shop.server.chat_messages(451)) if code in m.text)
    assert told.button_texts() == [WORDS["en"]["button"]], told
    assert await credit_notes(shop) == [(1, fell, "order changed")]


async def test_a_replacement_cancelled_on_an_unpaid_invoice_gets_a_credit_note_of_what_the_invoice_fell_by(
    shop: RunningBot,
) -> None:
    code = await invoice_of_ten(shop, 461)  # 10 × £2.95 + shipping, on account, unpaid
    await deliver(shop, code)
    line = (await lines_of(shop, code))["85123A"][0]
    rma = await through(shop, 461, code, ReturnKind.EXCHANGE, {line: None}, count=2)
    made = select(m.OrderRow.code).join(m.ReturnRow, m.ReturnRow.replacement_order_id == m.OrderRow.id)
    replacement = str(await scalar(shop, made.where(m.ReturnRow.rma_code == rma)))
    customer_id = int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 461)))
    await cancel_my_order(
        shop.runtime.uow(), shop.runtime.clock, customer_id=customer_id, code=replacement, staff_chat_id=None
    )
    await shop.runtime.notifier.drain()
    told = next(m for m in reversed(shop.server.chat_messages(461)) if "reduced by £5.90" in m.text)
    assert told.button_texts() == [WORDS["en"]["button"]], told
    assert await credit_notes(shop) == [(1, 590, "exchange difference")]


async def test_an_unpaid_invoices_swap_to_a_cheaper_size_gets_a_credit_note_of_the_difference(shop: RunningBot) -> None:
    await tshirts(shop)
    buyer = await business_customer(shop, 471)
    code = order_code(await place_invoice_order(buyer, "TEE-L-NVY", pickup=True))
    await deliver(shop, code)
    line = (await lines_of(shop, code))["TEE-L-NVY"][0]
    await through(shop, 471, code, ReturnKind.EXCHANGE, {line: "TEE-M-NVY"})
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(471)[-1]
    assert told.button_texts() == [WORDS["en"]["button"]], told
    assert await credit_notes(shop) == [(1, 100, "exchange difference")]  # the M's £1.00 less, off the invoice
