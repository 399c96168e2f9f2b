"""Goods received on a purchase order whose product is costed in a currency the shop has no rate for."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.money import Money
from sandbox import SandboxUser
from tests.e2e.accounting import balances
from tests.e2e.books_reconcile import INVENTORY, journal_currencies, moves
from tests.e2e.books_stock_arrivals import WITHOUT_ORDER, _sent
from tests.e2e.conftest import ADMIN, hire

PAYABLE = "2000 Accounts payable"
REORDER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"


async def test_a_pound_order_for_goods_costed_in_dollars_without_a_rate_owes_pounds_and_values_them_at_the_first_rate(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,USD\n"  # $1.25 a unit, and no dollar rate yet
    await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")
    number = await _sent(shop, "85123A", 10, Money(100, "GBP"))  # bought at £1.00 a unit all the same
    before = await balances(shop)
    received = (await admin.send(f"/po receive {number}")).last.text or ""
    assert "Not valued in the books yet: 85123A costs in USD, and there is no USD rate." in received
    assert "/fx USD RATE" in received
    # The supplier is owed the £10.00 paid; /stockvalue counts the units without a cost (no dollar
    # rate), so they are not in inventory yet: the £10.00 waits in 3000, as goods without a cost do.
    assert await moves(shop, before) == {PAYABLE: -1000, WITHOUT_ORDER: 1000}
    await admin.send("/fx USD 1.25")  # the first dollar rate: the 816 units on hand are worth £1.00 each
    assert await moves(shop, before) == {PAYABLE: -1000, INVENTORY: 816 * 100, WITHOUT_ORDER: 1000 - 816 * 100}
    assert await journal_currencies(shop) == {"GBP"}


async def test_goods_received_without_an_order_costed_in_dollars_without_a_rate_wait_for_the_first_rate(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    terms = REORDER + "85123A,LON,40,400,CANDLES,12,48,1.25,USD\n"
    await admin.send_document(terms.encode(), "reorder.csv", caption="/import reorder")
    manager = await hire(shop, 98, "Маша", "manager", language="ru")
    before = await balances(shop)
    received = (await manager.send("/receive 85123A 10 LON")).last.text or ""
    assert "В учёте пока не оценено: себестоимость 85123A в USD, а курса USD нет." in received
    assert "/fx USD КУРС" in received
    assert await moves(shop, before) == {}  # no value the stock value could count them at: nothing booked yet
    await admin.send("/fx USD 1.25")
    assert await moves(shop, before) == {INVENTORY: 816 * 100, WITHOUT_ORDER: -816 * 100}
    assert await journal_currencies(shop) == {"GBP"}
