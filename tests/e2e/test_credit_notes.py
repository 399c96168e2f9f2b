"""A refund on an invoiced sale gets a credit note (en/ru): numbered CN-000001, CN-000002… in the shop's own
sequence, a PDF laid out as the invoice, naming the invoice it corrects, both tax numbers as on the day of the
sale, the amount and why; its button comes with the refund's message, and /receipt sends it again.

Demo data used: 85123A at £2.95, 806 in LON; the shop's fixture has no TAX_RATE."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import pressed
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.e2e.returns import delivered, refunded_return

WORDS = {
    "en": {
        "button": "📄 Credit note CN-00000{n} (PDF)",
        "title": "Credit note CN-00000{n}",
        "corrects": "Corrects invoice INV-000001 of",
        "shop": "VAT / tax number: GB 123 4567 89",
        "buyer": "Customer's VAT / tax number: FR 12 345678901",
        "credited": "Credited: £{amount}",
        "reason": "Reason: {reason}",
    },
    "ru": {
        "button": "📄 Кредит-нота CN-00000{n} (PDF)",
        "title": "Кредит-нота CN-00000{n}",
        "corrects": "Исправляет счёт № INV-000001 от",
        "shop": "ИНН / налоговый номер продавца: GB 123 4567 89",
        "buyer": "ИНН / налоговый номер покупателя: FR 12 345678901",
        "credited": "Сумма кредит-ноты: {amount} £",
        "reason": "Причина: {reason}",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_refund_of_an_invoiced_sale_comes_with_its_numbered_credit_note(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    admin = await hire(shop, 820, "Ada", "admin", language=language)
    await admin.send("/settings tax_number GB 123 4567 89")
    buyer = await business_customer(shop, 821, "Café Lyon", language)
    await admin.send("/customer 821 tax FR 12 345678901")
    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    await admin.send(f"/paid {code}")
    await admin.send("/customer 821 tax FR 98 765432109")  # after the sale: the credit note prints the sale's

    await admin.send(f"/refund {code} 1.50 late delivery")
    told = buyer.messages()[-1]
    assert words["button"].format(n=1) in told.button_texts(), told.button_texts()
    first = await pressed(buyer, told, words["button"].format(n=1))
    amount = "1.50" if language == "en" else "1,50"
    for expected in (
        words["title"].format(n=1),
        words["corrects"].format(code=code),
        words["shop"],
        words["buyer"],
        words["credited"].format(amount=amount),
        words["reason"].format(reason="late delivery"),
    ):
        assert expected in first, first
    assert "FR 98 765432109" not in first

    await admin.send(f"/refund {code} 0.40 box dented")
    second = await pressed(buyer, buyer.messages()[-1], words["button"].format(n=2))
    assert words["title"].format(n=2) in second and "box dented" in second, second

    again = await buyer.send(f"/receipt {code}")  # re-downloaded where the invoice is: the invoice, then each note
    documents = [m for m in again.messages if m.kind == "document" and m.file is not None]
    names = [m.file.file_name for m in documents if m.file is not None]
    assert names == ["invoice-INV-000001.pdf", "credit-note-CN-000001.pdf", "credit-note-CN-000002.pdf"], names


async def test_someone_elses_credit_note_is_not_found(shop: RunningBot) -> None:
    admin = await hire(shop, 830, "Ada", "admin")
    buyer = await business_customer(shop, 831, "Café Lyon")
    code = order_code(await place_invoice_order(buyer, "85123A", 1, location=False))
    await admin.send(f"/paid {code}")
    await admin.send(f"/refund {code} 1 late delivery")
    told = buyer.messages()[-1]
    other = SandboxUser(shop.server, 832, "Eve")
    await other.send("/start")
    answered = await other.press_data(told, told.buttons()[0]["callback_data"], label="credit note")
    assert not any(m.kind == "document" for m in answered.messages)


async def test_a_returns_refund_comes_with_the_next_credit_note_naming_its_rma(shop: RunningBot) -> None:
    admin = await hire(shop, 840, "Ada", "admin")
    code = await delivered(shop, 841, {"85123A": 2})
    await admin.send(f"/refund {code} 0.10 late delivery")  # CN-000001
    await refunded_return(shop, 841, code, "85123A")
    await shop.runtime.notifier.drain()
    customer = SandboxUser(shop.server, 841, "C841")
    told = next(m for m in reversed(customer.messages()) if m.button_texts())
    document = await pressed(customer, told, WORDS["en"]["button"].format(n=2))
    assert "Credit note CN-000002" in document and "Credited: £2.95" in document, document
    assert re.search(r"Reason: RMA R[2-9B-Z]{7}", document), document


@pytest.mark.parametrize(("language", "button", "reason"), [("en", "English", "RMA"), ("ru", "Русский", "возврат")])
async def test_a_returns_credit_note_names_the_return_in_the_readers_language(
    shop: RunningBot, language: str, button: str, reason: str
) -> None:
    """A Russian accountant reads «Причина: возврат R…», not the English abbreviation RMA."""
    code = await delivered(shop, 851, {"85123A": 2})
    rma = await refunded_return(shop, 851, code, "85123A")  # not read from the note: the order's code may begin with R
    await shop.runtime.notifier.drain()
    customer = SandboxUser(shop.server, 851, "C851")
    await customer.press((await customer.send("/language")).last, button)
    told = next(m for m in reversed(customer.messages()) if m.button_texts() and "CN-" in m.button_texts()[0])
    document = await pressed(customer, told, told.button_texts()[0])
    assert WORDS[language]["reason"].format(reason=f"{reason} {rma}") in document, document
