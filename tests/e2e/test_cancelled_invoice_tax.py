"""An invoice cancelled whole after a part payment is reversed exactly: its credit note carries the invoice's own
tax and net, and the books hold no tax nor sales for it afterwards, in pounds and in another currency."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.accounting import balances
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.credit_notes import plain
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.fakes import FakeClock

TAX, SALES, RETURNS = "2200 Sales tax payable", "4000 Sales", "4900 Sales returns"

CASES = {
    # 10 × £2.95 and £5.20 shipping: £34.70, holding £4.92 + £0.87 of tax (£5.78 if taken on the whole at once).
    "GBP": {
        "paid": "10.01",
        "invoice": ["Total: £34.70", "Including tax at 20%: £5.79", "Total without tax: £28.91"],
        "note": ["Credited: £34.70", "Including tax: £5.79", "Total without tax: £28.91"],
        "trial": "2200 Sales tax payable: debit £5.79 · credit £5.79",
    },
    # The same at 105.20 roubles to the pound, a buyer reading Russian; booked in pounds.
    "RUB": {
        "paid": "1000,50",
        "invoice": [
            "Итого: 3 650,44 ₽",
            "В том числе налог по ставке 20 %: 608,40 ₽",
            "Итого без налога: 3 042,04 ₽",
        ],
        "note": ["Сумма кредит-ноты: 3 650,44 ₽", "В том числе налог: 608,40 ₽", "Итого без налога: 3 042,04 ₽"],
        "trial": "2200 Sales tax payable: debit £5.78 · credit £5.78",
    },
}


@pytest.mark.parametrize("currency", ["GBP", "RUB"])
async def test_an_invoice_cancelled_after_a_part_payment_is_credited_and_unbooked_to_the_penny(
    tmp_path: Path, clock: FakeClock, currency: str
) -> None:
    case = CASES[currency]
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        manager = await hire(shop, 98, "Mo", "manager")
        buyer = await business_customer(shop, 650, language="en" if currency == "GBP" else "ru")
        if currency == "RUB":
            await manager.send("/fx RUB 105.20")
            await buyer.press((await buyer.send("/currency")).last, "RUB")
        before = await balances(shop)
        code = order_code(await place_invoice_order(buyer, "85123A", 10))
        await manager.send(f"/paid {code} {case['paid']}")
        await manager.send(f"/cancelorder {code}")
        sent = await buyer.send(f"/receipt {code}")
        files = {m.file.file_name: plain(m.file.content) for m in sent.messages if m.file is not None}
        invoice, note = files["invoice-INV-000001.pdf"], files["credit-note-CN-000001.pdf"]
        assert all(line in invoice.splitlines() for line in case["invoice"]), invoice
        assert all(line in note.splitlines() for line in case["note"]), note
        after = await balances(shop)
        assert not {TAX, SALES, RETURNS} & before.keys()  # the order's sale and its undoing are all they hold
        (tax_back, tax_sold), (_, sold), (returned, _) = after[TAX], after[SALES], after[RETURNS]
        assert tax_back == tax_sold > 0 and returned == sold > 0, after
        trial = await manager.send("/trial")
        assert case["trial"] in trial.last.text.splitlines(), trial.last.text
