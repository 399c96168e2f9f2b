"""Every debit note keeps, as it is issued, the tax its journal entry added to VAT (the order's tax after the rise
less before), and its PDF prints that figure, in English and Russian; a later edit of the order leaves an old note's
tax as it was.

Demo data used: 85123A at £2.95 (9 with courier: £31.75, £5.29 of tax inside at 20 %; 10: £34.70, £5.79)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.credit_notes import plain, total_of, vat_taken_back
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.fakes import FakeClock

WORDS = {
    "en": {"tax": "Including tax: £{amount}", "net": "Total without tax: £{amount}"},
    "ru": {"tax": "В том числе налог: {amount} £", "net": "Итого без налога: {amount} £"},
}


@pytest.fixture
async def taxed_shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A staffed shop at 20 % VAT."""
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        yield shop


async def _kept(shop: RunningBot) -> dict[int, tuple[int, int]]:
    """Every debit note as kept: number → (amount, tax) in minor units."""
    row = m.DebitNoteRow
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(row.number, row.amount_minor, row.tax_minor))
        return {number: (amount, tax) for number, amount, tax in rows}


async def _printed(customer: SandboxUser, code: str, number: int) -> str:
    """The debit note's PDF, as /receipt sends it, as text."""
    sent = await customer.send(f"/receipt {code}")
    files = {msg.file.file_name: plain(msg.file.content) for msg in sent.messages if msg.file is not None}
    return files[f"debit-note-DN-{number:06d}.pdf"]


def _money(minor: int, language: str) -> str:
    return f"{minor // 100}{'.' if language == 'en' else ','}{minor % 100:02d}"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_edit_of_85123a_from_9_to_10_on_an_invoice_debits_the_50p_its_journal_adds_to_vat(
    taxed_shop: RunningBot, language: str
) -> None:
    """£5.29 of tax before, £5.79 after: 50p more VAT owed, booked to 2200. The rise's own tax at the order's rate,
    £2.95 / 6, was 49p, and its PDF printed that."""
    shop = taxed_shop
    manager = await hire(shop, 98, "Mo", "manager")
    buyer = await business_customer(shop, 660, language=language)
    code = order_code(await place_invoice_order(buyer, "85123A", 9))
    assert await total_of(shop, code) == 3175
    before = await vat_taken_back(shop)
    await manager.send(f"/edit {code} 85123A 10")
    added = before - await vat_taken_back(shop)
    assert (added, await _kept(shop)) == (50, {1: (295, 50)})
    note, words = await _printed(buyer, code, 1), WORDS[language]
    assert words["tax"].format(amount=_money(50, language)) in note, note
    assert words["net"].format(amount=_money(245, language)) in note, note


async def test_an_old_debit_note_prints_the_tax_it_was_issued_with_after_later_edits(taxed_shop: RunningBot) -> None:
    """DN-000001 (9 → 10) added 50p to VAT; the edits after (10 → 11, a second note; 11 → 8, a credit note) change
    the order, not what the first note says."""
    shop = taxed_shop
    manager = await hire(shop, 98, "Mo", "manager")
    buyer = await business_customer(shop, 661)
    code = order_code(await place_invoice_order(buyer, "85123A", 9))
    await manager.send(f"/edit {code} 85123A 10")
    first = await _printed(buyer, code, 1)
    assert "Including tax: £0.50" in first, first
    before = await vat_taken_back(shop)
    await manager.send(f"/edit {code} 85123A 11")
    added = before - await vat_taken_back(shop)  # £6.28 less £5.79
    assert (await _kept(shop))[2] == (295, added) == (295, 49)
    await manager.send(f"/edit {code} 85123A 8")
    assert await total_of(shop, code) == 2830  # 8 × £2.95 and a lighter parcel, £4.70
    assert await _printed(buyer, code, 1) == first
    assert "Including tax: £0.49" in await _printed(buyer, code, 2)
