"""Set-ups and readers of test_books_stock_arrivals that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.purchasing import PoLine, PurchaseOrder
from domain.usecases.purchasing import approve_po, receive_po
from domain.usecases.reports import stock_report
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.conftest import ADMIN

INVENTORY, WITHOUT_ORDER = "1200 Inventory", "3000 Opening stock and goods without an order"


async def _inventory(shop: RunningBot) -> int:
    debit, credit = (await balances(shop))[INVENTORY]
    return debit - credit


async def _stock_value(shop: RunningBot) -> int:
    return sum(v.value.amount for v in await stock_report(shop.runtime.uow(), staff_id=ADMIN))


async def _entries(shop: RunningBot) -> list[tuple[str, str, int, int]]:
    """Every entry's source and memo with its totals, oldest first."""
    async with shop.runtime.sessions() as session:
        e = m.JournalEntryRow
        rows = await session.execute(select(e.source, e.memo, e.debit_total, e.credit_total).order_by(e.id))
        return [(s, memo, int(d), int(c)) for s, memo, d, c in rows]


async def _bought_on_an_order(shop: RunningBot, sku: str, quantity: int, unit_cost: Money) -> None:
    """``quantity`` of ``sku`` ordered from the first supplier for LON at ``unit_cost``, approved and received."""
    number = await _sent(shop, sku, quantity, unit_cost)
    await receive_po(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, number=number)


async def _sent(shop: RunningBot, sku: str, quantity: int, unit_cost: Money) -> int:
    """``quantity`` of ``sku`` ordered from the first supplier for LON at ``unit_cost`` and approved: its number."""
    runtime = shop.runtime
    async with runtime.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        supplier = (await uow.purchasing.suppliers())[0]
        warehouse = await uow.warehouses.get_by_code("LON")
        assert product and product.id and supplier.id and warehouse and warehouse.id
        line = PoLine(product.id, sku, quantity, unit_cost)
        po = PurchaseOrder(supplier.id, warehouse.id, unit_cost.currency, lines=[line], created_at=runtime.clock.now())
        po = await uow.purchasing.add(po, "test")
        await uow.commit()
    await approve_po(runtime.uow(), runtime.clock, staff_id=ADMIN, number=po.id or 0)
    return po.id or 0


async def new_moon_lamp(shop: RunningBot) -> None:
    """MOON-1, a new lamp: no supply terms, no catalog cost, no stock yet."""
    async with shop.runtime.uow() as uow:
        await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
        await uow.commit()
