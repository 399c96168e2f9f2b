"""A business paying an invoice by bank transfer needs where to send it: the shop's legal address and bank details
(``/settings address``, ``/settings bank``) are printed on its invoices, and the statement of account names the
bank details beside "pay by bank transfer" — in English and Russian, through the sandbox."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import business_customer, order_code, place_invoice_order

ADDRESS = "123112, Москва, Пресненская наб., д. 12, офис 5"
BANK = "ПАО Сбербанк, р/с 40702810900000012345, БИК 044525225, к/с 30101810400000000225"
WORDS = {
    "en": {"receipt": "🧾 Invoice (PDF)", "bank": f"Bank details for payment: {BANK}"},
    "ru": {"receipt": "🧾 Счёт (PDF)", "bank": f"Реквизиты для оплаты: {BANK}"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_unpaid_invoice_and_the_statement_say_where_to_pay_by_transfer(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    admin = await hire(shop, 860, "Ada", "admin", language=language)
    assert ADDRESS in (await admin.send(f"/settings address {ADDRESS}")).last.text
    assert BANK in (await admin.send(f"/settings bank {BANK}")).last.text
    overview = (await admin.send("/settings")).last.text
    assert f"address: {ADDRESS}" in overview and f"bank: {BANK}" in overview, overview
    buyer = await business_customer(shop, 861, "ООО Ромашка", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))

    document = " ".join((await invoice_document(buyer, code, words["receipt"])).split())  # wrapped lines joined
    assert ADDRESS in document and words["bank"] in document, document
    statement = (await buyer.send("/statement")).last.text
    assert words["bank"] in statement, statement

    await admin.send("/settings bank -")
    assert words["bank"] not in await invoice_document(buyer, code, words["receipt"])
