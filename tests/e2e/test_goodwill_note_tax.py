"""A goodwill refund's credit note prints the tax the journal takes back for it: one figure, the note's share of
the invoice's tax, so notes adding up to the invoice give back exactly its tax on paper and in 2200."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import hire, staff_shop
from tests.e2e.credit_notes import plain
from tests.e2e.journeys import business_customer, order_books, order_code, place_invoice_order
from tests.fakes import FakeClock

TAX = "2200 Sales tax payable"


async def test_a_goodwill_credit_note_prints_the_tax_its_journal_entry_takes_back_from_vat(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        manager = await hire(shop, 98, "Mo", "manager")
        buyer = await business_customer(shop, 650)
        # 10 × £2.95 and £5.20 shipping: £34.70, "Including tax at 20%: £5.79".
        code = order_code(await place_invoice_order(buyer, "85123A", 10))
        await manager.send(f"/paid {code} 34.70")
        booked = []
        for amount in ["0.99", "33.71"]:  # the second takes what is left: the two add up to the invoice
            before = (await order_books(shop, code))[TAX][0]
            done = await manager.send(f"/refund {code} {amount} late delivery")
            assert "Goodwill refund of £" in done.last.text, done.last.text
            booked.append((await order_books(shop, code))[TAX][0] - before)
        sent = await buyer.send(f"/receipt {code}")
        files = {m.file.file_name: plain(m.file.content) for m in sent.messages if m.file is not None}
        invoice = files["invoice-INV-000001.pdf"].splitlines()
        first, second = (files[f"credit-note-CN-00000{n}.pdf"].splitlines() for n in (1, 2))
        assert "Including tax at 20%: £5.79" in invoice, invoice
        # £0.99 of £34.70 carries £0.17 of its £5.79 (99 × 579 / 3470 = 16.52); the amount's own tax is £0.165,
        # £0.16 rounded half-even, which the journal took before.
        assert "Including tax: £0.17" in first and "Total without tax: £0.82" in first, first
        assert "Including tax: £5.62" in second and "Total without tax: £28.09" in second, second
        assert booked == [17, 562]
        assert sum(booked) == 579  # the invoice's tax, all of it and no more
