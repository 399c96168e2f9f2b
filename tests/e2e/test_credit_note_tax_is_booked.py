"""Every credit note keeps, as it is issued, the tax its journal entries took back from VAT, and its PDF prints that
figure: an edit (the order's tax before less after), a return, a short pick's part, a goodwill refund, a cancellation
after part payment. A later change of the order leaves an old note's tax as it was.

Demo data used: 85123A at £2.95 (10 with courier: £34.70, £5.79 of tax inside at 20 %); 22151 held only in LON."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.books_reconcile import paid_by_card
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.credit_notes import kept_taxes, plain, printed_tax, vat_taken_back
from tests.e2e.journeys import (
    add_to_cart,
    business_customer,
    checkout_to_payment,
    order_code,
    order_of_invoice,
    place_invoice_order,
    scalar,
)
from tests.e2e.parcels import hire_in
from tests.e2e.returns import delivered, refunded_return
from tests.e2e.short_picks import SKU, WORDS, _short_pick
from tests.e2e.split_shipments import shelf_says
from tests.fakes import FakeClock


@pytest.fixture
async def taxed_shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A staffed shop at 20 % VAT taking cards."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        yield shop


async def _noted(shop: RunningBot, event: Awaitable[object]) -> tuple[int, int, int]:
    """The credit note ``event`` issued: its number, the tax it keeps, and what the journal took back from VAT."""
    before, notes = await vat_taken_back(shop), await kept_taxes(shop)
    await event
    kept = await kept_taxes(shop)
    [number] = set(kept) - set(notes)
    return number, kept[number], await vat_taken_back(shop) - before


async def _printed(customer: SandboxUser, code: str, number: int) -> str:
    """The tax the note's PDF, sent by /receipt, prints."""
    sent = await customer.send(f"/receipt {code}")
    files = {msg.file.file_name: plain(msg.file.content) for msg in sent.messages if msg.file is not None}
    return printed_tax(files[f"credit-note-CN-{number:06d}.pdf"])


@pytest.mark.parametrize("paid", [False, True])
async def test_an_edit_of_85123a_from_10_to_9_on_34_70_credits_the_50p_its_journal_takes_from_vat(
    taxed_shop: RunningBot, paid: bool
) -> None:
    """£5.79 of tax before, £5.29 after (£4.42 on 9 × £2.95, £0.87 on the shipping): 50p less VAT owed. The note's
    share of the invoice's tax, £2.95 × 5.79 / 34.70, was 49p."""
    shop = taxed_shop
    manager = await hire(shop, 98, "Mo", "manager")
    buyer = await business_customer(shop, 650)
    code = order_code(await place_invoice_order(buyer, "85123A", 10))
    assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)) == 3470
    if paid:  # the fall is owed back rather than taken off the invoice
        await manager.send(f"/paid {code} 34.70")
    number, kept, booked = await _noted(shop, manager.send(f"/edit {code} 85123A 9"))
    assert (kept, booked) == (50, 50)
    assert await _printed(buyer, code, number) == "£0.50"


async def test_a_goodwill_note_keeps_its_tax_when_the_order_is_edited_after(taxed_shop: RunningBot) -> None:
    shop = taxed_shop
    manager = await hire(shop, 98, "Mo", "manager")
    cleo, code = await paid_by_card(shop, 861, 10)  # 10 × £2.95 picked up: £29.50, £4.92 of tax
    first, kept, booked = await _noted(shop, manager.send(f"/refund {code} 0.99 late delivery"))
    assert kept == booked == 17  # 99 × 492 / 2950 = 16.51
    printed = await _printed(cleo, code, first)
    assert printed == "£0.17"
    second, edited, taken = await _noted(shop, manager.send(f"/edit {code} 85123A 1"))
    assert edited == taken
    # The order now holds £0.49 of tax in £2.95: worked out again, CN-1's share would print £0.16 (99 × 49 / 295).
    assert await _printed(cleo, code, first) == printed
    assert await _printed(cleo, code, second) == f"£{edited // 100}.{edited % 100:02d}"


async def test_an_invoice_cancelled_after_part_payment_credits_the_tax_its_journal_takes_back(
    taxed_shop: RunningBot,
) -> None:
    shop = taxed_shop
    manager = await hire(shop, 98, "Mo", "manager")
    buyer = await business_customer(shop, 651)
    code = order_code(await place_invoice_order(buyer, "85123A", 10))
    await manager.send(f"/paid {code} 10.01")
    number, kept, booked = await _noted(shop, manager.send(f"/cancelorder {code}"))
    assert kept == booked == 579  # the whole invoice's tax, paid and unpaid parts together
    assert await _printed(buyer, code, number) == "£5.79"


async def test_units_returned_one_by_one_credit_the_tax_their_journal_takes_back(taxed_shop: RunningBot) -> None:
    """3 × £2.95 hold £1.48 of tax (£1.475): the first two units take back 49p each, the third the 50p left; the
    third's share of the order's tax was 49p."""
    shop = taxed_shop
    code = await delivered(shop, 952, {"85123A": 3})
    customer = SandboxUser(shop.server, 952, "C952")
    taken = []
    for _ in range(3):
        number, kept, booked = await _noted(shop, refunded_return(shop, 952, code, "85123A"))
        assert kept == booked
        assert await _printed(customer, code, number) == f"£0.{kept:02d}"
        taken.append(kept)
    assert taken == [49, 49, 50]


async def test_a_short_picks_part_cancelled_credits_the_tax_its_journal_takes_back(taxed_shop: RunningBot) -> None:
    shop = taxed_shop
    await shelf_says(shop, 4)  # the books say 4; the shelf holds 1
    nina = SandboxUser(shop.server, 181, "Nina")
    await add_to_cart(nina, SKU, 4)
    reply = await checkout_to_payment(nina, pickup=True)
    reply = await nina.press(reply.last, "💳")
    invoice = next(msg for msg in (await nina.press(reply.last, "✅")).new if msg.kind == "invoice")
    await nina.pay(invoice, charge_id="tg-short-tax")
    code = order_of_invoice(invoice)
    await _short_pick(shop, await hire_in(shop, 182, "Pia", "picker", "en"), found=1)
    asked = next(msg for msg in reversed(shop.server.chat_messages(181)) if WORDS["en"]["asked"] in msg.text)
    number, kept, booked = await _noted(shop, nina.press(asked, WORDS["en"]["cancel"]))
    assert kept == booked and kept > 0
    assert await _printed(nina, code, number) == f"£{kept // 100}.{kept % 100:02d}"
