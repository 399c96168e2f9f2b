"""The books reconciled flow by flow, as the shop's accountant checks them at month end: after each
flow the trial balance balances, each account moved by exactly what a hand computation gives
(sales without tax, shipping income, cost of goods at unit cost, receivables, refunds owed), and
``1200 Inventory`` is the stock value ``/stockvalue`` counts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.harness import RunningBot
from domain.money import Money
from domain.orders import OrderStatus
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from sandbox.driver import Reply
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.books_reconcile import (
    CASH,
    COGS,
    DISCOUNTS,
    INVENTORY,
    RECEIVABLE,
    REFUNDED,
    REFUNDS,
    RETURNS,
    REVALUATION,
    SALES,
    SHIPPING,
    TAX,
    moves,
    paid_by_card,
    promo_card_order,
    raised_and_paid,
    settle_return,
)
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.exchange_refunds import exchanged, lines_of, refunded, shoes_on_sale
from tests.e2e.journeys import (
    add_to_cart,
    business_customer,
    checkout_to_payment,
    edit_product,
    order_code,
    order_of_invoice,
    pay_the_difference,
    payments,
    place_card_order,
    place_cod_order,
    place_invoice_order,
    scalar,
    status,
    stock,
)
from tests.e2e.parcels import hire_in
from tests.e2e.price_lists import wholesale_list
from tests.e2e.returns import ask_return, deliver, delivered
from tests.e2e.short_invoices import _invoice_order
from tests.e2e.short_picks import _pack_and_ship, _short_pick
from tests.e2e.split_shipments import shelf_says
from tests.e2e.variants import exchange, tshirts
from tests.fakes import FakeClock

WITHOUT_ORDER = "3000 Opening stock and goods without an order"
REORDER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"


async def test_a_shop_fault_return_gives_the_shipping_back_out_of_shipping_income_not_sales_returns(
    shop: RunningBot,
) -> None:
    before = await balances(shop)
    code = await delivered(shop, 700, {"85123A": 2})  # COD: 2 × £2.95 + £3.70 shipping; £1.10 a unit
    assert await moves(shop, before) == {CASH: 960, SALES: -590, SHIPPING: -370, COGS: 220, INVENTORY: -220}
    rma = await ask_return(shop, SandboxUser(shop.server, 700, "C700"), code, "85123A", "Damaged")
    manager = await hire(shop, 97, "Mo", "manager")
    await settle_return(manager, rma, "Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back")
    # £2.95 of goods back, and the £3.70 shipping (the shop's fault) it never earned: net sales
    # £2.95, no shipping income, one unit's cost sold, £6.65 paid back.
    assert await moves(shop, before) == {
        CASH: 960 - 665,
        SALES: -590,
        RETURNS: 295,
        COGS: 110,
        INVENTORY: -110,
    }


async def test_a_card_swap_s_replacement_owing_its_difference_does_not_ship_until_it_is_paid(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    await tshirts(shop)
    customer = SandboxUser(shop.server, 951, "Eli")
    before = await balances(shop)
    invoice = await place_card_order(customer, "TEE-M-NVY", 1)  # £12.00 by card
    await customer.pay(invoice)
    code = order_of_invoice(invoice)
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    replacement = await exchange(customer, shop, code, "TEE-M-NVY", "L / Navy")  # L is £13.00: £1.00 to pay
    await shop.runtime.notifier.drain()
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(shop.runtime.uow(), shop.runtime.clock, code=replacement, target=step, actor="staff:1")
    packer = await hire(shop, 61, "Pat", "packer", "LON")
    booked = await moves(shop, before)
    refused = await packer.send(f"/ship {replacement} DPD 15501234567890")
    assert refused.last.text == (
        f"Order {replacement} still has £1.00 to pay by card: it ships once the customer has paid it."
    )
    assert await status(shop, replacement) == "packed" and await stock(shop, "TEE-L-NVY") == [("LON", 10, 1)]
    assert await moves(shop, before) == booked == {CASH: 1200, SALES: -1200}  # the £1.00 is not sold yet

    told = next(msg for msg in shop.server.chat_messages(951) if "💳 Pay the difference" in msg.button_texts())
    assert await pay_the_difference(customer, told) == 100
    shipped = await packer.send(f"/ship {replacement} DPD 15501234567890")
    assert shipped.last.text.startswith(f"Order {replacement} is shipped with DPD")
    assert await moves(shop, before) == {CASH: 1300, SALES: -1300}  # the L sold for £13.00 in all, paid


async def test_a_promo_coded_order_returned_unit_by_unit_refunds_what_was_paid_at_list_price_less_its_discount(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/promocode new TENOFF percent=10 uses=5 until=2026-12-31")
    before = await balances(shop)
    bea = SandboxUser(shop.server, 702, "Bea")
    await add_to_cart(bea, "85123A", 2)  # £5.90, the code 10 % off: −£0.59
    await bea.press((await checkout_to_payment(bea)).last, "💵")
    applied = await bea.send("/promo TENOFF")
    assert "Total: £9.01" in applied.last.text  # £5.31 of goods + £3.70 shipping
    code = order_code(await bea.press(applied.last, "Confirm order"))
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    sold = {CASH: 901, SALES: -590, DISCOUNTS: 59, SHIPPING: -370, COGS: 220, INVENTORY: -220}
    assert await moves(shop, before) == sold
    manager = await hire(shop, 97, "Mo", "manager")
    steps = ("Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back")
    await settle_return(manager, await ask_return(shop, bea, code, "85123A", "Changed my mind"), *steps)
    # ⌊£5.31 × 1/2⌋ = £2.65 back: not the list £2.95, nor the shipping (not the shop's fault).
    # Taken back as an edit takes sales back: the unit at its list £2.95 in returns, and the 30p
    # it was given off leaves 4800 (returns held the £2.65 paid and 4800 the whole 59p).
    assert await moves(shop, before) == {
        **sold,
        CASH: 901 - 265,
        RETURNS: 295,
        DISCOUNTS: 59 - 30,
        COGS: 110,
        INVENTORY: -110,
    }
    await settle_return(manager, await ask_return(shop, bea, code, "85123A", "Changed my mind"), *steps)
    # The last unit brings the refunds to exactly the £5.31 paid: sales less discounts less
    # returns is nothing (returns at the list £5.90, no discount left), the shipping income
    # stays, no cost of goods is left.
    assert await moves(shop, before) == {CASH: 370, SALES: -590, RETURNS: 590, SHIPPING: -370}


async def test_an_invoice_cancelled_after_a_part_payment_owes_that_part_back_and_takes_the_rest_off_receivables(
    shop: RunningBot,
) -> None:
    before = await balances(shop)
    _, code = await _invoice_order(shop, 703, "en", 3)  # 3 × £0.42 + £5.90 courier = £7.16 on account
    assert await moves(shop, before) == {RECEIVABLE: 716, SALES: -126, SHIPPING: -590}
    manager = await hire(shop, 97, "Mo", "manager")
    await manager.send(f"/paid {code} 5")
    assert await moves(shop, before) == {CASH: 500, RECEIVABLE: 216, SALES: -126, SHIPPING: -590}
    await manager.send(f"/cancelorder {code}")
    # Never shipped: the shipping income and the sale undone whole, the £2.16 unpaid credited
    # off the receivable, the £5.00 paid owed back.
    assert await moves(shop, before) == {CASH: 500, SALES: -126, RETURNS: 126, REFUNDS: -500}
    assert (await manager.send("/ar")).last.text == "No open invoices."
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.press((await admin.send(f"/order {code}")).last, "💸 Refund paid back: £5.00")
    assert await moves(shop, before) == {SALES: -126, RETURNS: 126}


async def test_a_wholesale_order_on_its_price_list_returned_refunds_the_list_price_it_was_sold_at(
    shop: RunningBot,
) -> None:
    await wholesale_list(shop)  # 85123A at £2.50 for the wholesale group
    await SandboxUser(shop.server, 704, "W", username="trade704").send("/start")
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @trade704 group wholesale")
    before = await balances(shop)
    code = await delivered(shop, 704, {"85123A": 2})  # COD: 2 × £2.50 + £3.70 shipping
    sold = await moves(shop, before)
    assert sold[CASH] == 870 and sold[SALES] + sold.get(DISCOUNTS, 0) == -500 and sold[SHIPPING] == -370
    manager = await hire(shop, 97, "Mo", "manager")
    steps = ("Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back")
    rma = await ask_return(shop, SandboxUser(shop.server, 704, "W"), code, "85123A", "Changed my mind")
    await settle_return(manager, rma, *steps)
    back = await moves(shop, before)
    assert back == {**sold, CASH: 870 - 250, RETURNS: 250, COGS: 110, INVENTORY: -110}


async def test_a_part_payment_recorded_before_a_stop_is_not_replayed_at_the_next_start(shop: RunningBot) -> None:
    before = await balances(shop)
    _, code = await _invoice_order(shop, 705, "en", 3)  # £7.16 on account
    manager = await hire(shop, 97, "Mo", "manager")
    await manager.send(f"/paid {code} 5")
    # The payment's commit marked its update handled: a start after a stop replays nothing of it.
    inbox = m.UpdateInboxRow
    paid = select(inbox.handled_at).where(inbox.payload.contains(f"/paid {code} 5"))
    assert await scalar(shop, paid) is not None and await shop.runtime.dp.inbox.unhandled(shop.runtime.bot.id) == []
    assert await shop.runtime.dp.replay(shop.runtime.bot) == 0
    assert await moves(shop, before) == {CASH: 500, RECEIVABLE: 216, SALES: -126, SHIPPING: -590}
    assert "£2.16" in (await manager.send("/ar")).last.text


async def test_a_new_exchange_rate_revalues_stock_costed_in_that_currency_so_inventory_stays_the_stock_value(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx USD 1.25")
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,USD\n"  # $1.25 = £1.00 a unit (it was £1.10)
    assert (await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")).last.text == (
        "reorder: 0 created, 1 updated, 0 unchanged."
    )
    before = await balances(shop)
    await admin.send("/fx USD 1.00")  # the dollar up: a unit costs £1.25 now
    assert await moves(shop, before) == {INVENTORY: 806 * 25, REVALUATION: -806 * 25}
    await delivered(shop, 706, {"85123A": 2})  # shipped at today's £1.25 a unit
    sold = {CASH: 960, SALES: -590, SHIPPING: -370, COGS: 250}
    assert await moves(shop, before) == {**sold, INVENTORY: 806 * 25 - 250, REVALUATION: -806 * 25}
    await admin.send("/fx USD 2.00")  # and down: the 804 left from £1.25 to 62p a unit (62.5p, half-even)
    fell = 804 * (125 - 62)
    assert await moves(shop, before) == {**sold, INVENTORY: 806 * 25 - 250 - fell, REVALUATION: -806 * 25 + fell}


async def _card_order_short_dropped(shop: RunningBot) -> tuple[str, dict[str, tuple[int, int]], dict[str, int]]:
    """Nina pays for 4 × 22151 by card; the pick finds 1 and she drops the 3 missing: the order's
    code, the balances before, and what the sale moved."""
    await shelf_says(shop, 4)  # the books say 4 × 22151; the shelf holds 1
    before = await balances(shop)
    nina = SandboxUser(shop.server, 707, "Nina")
    await add_to_cart(nina, "22151", 4)  # 4 × £0.42 and the courier
    reply = await nina.press((await checkout_to_payment(nina)).last, "💳")
    invoice = next(msg for msg in (await nina.press(reply.last, "✅")).new if msg.kind == "invoice")
    await nina.pay(invoice, charge_id="tg-short-books")
    code = invoice.invoice["payload"].split(":")[1] if invoice.invoice else ""
    sold = await moves(shop, before)
    shipping = -sold[SHIPPING]
    assert sold == {CASH: 168 + shipping, SALES: -168, SHIPPING: -shipping}
    await _short_pick(shop, await hire_in(shop, 708, "Pia", "picker", "en"), found=1)
    asked = next(msg for msg in reversed(shop.server.chat_messages(707)) if "✖" in " ".join(msg.button_texts()))
    await nina.press(asked, next(b for b in asked.button_texts() if "✖" in b))
    return code, before, sold


async def test_a_card_order_short_picked_and_its_missing_part_dropped_owes_that_part_back_and_ships_the_rest(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    code, before, sold = await _card_order_short_dropped(shop)
    # 3 of the 4 never sent: £1.26 of what was paid owed back, as a sales return (22151 has no
    # cost, so the units the pick found missing write nothing off).
    assert await moves(shop, before) == {**sold, RETURNS: 126, REFUNDS: -126}
    await _pack_and_ship(await hire_in(shop, 711, "Pax", "packer", "en"), code, 1, "TRK-SHORT-1")
    assert await status(shop, code) == "shipped"  # paid for all it sends: nothing stops it leaving
    assert await moves(shop, before) == {**sold, RETURNS: 126, REFUNDS: -126}


async def test_a_dropped_short_picked_part_is_owed_back_and_never_asked_for_again_by_a_payment_link(
    paying_shop: RunningBot,
) -> None:
    shop = paying_shop
    code, before, sold = await _card_order_short_dropped(shop)
    sue = await hire(shop, 712, "Sue", "support")
    told_before = len(shop.server.chat_messages(707))
    assert (await sue.send(f"/paylink {code}")).last.text == f"Order {code} has nothing left to pay."
    assert len(shop.server.chat_messages(707)) == told_before  # no link for the £1.26 owed back
    assert await payments(shop, code) == [("payment", 168 + (-sold[SHIPPING])), ("refund_owed", 126)]
    await _pack_and_ship(await hire_in(shop, 711, "Pax", "packer", "en"), code, 1, "TRK-SHORT-2")
    assert await status(shop, code) == "shipped"
    assert await moves(shop, before) == {**sold, RETURNS: 126, REFUNDS: -126}


async def test_a_discounted_size_swapped_down_then_the_replacement_refunded_nets_sales_to_the_shipping(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)  # XL £20.00 with £2.00 off; L £15.00; no cost known for either
    before = await balances(shop)
    code = await delivered(shop, 710, {"SHOE-XL": 1})  # COD £18.00 + shipping
    sold = await moves(shop, before)
    shipping = -sold[SHIPPING]
    assert sold == {CASH: 1800 + shipping, SALES: -2000, DISCOUNTS: 200, SHIPPING: -shipping}
    xl = (await lines_of(shop, code))["SHOE-XL"][0]
    replacement = await exchanged(shop, 710, code, {xl: "SHOE-L"})
    # £5.00 between the list prices owed back: the L kept for the £13.00 left of what was paid.
    assert await moves(shop, before) == {**sold, RETURNS: 500, REFUNDS: -500}
    (line,) = (await lines_of(shop, replacement)).values()
    assert await refunded(shop, 710, replacement, line[0]) == 1300  # the L back: what was left of it paid
    assert await moves(shop, before) == {**sold, RETURNS: 1800, REFUNDS: -1800}


async def test_a_taxed_order_returned_unit_by_unit_takes_back_exactly_the_tax_its_sale_booked(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        before = await balances(shop)
        code = await delivered(shop, 709, {"85123A": 3})  # COD: 3 × £2.95 + £4.20 shipping, 20 % inside
        # £8.85 of goods holds £1.48 of tax (1.475, half-even), the £4.20 shipping £0.70.
        sold = {CASH: 1305, SALES: -737, SHIPPING: -350, TAX: -218, COGS: 330, INVENTORY: -330}
        assert await moves(shop, before) == sold
        manager = await hire(shop, 97, "Mo", "manager")
        for _ in range(3):  # £2.95 a unit back, each with the tax its share of the sale carried
            rma = await ask_return(shop, SandboxUser(shop.server, 709, "C709"), code, "85123A", "Changed my mind")
            await settle_return(
                manager, rma, "Approve", "Parcel received", "Restock 85123A", "Refund", "Refund paid back"
            )
        # Every unit back: no sales left and no tax on them; only the shipping's income and tax stay.
        assert await moves(shop, before) == {CASH: 420, SALES: -737, RETURNS: 737, SHIPPING: -350, TAX: -70}


async def test_stock_costed_in_another_currency_leaves_inventory_at_the_stock_value_unit_by_unit(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx USD 1.50")
    before = await balances(shop)
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.00,USD\n"  # $1.00 is 66.67p: 67p a unit
    await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")
    # The 806 units on hand from £1.10 to 67p each: £5.40 under their £8.87 less.
    assert await moves(shop, before) == {INVENTORY: 806 * 67 - 806 * 110, REVALUATION: 806 * 110 - 806 * 67}
    for customer in (712, 713, 714):  # one unit at a time, each at 67p, as the stock value counts them
        await delivered(shop, customer, {"85123A": 1})
        await moves(shop, before)
    sold = await moves(shop, before)
    assert sold[COGS] == 3 * 67 and sold[INVENTORY] == 803 * 67 - 806 * 110


async def test_a_rouble_order_at_an_odd_rate_returned_unit_by_unit_nets_its_pound_sales_to_nothing(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    await manager.send("/fx RUB 100.50")
    before = await balances(shop)
    ivan = SandboxUser(shop.server, 715, "Ivan")
    await ivan.press((await ivan.send("/currency")).last, "RUB")
    await add_to_cart(ivan, "85123A", 3)
    code = order_code(await place_cod_order(ivan))  # 3 × 296,48 ₽ + 422,10 ₽, booked in pounds at 100.50
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    assert await moves(shop, before) == {CASH: 1305, SALES: -885, SHIPPING: -420, COGS: 330, INVENTORY: -330}
    for _ in range(3):  # each refund converted at the order's rate; the last one clears to the penny
        await settle_return(manager, await ask_return(shop, ivan, code, "85123A", "Changed my mind"), *REFUNDED)
    assert await moves(shop, before) == {CASH: 420, SALES: -885, RETURNS: 885, SHIPPING: -420}


async def test_a_taxed_card_order_edited_down_unit_by_unit_takes_back_exactly_the_tax_its_sale_booked_on_them(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        _, code = await paid_by_card(shop, 713, 4)  # a pickup: 4 × £2.95 = £11.80, 20 % inside
        # £11.80 holds £1.97 of tax (1.9666…); a unit's £2.95 holds 49p (0.4916…), so three taken
        # back each on its own would give back £1.47 where £11.80 less £2.95 holds £1.48.
        sold = {CASH: 1180, SALES: -983, TAX: -197}
        assert await moves(shop, before) == sold
        manager = await hire(shop, 714, "Mo", "manager")
        for left in (3, 2, 1):
            await manager.send(f"/edit {code} 85123A {left}")
        # £8.85 owed back; the one unit kept (£2.95) still carries the tax its sale holds: 49p.
        assert await moves(shop, before) == {**sold, RETURNS: 885 - 148, TAX: -197 + 148, REFUNDS: -885}


async def test_stock_costed_in_a_currency_without_a_rate_enters_inventory_at_its_first_rate(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    before = await balances(shop)
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,USD\n"  # $1.25 a unit, and no dollar rate yet
    await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")
    # /stockvalue counts the 806 units without a cost now: they leave inventory at their £1.10.
    assert await moves(shop, before) == {INVENTORY: -806 * 110, WITHOUT_ORDER: 806 * 110}
    await admin.send("/fx USD 1.25")  # the first dollar rate: they are worth £1.00 each
    assert await moves(shop, before) == {INVENTORY: -806 * 10, WITHOUT_ORDER: 806 * 10}


async def test_a_taxed_card_order_edited_up_then_down_keeps_exactly_the_tax_of_what_it_finally_sold(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo, code = await paid_by_card(shop, 721, 1)  # a pickup: £2.95, 49p of tax inside (0.4916…)
        assert await moves(shop, before) == {CASH: 295, SALES: -246, TAX: -49}
        manager = await hire(shop, 722, "Mo", "manager")
        assert await raised_and_paid(shop, manager, cleo, code, 3) == 590
        # £8.85 holds £1.48 of tax (1.475, half-even); £5.90 on its own holds 98p, so 49p + 98p fell a penny short.
        assert await moves(shop, before) == {CASH: 885, SALES: -737, TAX: -148}
        await manager.send(f"/edit {code} 85123A 1")
        # £5.90 owed back, £1.48 less the 49p the unit kept holds: 2200 back to exactly 49p.
        assert await moves(shop, before) == {CASH: 885, SALES: -737, RETURNS: 590 - 99, TAX: -49, REFUNDS: -590}


async def test_a_card_order_whose_shipping_rises_books_the_difference_as_shipping_income_not_sales(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A pickup paid by card (£2.95, 49p of tax inside) switched to a courier: the shipping
    it then pays (£5.20 to Leeds) is shipping income and the tax inside it (87p), not more goods sold."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo, code = await paid_by_card(shop, 731, 1)
        assert await moves(shop, before) == {CASH: 295, SALES: -246, TAX: -49}
        screen = await cleo.press((await cleo.send(f"/track {code}")).last, "✏️ Edit")
        await cleo.press(screen.last, "Deliver to an address instead")
        await cleo.send("5 High Street, Leeds LS1 1AA")
        moved = await cleo.send("Skip")  # no location shared: the national rate
        shipping = await scalar(shop, select(m.OrderRow.shipping_minor).where(m.OrderRow.code == code))
        assert shipping == 520, moved.last.text
        difference = next(msg for msg in moved.messages if msg.kind == "invoice")
        assert difference.invoice is not None and difference.invoice["total_amount"] == 520
        await cleo.pay(difference, charge_id="tg-shipping-rise")
        # £5.20 holds 87p of tax (86.67): £4.33 shipping income; sales stay the unit's £2.46.
        assert await moves(shop, before) == {CASH: 815, SALES: -246, SHIPPING: -433, TAX: -136}


async def test_a_card_invoice_paid_after_the_shipping_rose_books_only_what_was_charged_as_cash(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A pickup's invoice (£2.95) paid after the order was switched to a courier (£8.15 now): the
    charge is £2.95 of cash, the £5.20 still to pay is owed by the customer (1100), and paying
    it clears that, so cash ends at exactly what was charged (it was booked at the whole order's
    £8.15 on the first charge and again at £5.20 on the second)."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 741, "Cleo")
        stale = await place_card_order(cleo, "85123A", 1)
        code = order_of_invoice(stale)
        screen = await cleo.press((await cleo.send(f"/track {code}")).last, "✏️ Edit")
        await cleo.press(screen.last, "Deliver to an address instead")
        await cleo.send("5 High Street, Leeds LS1 1AA")
        await cleo.send("Skip")
        assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)) == 815
        told = await cleo.pay(stale, charge_id="tg-stale-invoice")  # charged £2.95, as the invoice said
        assert told.last.text == (
            f"💳 Payment received for order {code}: £2.95. The order changed after that invoice was sent:"
            " £5.20 is left to pay before it can leave."
        )
        sold = {SALES: -246, SHIPPING: -433, TAX: -136}
        assert await moves(shop, before) == {CASH: 295, RECEIVABLE: 520, **sold}
        assert await pay_the_difference(cleo, told.last, "tg-stale-rest") == 520
        assert await moves(shop, before) == {CASH: 815, **sold}
        assert [(kind, amount) for kind, amount in await payments(shop, code)] == [("payment", 295), ("payment", 520)]


async def test_a_russian_customer_who_paid_an_invoice_sent_before_an_edit_is_told_what_is_left_to_pay(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        olga = SandboxUser(shop.server, 742, "Ольга", language_code="ru")
        stale = await place_card_order(olga, "85123A", 1)
        code = order_of_invoice(stale)
        manager = await hire(shop, 743, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 3")  # £2.95 → £8.85 before the invoice was paid
        told = await olga.pay(stale, charge_id="tg-stale-ru")
        assert told.last.text == (
            f"💳 Оплата заказа {code} получена: 2,95\u00a0£. Заказ изменился после того, как был выставлен этот"
            " счёт: осталось доплатить 5,90\u00a0£, прежде чем мы его отправим."
        )
        assert await moves(shop, before) == {CASH: 295, RECEIVABLE: 590, SALES: -885}
        rest = await olga.press(told.last, "💳")
        await olga.pay(next(msg for msg in rest.new if msg.kind == "invoice"), charge_id="tg-stale-ru-rest")
        assert await moves(shop, before) == {CASH: 885, SALES: -885}


async def test_a_taxed_invoice_edited_down_unit_by_unit_credits_exactly_the_tax_its_sale_booked_on_them(
    tmp_path: Path, clock: FakeClock
) -> None:
    """4 × £2.95 on account with 20 % inside, taken down a unit at a time before it is paid: each
    credit note's own tax; and the parcel, lighter, costs less to ship: that fall was booked as
    goods returned (4900), not as shipping income given back. Paid, the receivable is exactly zero."""
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        before = await balances(shop)
        buyer = await business_customer(shop, 751)
        code = order_code(await place_invoice_order(buyer, "85123A", 4, location=False))
        assert await scalar(shop, select(m.OrderRow.shipping_minor).where(m.OrderRow.code == code)) == 590
        assert (await moves(shop, before))[TAX] == -(197 + 98)  # £11.80 holds £1.97, £5.90 98p
        manager = await hire(shop, 752, "Mo", "manager")
        for left in (3, 2, 1):
            await manager.send(f"/edit {code} 85123A {left}")
        # One unit and a lighter parcel left (£5.90 of shipping became £5.20): the three units come
        # back as sales returns (£8.85 less their £1.48 of tax), the 70p of shipping no longer
        # charged out of shipping income (less its 11p: 98p then, 87p now), 2200 at exactly what
        # £2.95 and £5.20 hold.
        assert await scalar(shop, select(m.OrderRow.shipping_minor).where(m.OrderRow.code == code)) == 520
        sold = {SALES: -983, RETURNS: 885 - 148, SHIPPING: -(520 - 87), TAX: -(49 + 87)}
        assert await moves(shop, before) == {**sold, RECEIVABLE: 295 + 520}
        await manager.send(f"/paid {code}")
        assert await moves(shop, before) == {**sold, CASH: 295 + 520}


async def test_a_card_order_cancelled_after_paying_part_of_it_owes_back_that_part_and_clears_the_rest(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The invoice paid before an edit raised the order (£2.95 of £8.85), then the whole order
    cancelled: the £2.95 charged is owed back, the £5.90 never paid comes off what the customer
    owed (1100), and the sale is undone whole."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 761, "Cleo")
        stale = await place_card_order(cleo, "85123A", 1)
        code = order_of_invoice(stale)
        manager = await hire(shop, 762, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 3")
        await cleo.pay(stale, charge_id="tg-stale-cancelled")
        assert await moves(shop, before) == {CASH: 295, RECEIVABLE: 590, SALES: -737, TAX: -148}
        await manager.send(f"/cancelorder {code}")
        assert await moves(shop, before) == {CASH: 295, SALES: -737, RETURNS: 737, REFUNDS: -295}
        assert [(kind, amount) for kind, amount in await payments(shop, code)] == [
            ("payment", 295),
            ("refund_owed", 295),
        ]


async def test_an_edit_s_difference_paid_after_a_price_rise_is_charged_and_booked_at_the_edit_s_price(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Two units added at £2.95 (£5.90 to pay), then the price rises to £3.50 before the customer
    pays: the difference asked and booked is still £5.90, the order's own price, and nothing is left."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo, code = await paid_by_card(shop, 771, 1)
        manager = await hire(shop, 772, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 3")
        await edit_product(shop, "85123A", lambda p: p.prices.update(GBP=Money(350, "GBP")))
        await shop.runtime.notifier.drain()
        assert await pay_the_difference(cleo, shop.server.chat_messages(771)[-1], "tg-before-the-rise") == 590
        assert await moves(shop, before) == {CASH: 885, SALES: -737, TAX: -148}
        assert await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)) == 885
        assert [amount for _, amount in await payments(shop, code)] == [295, 590]


async def lowered_then_stale_invoice_paid(shop: RunningBot, customer: SandboxUser) -> tuple[str, Reply]:
    """The customer's card order of 3 × 85123A (£8.85) lowered to 1 by a manager before its
    invoice was paid, then that invoice paid: the order's code and what the customer was told."""
    stale = await place_card_order(customer, "85123A", 3)
    code = order_of_invoice(stale)
    manager = await hire(shop, customer.id + 1, "Mo", "manager")
    await manager.send(f"/edit {code} 85123A 1")
    return code, await customer.pay(stale, charge_id=f"tg-stale-lowered-{customer.id}")


async def test_a_card_invoice_paid_after_an_edit_lowered_the_order_owes_the_excess_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    """3 × £2.95 invoiced, taken down to one unit before the invoice was paid, then the old
    invoice paid (£8.85): the sale is £2.95, the £5.90 charged beyond it is cash owed back (2100)."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        code, told = await lowered_then_stale_invoice_paid(shop, SandboxUser(shop.server, 781, "Cleo"))
        assert told.last.text == (
            f"💳 Payment received for order {code}: £8.85. The order changed after that invoice was sent and now"
            " costs £2.95: we owe you the £5.90 charged beyond it and will refund it the way you paid."
        )
        assert await moves(shop, before) == {CASH: 885, SALES: -246, TAX: -49, REFUNDS: -590}
        assert [(kind, amount) for kind, amount in await payments(shop, code)] == [
            ("payment", 885),
            ("refund_owed", 590),
        ]
        admin = SandboxUser(shop.server, ADMIN, "Ada")
        await admin.press((await admin.send(f"/order {code}")).last, "💸 Refund paid back: £5.90")
        assert await moves(shop, before) == {CASH: 295, SALES: -246, TAX: -49}


async def test_a_russian_customer_charged_more_than_the_edited_order_costs_is_told_what_is_owed_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        olga = SandboxUser(shop.server, 791, "Ольга", language_code="ru")
        code, told = await lowered_then_stale_invoice_paid(shop, olga)
        assert told.last.text == (
            f"💳 Оплата заказа {code} получена: 8,85\u00a0£. Заказ изменился после того, как был выставлен этот"
            " счёт, и теперь стоит 2,95\u00a0£: мы должны вам 5,90\u00a0£, списанные сверх этого, и вернём их тем"
            " же способом, которым вы платили."
        )


async def test_a_taxed_courier_order_raised_with_its_shipping_then_lowered_holds_exactly_the_final_order_s_tax(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A courier order paid by card (1 × £2.95 + £3.70 shipping: 49p + 62p of tax) raised to 7
    units, its parcel heavier (£4.70): the £18.70 paid holds what the order's tax rose by, £3.44 +
    78p less the £1.11 booked; estimated from the goods as if the shipping had not changed it
    held a penny more, and lowered back to 2 units, 2200 kept that penny above the final tax."""
    async with staff_shop(tmp_path, clock, tax_rate=20, payment_provider_token="sandbox:provider") as shop:
        before = await balances(shop)
        cleo = SandboxUser(shop.server, 751, "Cleo")
        invoice = await place_card_order(cleo, "85123A", 1, pickup=False)
        code = order_of_invoice(invoice)
        await cleo.pay(invoice, charge_id="tg-courier-751")
        assert await moves(shop, before) == {CASH: 665, SALES: -246, SHIPPING: -308, TAX: -111}
        manager = await hire(shop, 752, "Mo", "manager")
        assert await raised_and_paid(shop, manager, cleo, code, 7) == 1870
        # £20.65 of goods holds £3.44 of tax (3.4416…), £4.70 of shipping 78p (0.7833…).
        assert await moves(shop, before) == {CASH: 2535, SALES: -(2065 - 344), SHIPPING: -(470 - 78), TAX: -422}
        await manager.send(f"/edit {code}")  # the order as it is now, paid
        await manager.send(f"/edit {code} 85123A 2")
        assert await scalar(shop, select(m.OrderRow.shipping_minor).where(m.OrderRow.code == code)) == 370
        # £15.75 owed back; 2200 holds the tax of £5.90 and £3.70: 98p + 62p.
        moved = await moves(shop, before)
        assert moved[TAX] == -160 and moved[REFUNDS] == -1575 and moved[CASH] == 2535
        assert moved[SALES] + moved[RETURNS] + moved[SHIPPING] + moved[TAX] == -960  # the final order's £9.60


async def test_a_promo_coded_card_order_raised_by_an_edit_books_the_added_discount_in_sales_discounts(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A pickup of 2 × £2.95 with 10 % off (−59p) paid by card, raised to 4 units (−£1.18): the
    £5.31 difference is £5.90 more sold at list price and 59p more discount, as its sale booked
    it (sales at list, 4800 the discount), not £5.31 of sales with 4800 left at the first 59p."""
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        before, cleo, code = await promo_card_order(shop, 761)
        manager = await hire(shop, 762, "Mo", "manager")
        assert await raised_and_paid(shop, manager, cleo, code, 4) == 531
        assert await moves(shop, before) == {CASH: 1062, SALES: -1180, DISCOUNTS: 118}


async def test_a_promo_coded_card_order_lowered_by_an_edit_takes_the_discount_it_no_longer_gives_off_sales_discounts(
    tmp_path: Path, clock: FakeClock
) -> None:
    """2 × £2.95 with 10 % off (−59p) paid by card, lowered to 1 unit (−30p off it): £2.66 owed
    back. The unit taken back is returned at its list £2.95 and 4800 falls by the 29p less
    discount the order gives now; 4800 stayed at 59p while the order gave 30p off."""
    async with staff_shop(tmp_path, clock, payment_provider_token="sandbox:provider") as shop:
        before, _, code = await promo_card_order(shop, 771)
        manager = await hire(shop, 772, "Mo", "manager")
        await manager.send(f"/edit {code} 85123A 1")
        sold = {CASH: 531, SALES: -590}
        assert await moves(shop, before) == {**sold, DISCOUNTS: 30, RETURNS: 295, REFUNDS: -266}
