"""What a replacement's lines were paid, line by line: an exchange of several lines swapped to
cheaper sizes, two sizes swapped to the same one, and a replacement of a replacement, each
refunded against the line it came from, with the books balanced; and a discounted line of
several units exchanged and refunded in parts, to the penny of what it was paid."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.return_handling import decide_return, inspect_line, mark_received, resolve_return
from domain.usecases.returns import request_return
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.exchange_refunds import balanced, exchanged, lines_of, refunded, shoes_on_sale, through
from tests.e2e.journeys import payments, scalar
from tests.e2e.returns import delivered
from tests.e2e.variants import journal_totals


async def ordered(shop: RunningBot, code: str) -> tuple[int, int]:
    """The ids of order ``code``'s XL line and L line."""
    lines = await lines_of(shop, code)
    return lines["SHOE-XL"][0], lines["SHOE-L"][0]


async def test_an_exchange_owing_a_difference_back_does_not_count_as_the_orders_shipping_refunded(
    shop: RunningBot,
) -> None:
    """A damaged XL swapped to a cheaper S owes the difference back, never the shipping; the
    damaged L refunded after it was refunded without the shipping, as if the exchange had."""
    await shoes_on_sale(shop)
    code = await delivered(shop, 964, {"SHOE-XL": 1, "SHOE-L": 1})
    shipping = int(await scalar(shop, select(m.OrderRow.shipping_minor).where(m.OrderRow.code == code)))
    assert shipping > 0
    xl, large = await ordered(shop, code)
    await through(shop, 964, code, ReturnKind.EXCHANGE, {xl: "SHOE-S"}, reason=ReturnReason.DAMAGED)
    assert await payments(shop, code) == [
        ("payment", 3720),
        ("refund_owed", 1000),
    ]  # £20.00 less the S's £10.00: no shipping
    await through(shop, 964, code, ReturnKind.REFUND, {large: None}, reason=ReturnReason.DAMAGED)
    assert await payments(shop, code) == [("payment", 3720), ("refund_owed", 1000), ("refund_owed", 1500 + shipping)]
    assert await balanced(shop)


async def test_two_lines_on_different_discounts_swapped_down_each_refund_what_its_own_line_was_paid(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 960, {"SHOE-XL": 1, "SHOE-L": 1})  # £20.00 less £2.00, and £15.00
    xl, large = await ordered(shop, code)
    replacement = await exchanged(shop, 960, code, {xl: "SHOE-S", large: "SHOE-M"})
    assert await payments(shop, code) == [("payment", 3720), ("refund_owed", 1300)]  # £10.00 back for S, £3.00 for M
    made = await lines_of(shop, replacement)
    assert made == {xl: (made[xl][0], "SHOE-S", 0, 800), large: (made[large][0], "SHOE-M", 0, 1200)}
    assert await refunded(shop, 960, replacement, made[xl][0]) == 800  # £18.00 paid, £10.00 back already
    assert await refunded(shop, 960, replacement, made[large][0]) == 1200  # £15.00 paid, £3.00 back already
    assert await balanced(shop)


async def test_two_sizes_swapped_to_the_same_one_are_each_refunded_against_their_own_line(shop: RunningBot) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 961, {"SHOE-XL": 1, "SHOE-L": 1})
    xl, large = await ordered(shop, code)
    replacement = await exchanged(shop, 961, code, {xl: "SHOE-M", large: "SHOE-M"})
    assert await payments(shop, code) == [
        ("payment", 3720),
        ("refund_owed", 1100),
    ]  # £8.00 back for the XL, £3.00 for the L
    made = await lines_of(shop, replacement)
    assert made == {xl: (made[xl][0], "SHOE-M", 0, 1000), large: (made[large][0], "SHOE-M", 0, 1200)}
    # The M that was the XL refunded first, then the one that was the L: each against its own.
    assert await refunded(shop, 961, replacement, made[xl][0]) == 1000  # £18.00 less £8.00
    assert await refunded(shop, 961, replacement, made[large][0]) == 1200  # £15.00 less £3.00
    assert await balanced(shop)


async def test_a_replacement_of_a_replacement_is_refunded_what_each_line_was_paid_along_the_chain(
    shop: RunningBot,
) -> None:
    await shoes_on_sale(shop)
    code = await delivered(shop, 962, {"SHOE-XL": 1, "SHOE-L": 1})
    xl, large = await ordered(shop, code)
    first = await exchanged(shop, 962, code, {xl: None, large: None})  # the same again, free
    again = await lines_of(shop, first)
    assert again == {xl: (again[xl][0], "SHOE-XL", 0, 1800), large: (again[large][0], "SHOE-L", 0, 1500)}
    second = await exchanged(shop, 962, first, {again[xl][0]: "SHOE-S", again[large][0]: "SHOE-M"})
    assert await payments(shop, first) == [("refund_owed", 1300)] and await payments(shop, code) == [("payment", 3720)]
    made = await lines_of(shop, second)
    assert await refunded(shop, 962, second, made[again[large][0]][0]) == 1200  # £15.00 less £3.00
    assert await refunded(shop, 962, second, made[again[xl][0]][0]) == 800  # £18.00 less £10.00
    assert await balanced(shop)


async def test_a_swap_down_never_owes_back_more_than_the_unit_was_paid(shop: RunningBot) -> None:
    await shoes_on_sale(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Last pair" off=12.00 products=SHOE-L until=2026-12-31')
    assert "Last pair" in made.last.text
    code = await delivered(shop, 963, {"SHOE-L": 1})  # £15.00 less £12.00
    large = (await lines_of(shop, code))["SHOE-L"][0]
    replacement = await exchanged(shop, 963, code, {large: "SHOE-S"})  # £5.00 cheaper at list prices
    assert await payments(shop, code) == [("payment", 670), ("refund_owed", 300)]  # all that was paid, not £5.00
    lines = await lines_of(shop, replacement)
    assert lines == {large: (lines[large][0], "SHOE-S", 0, 0)}
    assert await refunded(shop, 963, replacement, lines[large][0]) == 0  # nothing left of what was paid
    assert await balanced(shop)


# Three socks for the price of two: 3 × £5.00 less £5.00, £10.00 for three units, which no
# whole number of pence per unit adds up to.
SOCKS = (
    "sku,name,category,price,currency,barcode,weight_g,parent,options\n"
    "SOCK-S,Wool sock,Socks,5.00,GBP,,90,,Size=S\n"
    "SOCK-M,,,6.00,GBP,,,SOCK-S,Size=M\n"
)
SOCK_STOCK = "sku,warehouse,bin,quantity\nSOCK-S,LON,A-08-02-1,20\nSOCK-M,LON,A-08-02-2,20\n"


async def three_socks(shop: RunningBot, customer: int) -> tuple[str, int]:
    """Three S socks, the third free, delivered: the order's code and its line's id."""
    await import_products(shop.runtime.uow(), shop.runtime.clock, SOCKS)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, SOCK_STOCK)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Three for two" buy=2 products=SOCK-S until=2026-12-31')
    assert "Three for two" in made.last.text
    code = await delivered(shop, customer, {"SOCK-S": 3})
    line = m.OrderLineRow
    paid = select(line.unit_price_minor * line.quantity - line.discount_minor).where(line.sku == "SOCK-S")
    assert await scalar(shop, paid.join(m.OrderRow).where(m.OrderRow.code == code)) == 1000
    return code, (await lines_of(shop, code))["SOCK-S"][0]


async def test_three_units_sent_again_and_refunded_one_by_one_give_back_exactly_what_they_cost(
    shop: RunningBot,
) -> None:
    code, socks = await three_socks(shop, 970)
    replacement = await exchanged(shop, 970, code, {socks: None}, count=3)
    made = (await lines_of(shop, replacement))[socks]
    assert made[1:] == ("SOCK-S", 0, 1000)  # what all three were paid, not £3.33 a unit
    refunds = [await refunded(shop, 970, replacement, made[0]) for _ in range(3)]
    assert refunds == [333, 333, 334] and sum(refunds) == 1000  # it was £9.99
    assert await balanced(shop)


async def test_three_units_exchanged_one_now_and_two_later_are_refunded_exactly_what_they_cost(
    shop: RunningBot,
) -> None:
    code, socks = await three_socks(shop, 971)
    first = await exchanged(shop, 971, code, {socks: None})
    second = await exchanged(shop, 971, code, {socks: None}, count=2)
    one, two = (await lines_of(shop, first))[socks], (await lines_of(shop, second))[socks]
    assert (one[3], two[3]) == (333, 667)  # £10.00 between them: the second takes what the first left
    refunds = [await refunded(shop, 971, first, one[0])]
    refunds += [await refunded(shop, 971, second, two[0]) for _ in range(2)]
    assert refunds == [333, 333, 334] and sum(refunds) == 1000
    assert await balanced(shop)


async def test_units_exchanged_count_as_taken_back_when_the_rest_of_the_line_is_refunded(shop: RunningBot) -> None:
    code, socks = await three_socks(shop, 972)
    replacement = await exchanged(shop, 972, code, {socks: None})
    again = (await lines_of(shop, replacement))[socks]
    refunds = [await refunded(shop, 972, code, socks) for _ in range(2)]  # the two kept, from the first order
    refunds.append(await refunded(shop, 972, replacement, again[0]))
    assert refunds == [333, 334, 333] and sum(refunds) == 1000
    assert await balanced(shop)


async def test_a_replacement_of_a_replacement_swapped_up_in_part_stays_exact(shop: RunningBot) -> None:
    code, socks = await three_socks(shop, 973)
    first = await exchanged(shop, 973, code, {socks: None}, count=3)
    again = (await lines_of(shop, first))[socks]
    second = await exchanged(shop, 973, first, {again[0]: "SOCK-M"}, count=2)  # £1.00 more each
    made = (await lines_of(shop, second))[again[0]]
    assert made[1:] == ("SOCK-M", 100, 866)  # two thirds of £10.00, and £2.00 charged
    refunds = [await refunded(shop, 973, first, again[0])]
    refunds += [await refunded(shop, 973, second, made[0]) for _ in range(2)]
    assert refunds == [334, 433, 433] and sum(refunds) == 1000 + 200
    assert await balanced(shop)


async def test_an_exchange_s_difference_owed_back_is_confirmed_paid_back_as_a_refund_is(shop: RunningBot) -> None:
    """A swap down owed £10.00 back, but only a refund's screen offered "Refund paid back": the
    difference stayed owed in the books for ever."""
    await shoes_on_sale(shop)
    code = await delivered(shop, 965, {"SHOE-XL": 1})
    xl = (await lines_of(shop, code))["SHOE-XL"][0]
    rma = await through(shop, 965, code, ReturnKind.EXCHANGE, {xl: "SHOE-S"})
    assert await payments(shop, code) == [("payment", 2170), ("refund_owed", 1000)]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    shown = await admin.send(f"/rma {rma}")
    assert "Refund owed: £10.00" in shown.last.text
    paid = await admin.press(shown.last, "✅ Refund paid back")
    assert "Refund paid back: £10.00" in paid.last.text and "✅ Refund paid back" not in paid.last.button_texts()
    assert await payments(shop, code) == [("payment", 2170), ("refund_owed", 1000), ("refunded", 1000)]
    payable = m.JournalLineRow
    owed = select(func.sum(payable.credit_minor - payable.debit_minor)).where(
        payable.account == Account.REFUNDS_PAYABLE.value
    )
    assert int(await scalar(shop, owed) or 0) == 0  # owed, then paid: nothing left owed
    debit, credit = await journal_totals(shop)
    assert debit == credit
    await shop.runtime.notifier.drain()
    assert "We have paid back £10.00." in shop.server.chat_messages(965)[-1].text


async def test_a_replacement_unit_written_off_is_recorded_at_what_it_stands_at_not_at_its_free_price(
    shop: RunningBot,
) -> None:
    """A replacement's line costs nothing on the replacement: written off when it came back
    damaged, its value was recorded as £0.00 and its return showed £0.00."""
    await shoes_on_sale(shop)
    code = await delivered(shop, 966, {"SHOE-L": 1})
    large = (await lines_of(shop, code))["SHOE-L"][0]
    first = await exchanged(shop, 966, code, {large: None})
    again = (await lines_of(shop, first))[large][0]
    uow, clock = shop.runtime.uow, shop.runtime.clock
    customer_id = int(await scalar(shop, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 966)))
    request = await request_return(
        uow(),
        clock,
        customer_id=customer_id,
        code=first,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.DAMAGED,
        method=ReturnMethod.DROP_OFF,
        quantities={again: 1},
        window_days=14,
    )
    rma = request.rma_code
    await decide_return(uow(), clock, staff_id=ADMIN, rma=rma, approve=True)
    await mark_received(uow(), clock, staff_id=ADMIN, rma=rma)
    shown = await SandboxUser(shop.server, ADMIN, "Ada").send(f"/rma {rma}")
    assert "× 1 — £15.00" in shown.last.text
    await inspect_line(uow(), clock, staff_id=ADMIN, rma=rma, line_id=request.lines[0].id or 0, restock=False)
    await resolve_return(uow(), clock, staff_id=ADMIN, rma=rma, policy=shop.runtime.settings.checkout_policy())
    assert await payments(shop, first) == [("write_off", 1500), ("refund_owed", 1500)]  # no shipping: it was free
    assert await balanced(shop)
