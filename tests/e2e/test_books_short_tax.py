"""The sales tax a short pick's dropped parts take back, dropped one unit at a time: exactly what the
sale booked on them, as returns and edits take it back (each part's tax rounded apart drifted)."""

from __future__ import annotations

from pathlib import Path

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_reconcile import CASH, DISCOUNTS, REFUNDS, RETURNS, SALES, TAX
from tests.e2e.conftest import ADMIN, staff_shop
from tests.e2e.journeys import (
    add_to_cart,
    checkout_to_payment,
    order_code,
    order_of_invoice,
    payments,
    place_card_order,
    status,
)
from tests.e2e.parcels import hire_in
from tests.e2e.returns import deliver
from tests.e2e.short_picks import _short_pick
from tests.e2e.split_shipments import shelf_says
from tests.fakes import FakeClock

SKU = "85123A"  # £2.95, stocked in London only


async def _drop(shop: RunningBot, cleo: SandboxUser) -> None:
    await shop.runtime.notifier.drain()
    asked = next(msg for msg in reversed(shop.server.chat_messages(cleo.id)) if "✖" in " ".join(msg.button_texts()))
    await cleo.press(asked, next(b for b in asked.button_texts() if "✖" in b))


async def _moved(shop: RunningBot, before: dict[str, tuple[int, int]], *accounts: str) -> dict[str, int]:
    """What ``accounts`` moved by since ``before`` (debit side up); the trial balance balancing.
    (The shelf set by hand is not booked, so 1200 is not the stock value here.)"""
    after = await balances(shop)
    assert sum(d for d, _ in after.values()) == sum(c for _, c in after.values())
    moved = {}
    for account in accounts:
        (d, c), (d0, c0) = after.get(account, (0, 0)), before.get(account, (0, 0))
        if (d - c) - (d0 - c0):
            moved[account] = (d - c) - (d0 - c0)
    return moved


async def test_a_taxed_card_order_s_parts_dropped_unit_by_unit_take_back_exactly_the_tax_its_sale_booked_on_them(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        await shelf_says(shop, 4, SKU)
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 715, "Cleo")
        invoice = await place_card_order(cleo, SKU, 4)  # a pickup: 4 × £2.95 = £11.80, 20 % inside
        await cleo.pay(invoice, charge_id="tg-taxed-drops")
        code = order_of_invoice(invoice)
        sold = {CASH: 1180, SALES: -983, TAX: -197}
        assert await _moved(shop, before, *sold, RETURNS, REFUNDS) == sold
        await _short_pick(shop, await hire_in(shop, 716, "Pia", "picker", "en"), found=3)
        await _drop(shop, cleo)  # the one the shelf lacked
        packer = await hire_in(shop, 717, "Pax", "packer", "en")
        for found in (2, 1):  # then one at a time lost on the way to the bench
            assert await status(shop, code) == "picked"
            await packer.send(f"/pack {code}")
            await packer.send(f"/short {code} {SKU} {found}")
            await _drop(shop, cleo)
        # £8.85 owed back; £11.80 held £1.97 of tax and the unit kept (£2.95) holds 49p: £1.48 back,
        # where three units' 49p each gave back £1.47.
        assert await _moved(shop, before, *sold, RETURNS, REFUNDS) == {
            **sold,
            RETURNS: 885 - 148,
            TAX: -197 + 148,
            REFUNDS: -885,
        }


async def test_a_discounted_line_s_parts_dropped_unit_by_unit_refund_what_the_units_were_paid_in_all(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new TENOFF percent=10 uses=5 until=2026-12-31")
        await shelf_says(shop, 4, SKU)
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 718, "Cleo")
        await add_to_cart(cleo, SKU, 4)  # a pickup: 4 × £2.95 = £11.80, 10 % off: £10.62, 20 % inside
        await cleo.press((await checkout_to_payment(cleo, pickup=True)).last, "💳")
        applied = await cleo.send("/promo TENOFF")
        placed = await cleo.press(applied.last, "✅")
        invoice = next(m for m in placed.new if m.kind == "invoice")
        await cleo.pay(invoice, charge_id="tg-discounted-drops")
        code = order_of_invoice(invoice)
        sold = await _moved(shop, before, CASH, SALES, DISCOUNTS, TAX, RETURNS, REFUNDS)
        assert sold[CASH] == 1062 and sold[TAX] == -177
        await _short_pick(shop, await hire_in(shop, 719, "Pia", "picker", "en"), found=3)
        await _drop(shop, cleo)
        packer = await hire_in(shop, 720, "Pax", "packer", "en")
        for found in (2, 1):
            assert await status(shop, code) == "picked"
            await packer.send(f"/pack {code}")
            await packer.send(f"/short {code} {SKU} {found}")
            await _drop(shop, cleo)
        # Three of the four units were paid ⌊£10.62 × 3/4⌋ = £7.96 (£2.65, £2.66, £2.65 as they go),
        # where ⌊£10.62/4⌋ = £2.65 each gave back £7.95; the unit kept holds 44p of the £1.77 tax.
        # They go back at list price: their 89p off (74p without its tax) moves from 4800 to 4900,
        # which leaves 4800 the 24p of the unit kept (its 29p off without its tax).
        assert await _moved(shop, before, CASH, SALES, DISCOUNTS, TAX, RETURNS, REFUNDS) == {
            **sold,
            RETURNS: 796 - 133 + 74,
            DISCOUNTS: sold[DISCOUNTS] - 74,
            TAX: -177 + 133,
            REFUNDS: -796,
        }
        owed = [amount for kind, amount in await payments(shop, code) if kind == "refund_owed"]
        assert owed == [265, 266, 265]


async def test_a_discounted_order_s_short_picked_unit_dropped_goes_back_at_list_price_and_4800_loses_its_discount(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A unit a picker could not find and the customer dropped was booked into 4900 at the price
    paid and 4800 kept its discount, where a return, an edit or a cancellation takes units back
    at list price and moves 4800 by the discount they no longer get (README, "Taking sales back")."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new TENOFF percent=10 uses=5 until=2026-12-31")
        await shelf_says(shop, 4, SKU)
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 721, "Cleo")
        await add_to_cart(cleo, SKU, 4)  # 4 × £2.95 = £11.80, 10 % off (£1.18): £10.62, 20 % inside
        await cleo.press((await checkout_to_payment(cleo, pickup=True)).last, "💳")
        placed = await cleo.press((await cleo.send("/promo TENOFF")).last, "✅")
        await cleo.pay(next(m for m in placed.new if m.kind == "invoice"), charge_id="tg-short-discount")
        sold = await _moved(shop, before, CASH, SALES, DISCOUNTS, TAX, RETURNS, REFUNDS)
        assert sold == {CASH: 1062, SALES: -983, DISCOUNTS: 98, TAX: -177}  # £1.18 off is 98p without its tax
        await _short_pick(shop, await hire_in(shop, 722, "Pia", "picker", "en"), found=3)
        await _drop(shop, cleo)
        # The unit dropped was paid ⌊£10.62/4⌋ = £2.65 (44p tax inside), owed back; it goes back at its
        # list £2.95 less tax (£2.46) and its 30p off (25p without its tax) leaves 4800: 73p, three
        # units' discount, is what 4800 holds.
        assert await _moved(shop, before, CASH, SALES, DISCOUNTS, TAX, RETURNS, REFUNDS) == {
            CASH: 1062,
            SALES: -983,
            DISCOUNTS: 98 - 25,
            TAX: -177 + 44,
            RETURNS: 265 - 44 + 25,
            REFUNDS: -265,
        }


async def test_a_discounted_cash_on_delivery_order_s_dropped_unit_is_not_collected_at_list_price_less_its_discount(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Cash on delivery books the sale when the cash is collected: the unit dropped before it was
    not collected at the price it would have been paid, and goes back at list price, as a paid one."""
    async with staff_shop(tmp_path, clock) as shop:
        await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new TENOFF percent=10 uses=5 until=2026-12-31")
        await shelf_says(shop, 4, SKU)
        before = await balances(shop)
        bea = SandboxUser(shop.server, 723, "Bea")
        await add_to_cart(bea, SKU, 4)  # 4 × £2.95 = £11.80, 10 % off (£1.18): £10.62
        await bea.press((await checkout_to_payment(bea)).last, "💵")
        code = order_code(await bea.press((await bea.send("/promo TENOFF")).last, "Confirm order"))
        await _short_pick(shop, await hire_in(shop, 724, "Pia", "picker", "en"), found=3)
        await _drop(shop, bea)
        await deliver(shop, code)
        moved = await _moved(shop, before, SALES, DISCOUNTS, RETURNS)
        # The unit dropped would have been paid ⌊£10.62/4⌋ = £2.65: back at its list £2.95, its 30p
        # off leaving 4800, which holds the 88p of the three units delivered.
        assert moved == {SALES: -1180, DISCOUNTS: 118 - 30, RETURNS: 265 + 30}
