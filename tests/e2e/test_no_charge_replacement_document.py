"""A business's same-price exchange takes no invoice number (nothing more is owed), so its replacement's document
is no invoice: its button and PDF call it a delivery note, "no charge" (en/ru); the first order's invoice keeps its
number.

Demo data used: the T-shirts of ``tests.e2e.variants``, M and M the same price."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.exchange_refunds import balanced, lines_of, through
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.invoice_returns import account
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar
from tests.e2e.returns import deliver
from tests.e2e.variants import tshirts

WORDS = {
    "en": {
        "button": "🧾 Delivery note (PDF)",
        "title": "Delivery note — order {code}",
        "free": "Replacement sent in exchange: no charge.",
        "invoice": "Invoice",
    },
    "ru": {
        "button": "🧾 Накладная (PDF)",
        "title": "Накладная — заказ {code}",
        "free": "Замена по обмену: бесплатно.",
        "invoice": "Счёт",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_no_charge_replacement_on_account_prints_a_delivery_note_not_an_invoice(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await tshirts(shop)
    buyer = await business_customer(shop, 961, "ООО Ромашка", language)
    code = order_code(await place_invoice_order(buyer, "TEE-M-NVY", pickup=True))
    await deliver(shop, code)
    receivable = await account(shop, Account.RECEIVABLE)
    line = (await lines_of(shop, code))["TEE-M-NVY"][0]
    await through(shop, 961, code, ReturnKind.EXCHANGE, {line: "TEE-M-NVY"})
    o = m.OrderRow
    mine = select(o.customer_id).where(o.code == code).scalar_subquery()
    async with shop.runtime.sessions() as session:
        [(replacement, number, total)] = (
            await session.execute(
                select(o.code, o.invoice_number, o.total_minor).where(o.customer_id == mine, o.code != code)
            )
        ).all()
    assert (number, total) == (None, 0)  # nothing more on account: no invoice issued
    assert await scalar(shop, select(o.invoice_number).where(o.code == code)) == 1

    document = await invoice_document(buyer, replacement, words["button"])
    assert words["title"].format(code=replacement) in document and words["free"] in document, document
    assert words["invoice"] not in document and "INV-" not in document, document
    assert await account(shop, Account.RECEIVABLE) == receivable  # £0 more asked of them
    assert await balanced(shop)


INVOICED = {
    "en": {"button": "🧾 Invoice (PDF)", "title": "Invoice INV-000002 of 25 Nov 2026", "total": "Total: £{}"},
    "ru": {"button": "🧾 Счёт (PDF)", "title": "Счёт № INV-000002 от 25 нояб. 2026 г.", "total": "Итого: {} £"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_no_charge_replacement_edited_up_takes_an_invoice_number_and_its_document_is_an_invoice_for_the_rise(
    shop: RunningBot, language: str
) -> None:
    """A £0 replacement on account asked nothing, so it took no number; edited up, it sells something: the rise is
    on account, so its invoice is issued then, numbered INV-000002, for the rise (no debit note: there was no
    invoice to add to), and its document calls itself that invoice."""
    words = INVOICED[language]
    buyer, replacement = await _free_replacement(shop, 971, language)
    o = m.OrderRow
    receivable = await account(shop, Account.RECEIVABLE)
    manager = await hire(shop, 972, "Mo", "manager")
    await manager.send(f"/edit {replacement} TEE-L-NVY 1")  # its exchanged line can only go down

    async with shop.runtime.sessions() as session:
        number, total = (
            await session.execute(select(o.invoice_number, o.total_minor).where(o.code == replacement))
        ).one()
        debits = (await session.execute(select(m.DebitNoteRow.number))).all()
    assert total > 0 and number == 2 and debits == []  # its own invoice, numbered when it first asked for money
    document = await invoice_document(buyer, replacement, words["button"])
    amount = f"{total // 100}.{total % 100:02d}" if language == "en" else f"{total // 100},{total % 100:02d}"
    assert words["title"] in document and words["total"].format(amount) in document, document
    assert await account(shop, Account.RECEIVABLE) == receivable + total  # the rise on account, to the penny
    assert await balanced(shop)


ISSUED_LATER = {
    "en": {
        "title": "Invoice INV-000002 of 28 Nov 2026",
        "button": "📄 Debit note DN-000001 (PDF)",
        "adds": "Adds to invoice INV-000002 of 28 Nov 2026",
    },
    "ru": {
        "title": "Счёт № INV-000002 от 28 нояб. 2026 г.",
        "button": "📄 Дебет-нота DN-000001 (PDF)",
        "adds": "Дополняет счёт № INV-000002 от 28 нояб. 2026 г.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_replacement_invoiced_days_after_it_was_placed_is_named_by_its_invoices_day_in_a_note_adding_to_it(
    shop: RunningBot, language: str
) -> None:
    """A £0 replacement edited up three days after it was placed takes its invoice then, dated that day; a debit note
    adding to it named the invoice by the day the replacement was placed, a day no invoice of that number bears."""
    words = ISSUED_LATER[language]
    buyer, replacement = await _free_replacement(shop, 981, language)
    manager = await hire(shop, 982, "Mo", "manager")
    shop.runtime.clock.advance(days=3)  # type: ignore[attr-defined]
    await manager.send(f"/edit {replacement} TEE-L-NVY 1")  # its invoice, INV-000002, issued today
    await manager.send(f"/edit {replacement} TEE-L-NVY 2")  # a rise on it: DN-000001
    await shop.runtime.notifier.drain()
    told = next(msg for msg in reversed(shop.server.chat_messages(981)) if words["button"] in msg.button_texts())
    sent = await buyer.press(told, words["button"])
    (document,) = [message for message in sent.messages if message.kind == "document"]
    assert _spaced(document.text) == words["adds"]
    invoice = await invoice_document(buyer, replacement, INVOICED[language]["button"])
    assert words["title"] in invoice, invoice


async def _free_replacement(shop: RunningBot, chat: int, language: str) -> tuple[SandboxUser, str]:
    """A business's delivered order on account exchanged for the same T-shirt: its buyer, the £0 replacement's code."""
    await tshirts(shop)
    buyer = await business_customer(shop, chat, "ООО Ромашка", language)
    code = order_code(await place_invoice_order(buyer, "TEE-M-NVY", pickup=True))
    await deliver(shop, code)
    line = (await lines_of(shop, code))["TEE-M-NVY"][0]
    await through(shop, chat, code, ReturnKind.EXCHANGE, {line: "TEE-M-NVY"})
    o = m.OrderRow
    mine = select(o.customer_id).where(o.code == code).scalar_subquery()
    return buyer, str(await scalar(shop, select(o.code).where(o.customer_id == mine, o.code != code)))


def _spaced(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")
