"""Size swaps by a customer on a price list: the other variant is priced at the customer's own
list (and the quantity break the returned line was bought at), never at retail; the money owed
either way and the books balanced."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from domain.returns import ReturnKind
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.exchange_refunds import balanced, exchanged, lines_of, shoes_on_sale, through
from tests.e2e.journeys import add_to_cart, order_code, payments, place_cod_order, scalar
from tests.e2e.returns import deliver, delivered
from tests.e2e.variants import journal_totals

WHOLESALE = (  # retail: S £10.00, M £12.00, L £15.00, XL £20.00
    "/pricelist add wholesale GBP SHOE-S 8.00",
    "/pricelist add wholesale GBP SHOE-M 8.00",
    "/pricelist add wholesale GBP SHOE-L 11.00",
    "/pricelist add wholesale GBP SHOE-XL 14.00 from 2",
)


async def wholesale_customer(shop: RunningBot, customer: int) -> None:
    """The shoes on a wholesale list, and customer ``customer`` buying at it."""
    await shoes_on_sale(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    for command in WHOLESALE:
        assert "Price rule saved" in (await admin.send(command)).last.text
    await SandboxUser(shop.server, customer, f"C{customer}", username=f"trade{customer}").send("/start")
    grouped = await admin.send(f"/customer @trade{customer} group wholesale")
    assert "wholesale" in grouped.last.text


async def test_a_wholesale_swap_between_sizes_their_list_prices_alike_owes_nothing_either_way(
    shop: RunningBot,
) -> None:
    await wholesale_customer(shop, 970)
    code = await delivered(shop, 970, {"SHOE-S": 1, "SHOE-L": 1})  # £8.00 and £11.00, not £10.00 and £15.00
    ordered = await lines_of(shop, code)
    assert (ordered["SHOE-S"][2], ordered["SHOE-L"][2]) == (800, 1100)
    small, large = ordered["SHOE-S"][0], ordered["SHOE-L"][0]
    replacement = await exchanged(shop, 970, code, {small: "SHOE-M", large: None})
    made = await lines_of(shop, replacement)
    # M is £8.00 on their list as S is: nothing charged (retail would have charged £4.00).
    assert made == {small: (made[small][0], "SHOE-M", 0, 800), large: (made[large][0], "SHOE-L", 0, 1100)}
    assert await payments(shop, code) == [("payment", 2320)] and await payments(shop, replacement) == []
    assert await balanced(shop)


async def test_a_wholesale_swap_down_owes_back_the_difference_of_their_list_prices(shop: RunningBot) -> None:
    await wholesale_customer(shop, 971)
    code = await delivered(shop, 971, {"SHOE-L": 1})
    large = (await lines_of(shop, code))["SHOE-L"][0]
    replacement = await exchanged(shop, 971, code, {large: "SHOE-M"})
    assert await payments(shop, code) == [
        ("payment", 1470),
        ("refund_owed", 300),
    ]  # £11.00 less their M's £8.00 (retail: £1.00 due)
    made = await lines_of(shop, replacement)
    assert made == {large: (made[large][0], "SHOE-M", 0, 800)}
    assert await balanced(shop)


async def test_a_wholesale_swap_up_charges_their_list_price_at_the_break_the_line_was_bought_at(
    shop: RunningBot,
) -> None:
    await wholesale_customer(shop, 972)
    code = await delivered(shop, 972, {"SHOE-L": 2})  # 2 × £11.00
    large = (await lines_of(shop, code))["SHOE-L"][0]
    # One of the two swapped to XL: £14.00 from 2 units on their list, as the line was 2 units.
    replacement = await exchanged(shop, 972, code, {large: "SHOE-XL"})
    made = await lines_of(shop, replacement)
    assert made == {large: (made[large][0], "SHOE-XL", 300, 1400)}
    assert await payments(shop, code) == [("payment", 2620)]
    refund = await through(shop, 972, replacement, ReturnKind.REFUND, {made[large][0]: None})
    assert refund and await payments(shop, replacement) == [
        ("payment", 300),
        ("refund_owed", 1400),
    ]  # £11.00 paid plus £3.00 charged
    assert await balanced(shop)


async def test_a_wholesale_swap_in_roubles_is_priced_at_their_rouble_list_and_the_order_s_rate(
    shop: RunningBot,
) -> None:
    """A customer paying in roubles on a list with rouble prices: a swap between sizes the list
    prices alike owes nothing though the rate moved since (retail would have charged the
    difference at the new rate); the refund of the swapped unit is what was paid, in roubles,
    booked in pounds at the order's rate."""
    await shoes_on_sale(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/fx RUB 100")
    for command in ("/pricelist add wholesale RUB SHOE-S 800", "/pricelist add wholesale RUB SHOE-M 800"):
        assert "Price rule saved" in (await admin.send(command)).last.text
    await SandboxUser(shop.server, 973, "Ivan", username="trade973", language_code="ru").send("/start")
    await admin.send("/customer @trade973 group wholesale")
    ivan = SandboxUser(shop.server, 973, "Ivan", username="trade973", language_code="ru")
    await add_to_cart(ivan, "SHOE-S", 1)
    code = order_code(await place_cod_order(ivan))
    await deliver(shop, code)
    small = await lines_of(shop, code)
    assert small["SHOE-S"][2] == 80000  # ₽800.00, not £10.00 at 100
    await admin.send("/fx RUB 120")
    replacement = await exchanged(shop, 973, code, {small["SHOE-S"][0]: "SHOE-M"})
    made = await lines_of(shop, replacement)
    assert made[small["SHOE-S"][0]][1:] == ("SHOE-M", 0, 80000)
    assert await payments(shop, code) == [("payment", 117000)]  # nothing owed either way
    await through(shop, 973, replacement, ReturnKind.REFUND, {made[small["SHOE-S"][0]][0]: None})
    assert await payments(shop, replacement) == [("refund_owed", 80000)]
    debit, credit = await journal_totals(shop)  # the books in pounds: £8.00 owed, ₽800.00 at the order's 100
    assert debit == credit > 0 and await refunds_owed_in_pounds(shop) == 800


async def refunds_owed_in_pounds(shop: RunningBot) -> int:
    line = m.JournalLineRow
    owed = select(func.sum(line.credit_minor - line.debit_minor)).where(line.account == Account.REFUNDS_PAYABLE.value)
    return int(await scalar(shop, owed) or 0)


async def test_a_swap_of_a_replacement_is_priced_at_the_break_the_first_order_s_line_was_bought_at(
    shop: RunningBot,
) -> None:
    """Two XL at their list's £14.00 from 2: one swapped to L (£3.00 back), then that L, a line
    of one unit on the replacement, swapped back to XL is charged the £3.00, not the £9.00 up to
    the XL's single-unit retail price."""
    await wholesale_customer(shop, 974)
    code = await delivered(shop, 974, {"SHOE-XL": 2})
    xl = (await lines_of(shop, code))["SHOE-XL"][0]
    first = await exchanged(shop, 974, code, {xl: "SHOE-L"})
    assert await payments(shop, code) == [("payment", 2820), ("refund_owed", 300)]
    large = (await lines_of(shop, first))[xl][0]
    second = await exchanged(shop, 974, first, {large: "SHOE-XL"})
    made = await lines_of(shop, second)
    assert made[large][1:] == ("SHOE-XL", 300, 1200)  # paid £12.00 (£2.00 off the XL), £3.00 back, £3.00 again
    assert await payments(shop, first) == [] and await balanced(shop)
