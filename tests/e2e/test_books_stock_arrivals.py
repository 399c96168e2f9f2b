"""Stock that arrives without a purchase order is in the books at the cost the stock value uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, update

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.usecases.purchasing import receive_po
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.books_stock_arrivals import (
    INVENTORY,
    WITHOUT_ORDER,
    _bought_on_an_order,
    _entries,
    _inventory,
    _sent,
    _stock_value,
    new_moon_lamp,
)
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.returns import delivered
from tests.fakes import FakeClock

COGS = "5000 Cost of goods sold"


async def _entry_count(shop: RunningBot) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(m.JournalEntryRow)) or 0)


async def test_the_opening_stock_import_puts_the_stock_value_in_inventory_against_3000(shop: RunningBot) -> None:
    opening = await _stock_value(shop)
    assert opening > 0 and await _inventory(shop) == opening
    assert (await balances(shop))[WITHOUT_ORDER] == (0, opening)
    source, memo, debits, credits = (await _entries(shop))[0]
    assert source == "import:stock" and debits == credits == opening
    assert "no cost known for 17003" in memo  # products without a cost post nothing and are named


async def test_a_count_that_raises_stock_is_booked_in_and_one_that_lowers_it_written_off(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    count = b"sku,warehouse,bin,quantity\n85123A,LON,B-06-06-3,816\n22197,LON,A-03-03-3,1090\n"
    reply = await admin.send_document(count, "stock.csv", caption="/import stock")
    assert reply.last.text == "stock: 2 bins set, 0 unchanged; units in the file's bins: 1,906."
    books = await balances(shop)  # 10 more 85123A at £1.10; 4 fewer 22197 at £0.30
    assert books["5100 Inventory write-offs"] == (120, 0) and books[WITHOUT_ORDER][1] - books[WITHOUT_ORDER][0] > 1100
    assert await _inventory(shop) == await _stock_value(shop)
    assert all(debits == credits for _, _, debits, credits in await _entries(shop))


async def test_goods_received_without_an_order_are_in_inventory_at_supply_cost(shop: RunningBot) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    before = await balances(shop)
    await manager.send("/receive 85123A 24 LON")
    books = await balances(shop)  # 24 × £1.10 (its supply terms at LON)
    assert books[INVENTORY][0] - before[INVENTORY][0] == 2640
    assert books[WITHOUT_ORDER][1] - before[WITHOUT_ORDER][1] == 2640
    assert await _inventory(shop) == await _stock_value(shop)
    source, memo, debits, credits = (await _entries(shop))[-1]
    assert source == "receipt:LON" and memo.startswith("85123A at LON: +24") and debits == credits == 2640


async def test_goods_without_a_cost_are_received_post_nothing_and_staff_are_told_how_to_cost_them(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    entries = await _entry_count(shop)
    reply = await manager.send("/receive 17003 5 LON")
    assert reply.last.text.startswith("Received 5 × 17003 into LON"), reply.last.text
    assert (
        "Not booked to the journal yet: 17003 has no cost. Give it one in the products file's cost column"
        " or with /product 17003 → ✏️ Unit cost, and its stock on hand is booked then." in reply.last.text
    )
    assert await _entry_count(shop) == entries and await _inventory(shop) == await _stock_value(shop)
    ivan = await hire(shop, 99, "Ivan", "manager", language="ru")
    reply = await ivan.send("/receive 17003 1 LON")
    assert "Пока не проведено в журнале: у 17003 нет себестоимости." in reply.last.text, reply.last.text
    assert "и его остаток будет проведён тогда" in reply.last.text
    assert "/product 17003 → ✏️ Себестоимость единицы" in reply.last.text
    costed = await manager.send("/receive 85123A 1 LON")
    assert "journal" not in costed.last.text  # booked: nothing to tell


async def test_a_stock_receipt_through_the_api_is_in_inventory_at_supply_cost(
    api: tuple[TestClient[Any, Any], dict[str, str]], shop: RunningBot
) -> None:
    client, auth = api
    receipt = {"sku": "22197", "warehouse": "LON", "quantity": 10}
    assert (await client.post("/api/v1/stock/receipts", json=receipt, headers=auth)).status == 201
    source, memo, debits, credits = (await _entries(shop))[-1]
    assert source == "receipt:LON" and "api:web shop" in memo and debits == credits == 300  # 10 × £0.30
    assert await _inventory(shop) == await _stock_value(shop)


async def test_a_refused_stock_import_posts_nothing(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    entries = await _entry_count(shop)
    count = b"sku,warehouse,bin,quantity\n85123A,LON,B-06-06-3,900\nNOPE,LON,,1\n"
    reply = await admin.send_document(count, "stock.csv", caption="/import stock")
    assert reply.last.text.startswith("Nothing was imported"), reply.last.text
    async with shop.runtime.sessions() as session, session.begin():  # 85123A at LON: 2 reserved
        product = select(m.ProductRow.id).where(m.ProductRow.sku == "85123A").scalar_subquery()
        await session.execute(update(m.StockRow).where(m.StockRow.product_id == product).values(reserved=2))
    below = b"sku,warehouse,bin,quantity\n22197,LON,A-03-03-3,2000\n85123A,LON,B-06-06-3,1\n"
    reply = await admin.send_document(below, "stock.csv", caption="/import stock")
    assert reply.last.text.startswith("Nothing was imported"), reply.last.text
    assert await _entry_count(shop) == entries


async def test_a_product_without_terms_or_cost_is_valued_and_sold_at_its_last_purchase_price(
    shop: RunningBot,
) -> None:
    await new_moon_lamp(shop)
    before = await _stock_value(shop)
    await _bought_on_an_order(shop, "MOON-1", 10, Money(900, "GBP"))
    assert await _stock_value(shop) - before == 9000  # 10 × £9.00, as the receipt booked them
    assert await _inventory(shop) == await _stock_value(shop)
    cogs = (await balances(shop)).get(COGS, (0, 0))[0]
    await delivered(shop, 500, {"MOON-1": 1})
    assert (await balances(shop))[COGS][0] - cogs == 900
    assert await _inventory(shop) == await _stock_value(shop)


async def test_the_last_purchase_price_is_the_order_received_last_not_the_one_numbered_last(
    shop: RunningBot, clock: FakeClock
) -> None:
    async with shop.runtime.uow() as uow:  # no supply terms, no catalog cost: the last price paid costs it
        await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
    delayed = await _sent(shop, "MOON-1", 10, Money(700, "GBP"))  # placed first, late at the supplier
    prompt = await _sent(shop, "MOON-1", 10, Money(900, "GBP"))
    await receive_po(shop.runtime.uow(), clock, staff_id=ADMIN, number=prompt)
    clock.advance(days=6)
    await receive_po(shop.runtime.uow(), clock, staff_id=ADMIN, number=delayed)
    cogs = (await balances(shop)).get(COGS, (0, 0))[0]
    await delivered(shop, 500, {"MOON-1": 1})
    assert (await balances(shop))[COGS][0] - cogs == 700  # £7.00: the price of the goods that came in last
    async with shop.runtime.sessions() as session:
        dates = await session.scalars(select(m.PoLineRow.received_at).order_by(m.PoLineRow.po_id))
        assert [d for d in dates if d is not None][-2:] == [clock.now(), clock.now() - timedelta(days=6)]


async def test_supply_terms_win_over_a_purchase_order_s_price(shop: RunningBot) -> None:
    before = await _stock_value(shop)
    await _bought_on_an_order(shop, "85123A", 10, Money(900, "GBP"))  # its terms at LON: £1.10
    assert await _stock_value(shop) - before == 1100  # the 10 in at £1.10, as the rest of its stock
    cogs = (await balances(shop)).get(COGS, (0, 0))[0]
    await delivered(shop, 500, {"85123A": 1})
    assert (await balances(shop))[COGS][0] - cogs == 110
