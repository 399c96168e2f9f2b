"""A new unit cost revalues the stock on hand in the books, and a receipt's price beside it is a variance."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.money import Money
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_stock_arrivals import INVENTORY, WITHOUT_ORDER, _bought_on_an_order, _entries, new_moon_lamp
from tests.e2e.books_stock_arrivals import _inventory as inventory
from tests.e2e.books_stock_arrivals import _stock_value as stock_value
from tests.e2e.conftest import ADMIN, hire

REVALUATION, VARIANCE, PAYABLE = "5200 Inventory revaluation", "5300 Purchase price variance", "2000 Accounts payable"
ROUNDING = "5400 Currency conversion rounding"
REORDER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"


def moved(after: dict[str, tuple[int, int]], before: dict[str, tuple[int, int]], account: str) -> int:
    """What an account's balance moved by, debit side up."""
    a, b = after.get(account, (0, 0)), before.get(account, (0, 0))
    return (a[0] - b[0]) - (a[1] - b[1])


async def set_cost(manager: SandboxUser, sku: str, typed: str) -> str:
    await manager.press((await manager.send(f"/product {sku}")).last, "Unit cost")
    return (await manager.send(typed)).last.text or ""


async def test_stock_on_hand_before_its_product_had_a_cost_enters_inventory_when_it_gets_one(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    assert await inventory(shop) == await stock_value(shop)  # 17003's 443 units are counted at nothing
    before = await balances(shop)
    assert "Unit cost: £0.12" in await set_cost(manager, "17003", "0.12")
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == 443 * 12 == -moved(after, before, WITHOUT_ORDER)
    assert await inventory(shop) == await stock_value(shop)
    source, memo, debits, credits = (await _entries(shop))[-1]
    assert source == "product:17003" and "new cost" in memo and debits == credits == 443 * 12
    await set_cost(manager, "17003", "-")  # taken away again: out the way it came in
    assert moved(await balances(shop), before, INVENTORY) == 0 == moved(await balances(shop), before, WITHOUT_ORDER)
    assert await inventory(shop) == await stock_value(shop)


async def test_a_new_catalog_cost_revalues_the_units_on_hand_against_5200(shop: RunningBot) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    await set_cost(manager, "17003", "0.12")
    before = await balances(shop)
    await set_cost(manager, "17003", "0.10")  # 443 units, 2p less each
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == -443 * 2 == -moved(after, before, REVALUATION)
    assert await inventory(shop) == await stock_value(shop)
    await set_cost(manager, "17003", "0.10")  # the same again: nothing to book
    assert await balances(shop) == after


async def test_new_reorder_terms_revalue_the_stock_they_cost(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    before = await balances(shop)  # 85123A at LON: £1.10 in its terms
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,GBP\n"
    reply = await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")
    assert reply.last.text == "reorder: 0 created, 1 updated, 0 unchanged.", reply.last.text
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == 806 * 15  # 15p a unit more
    assert moved(after, before, REVALUATION) == -moved(after, before, INVENTORY)
    assert await inventory(shop) == await stock_value(shop)


async def test_a_receipt_dearer_than_the_supply_cost_books_the_difference_as_a_variance(shop: RunningBot) -> None:
    before = await balances(shop)
    await _bought_on_an_order(shop, "85123A", 10, Money(900, "GBP"))  # its terms at LON: £1.10
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == 1100 and moved(after, before, VARIANCE) == 7900
    assert moved(after, before, PAYABLE) == -9000  # the supplier is owed what the order says
    assert await inventory(shop) == await stock_value(shop)


async def test_a_receipt_cheaper_than_the_supply_cost_credits_the_variance(shop: RunningBot) -> None:
    before = await balances(shop)
    await _bought_on_an_order(shop, "85123A", 10, Money(100, "GBP"))
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == 1100 and moved(after, before, VARIANCE) == -100
    assert moved(after, before, PAYABLE) == -1000
    assert await inventory(shop) == await stock_value(shop)


@pytest.mark.parametrize("second", [1200, 700])
async def test_a_new_last_purchase_price_revalues_what_is_on_hand_at_the_last_one(
    shop: RunningBot, second: int
) -> None:
    await new_moon_lamp(shop)  # no supply terms, no catalog cost: valued at its last purchase price
    await _bought_on_an_order(shop, "MOON-1", 10, Money(900, "GBP"))
    before = await balances(shop)
    await _bought_on_an_order(shop, "MOON-1", 5, Money(second, "GBP"))
    after = await balances(shop)
    assert moved(after, before, INVENTORY) == 5 * second + 10 * (second - 900)
    assert moved(after, before, REVALUATION) == -10 * (second - 900) and VARIANCE not in after
    assert await inventory(shop) == await stock_value(shop)


async def test_a_products_file_giving_a_new_cost_revalues_the_units_on_hand(shop: RunningBot) -> None:
    async def cost(typed: str) -> None:
        row = f"17003,Brocade Ring Purse,Home decor,0.29,GBP,{typed}\n"
        await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency,cost\n" + row)

    before = await balances(shop)
    await cost("0.12")  # 443 units counted at nothing until now
    assert (
        moved(await balances(shop), before, INVENTORY)
        == 443 * 12
        == -moved(await balances(shop), before, WITHOUT_ORDER)
    )
    await cost("0.10")
    assert moved(await balances(shop), before, REVALUATION) == 443 * 2
    assert await inventory(shop) == await stock_value(shop)
    source, memo, debits, _ = (await _entries(shop))[-1]
    assert source == "import:products" and "new cost" in memo and debits == 443 * 2


async def test_a_dollar_receipt_at_its_own_cost_books_no_variance_and_the_conversion_s_penny_as_rounding(
    shop: RunningBot,
) -> None:
    await SandboxUser(shop.server, ADMIN, "Ada").send("/fx USD 1.30")
    await new_moon_lamp(shop)  # valued at its last purchase price: the $1.25 it is bought at
    before = await balances(shop)
    await _bought_on_an_order(shop, "MOON-1", 10, Money(125, "USD"))
    after = await balances(shop)
    # A unit is 96p ($1.25 / 1.30 = 96.15p), as the stock value counts it: £9.60 of stock; the supplier
    # is owed the $12.50 converted whole, £9.62 (961.5p, half-even). The 2p is no price variance.
    assert moved(after, before, INVENTORY) == 960 and moved(after, before, PAYABLE) == -962
    assert moved(after, before, ROUNDING) == 2 and VARIANCE not in after
    assert await inventory(shop) == await stock_value(shop)
