"""After a goodwill refund (/refund), an edit that lowers a paid order and a return owe back only
what was paid and is not owed back already: goodwill and refunds together never give back more
than was paid, and the books take back the sales and tax of the money, to the penny."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_month_end import books_shop
from tests.e2e.books_reconcile import CASH, COGS, INVENTORY, REFUNDS, RETURNS, SALES, SHIPPING, moves
from tests.e2e.conftest import hire
from tests.e2e.credit_notes import credit_notes
from tests.e2e.journeys import order_of_invoice, payments, place_card_order, sample_name
from tests.e2e.parcels import hire_in
from tests.e2e.returns import deliver, rma_of
from tests.fakes import FakeClock

GOODWILL = "4950 Goodwill refunds and allowances"
TOLD = {
    "en": {"edit": "We owe you £3.85 and will refund it the way you paid.", "return": "We will refund £1.60."},
    "ru": {
        "edit": "Мы должны вам 3,85\xa0£ и вернём их тем же способом, которым вы платили.",
        "return": "Мы вернём 1,60\xa0£.",
    },
}
SCREEN = {
    "en": ["goodwill refund owed · £5.00", "refund owed · £3.85"],
    "ru": ["компенсация к выплате · 5,00\xa0£", "возврат к выплате · 3,85\xa0£"],
}


@pytest.fixture
async def taxed_shop(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A shop with 20 % tax inside its prices, taking cards, on each engine."""
    async with books_shop(database_url, clock, tax_rate=20, payment_provider_token="sandbox:provider") as running:
        yield running


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_edited_down_after_a_goodwill_refund_owes_back_only_what_the_goodwill_left(
    taxed_shop: RunningBot, language: str
) -> None:
    before = await balances(taxed_shop)
    # 3 × £2.95 = £8.85 (£1.48 of tax) picked up; £5.00 given back: £3.85 of what was paid is left.
    cleo, code = await _paid_then_goodwill(taxed_shop, 861, language, 3, "5 late delivery")
    manager = await hire_in(taxed_shop, 863, "Mo", "manager", language)
    await manager.send(f"/edit {code} 85123A 1")  # £8.85 → £2.95: £5.90 less, only £3.85 of it owed
    await taxed_shop.runtime.notifier.drain()

    assert TOLD[language]["edit"] in taxed_shop.server.chat_messages(cleo.id)[-1].text
    assert await payments(taxed_shop, code) == [("payment", 885), ("goodwill", 500), ("refund_owed", 385)]
    screen = (await manager.send(f"/order {code}")).last.text
    assert all(line in screen for line in SCREEN[language]), screen
    # £8.85 in, £8.85 owed back: goodwill's net (£5.00 less 84p of tax, its credit note's share of the
    # invoice's £1.48, as the note prints it) in 4950, the refund's in 4900 (£3.85 less the 64p left),
    # and 2200 holds nothing for an order its customer paid nothing for in the end (each part's tax
    # rounded apart, 83p + 64p, left a penny of the sale's £1.48).
    assert await moves(taxed_shop, before) == {CASH: 885, SALES: -737, GOODWILL: 416, RETURNS: 321, REFUNDS: -885}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_return_after_a_goodwill_refund_owes_back_only_what_the_goodwill_left(
    taxed_shop: RunningBot, language: str
) -> None:
    before = await balances(taxed_shop)
    # 2 × £2.95 + £3.70 shipping = £9.60, delivered; £8.00 given back: £1.60 left.
    dora, code = await _paid_then_goodwill(taxed_shop, 871, language, 2, "8 crushed box", delivered=True)
    rma = await _return_one(dora, code, language)
    manager = await hire(taxed_shop, 873, "Mo", "manager")
    shown = await manager.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock 85123A", "Refund"):
        shown = await manager.press(shown.last, step)
    await taxed_shop.runtime.notifier.drain()

    # The unit was £2.95; only the £1.60 the goodwill left is owed back: £9.60 in all.
    assert TOLD[language]["return"] in taxed_shop.server.chat_messages(dora.id)[-1].text
    assert await payments(taxed_shop, code) == [("payment", 960), ("goodwill", 800), ("refund_owed", 160)]
    # The return's credit note is what the receipt fell by beyond the goodwill's own note, not the unit's £2.95
    # again: the two notes add up to what was paid.
    assert [(number, amount) for number, amount, _ in await credit_notes(taxed_shop)] == [(1, 800), (2, 160)]
    # Sold: £4.92 net + £3.08 shipping + £1.60 tax; goodwill £6.67 + £1.33; the refund £1.33 +
    # the 27p of tax the books still held; the unit back in stock at its £1.10 cost.
    assert await moves(taxed_shop, before) == {
        CASH: 960,
        SALES: -492,
        SHIPPING: -308,
        GOODWILL: 667,
        RETURNS: 133,
        REFUNDS: -960,
        COGS: 110,
        INVENTORY: -110,
    }


async def _paid_then_goodwill(
    shop: RunningBot, user_id: int, language: str, units: int, goodwill: str, *, delivered: bool = False
) -> tuple[SandboxUser, str]:
    """A customer speaking ``language``, their order of ``units`` × 85123A paid by card (a pickup,
    or a courier order delivered), and a goodwill refund (``/refund CODE {goodwill}``): its code."""
    customer = SandboxUser(shop.server, user_id, f"C{user_id}", language_code=language)
    invoice = await place_card_order(customer, "85123A", units, pickup=not delivered)
    await customer.pay(invoice, charge_id=f"tg-gw-{user_id}")
    code = order_of_invoice(invoice)
    if delivered:
        await deliver(shop, code)
    await (await hire(shop, user_id + 1, "Sofia", "support")).send(f"/refund {code} {goodwill}")
    return customer, code


async def _return_one(customer: SandboxUser, code: str, language: str) -> str:
    """One unit of 85123A asked back for a change of mind, in the customer's language: the RMA."""
    words = {"en": ("Return", "Continue", "Changed my mind"), "ru": ("Вернуть", "Далее", "Передумал(а)")}[language]
    lines = await customer.press((await customer.send(f"/track {code}")).last, words[0])
    picked = await customer.press(lines.last, sample_name("85123A", language)[:20])
    if picked.last.text.startswith(("How many of ", "Сколько")):
        picked = await customer.send("1")
    reasons = await customer.press(picked.last, words[1])
    photos = await customer.press(reasons.last, words[2])
    method = await customer.press(photos.last, "➡️")
    return rma_of((await customer.press(method.last, "🏬")).last.text)
