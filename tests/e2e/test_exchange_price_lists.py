"""Size swaps by a customer on a price list: the other variant is priced at the customer's own
list (and the quantity break the returned line was bought at), never at retail; the money owed
either way and the books balanced."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.returns import ReturnKind
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.test_exchange_refunds import balanced, exchanged, lines_of, shoes_on_sale, through
from tests.e2e.test_returns import delivered, money

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
    assert await money(shop, code) == [] and await money(shop, replacement) == []
    assert await balanced(shop)


async def test_a_wholesale_swap_down_owes_back_the_difference_of_their_list_prices(shop: RunningBot) -> None:
    await wholesale_customer(shop, 971)
    code = await delivered(shop, 971, {"SHOE-L": 1})
    large = (await lines_of(shop, code))["SHOE-L"][0]
    replacement = await exchanged(shop, 971, code, {large: "SHOE-M"})
    assert await money(shop, code) == [("refund_owed", 300)]  # £11.00 less their M's £8.00 (retail: £1.00 due)
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
    assert await money(shop, code) == []
    refund = await through(shop, 972, replacement, ReturnKind.REFUND, {made[large][0]: None})
    assert refund and await money(shop, replacement) == [("refund_owed", 1400)]  # £11.00 paid plus £3.00 charged
    assert await balanced(shop)
