"""Set-ups and readers of test_po_receipt_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.money import Money
from domain.purchasing import PoLine, PoStatus, PurchaseOrder, Supplier
from domain.usecases.fx import shop_rates
from domain.usecases.reports import stock_value_in
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def mug_orders(
    uow: SqlUnitOfWork, clock: FakeClock, managers: tuple[int, ...], units: tuple[int, ...], currency: str
) -> list[int]:
    """Approved purchase orders of mugs at 3.00 each for one warehouse, one per count of
    ``units``, and the ``managers`` who receive (or pay) them: the orders' numbers."""
    async with uow:
        product = await uow.products.upsert(Product(sku="MUG", name="Mug", category="C"))
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop"))
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0]
        for staff_id in managers:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER))
        numbers = []
        for count in units:
            line = PoLine(product.id or 0, "MUG", count, Money(300, currency))
            po = PurchaseOrder(supplier.id or 0, shop.id or 0, currency, PoStatus.APPROVED, [line], clock.now())
            numbers.append((await uow.purchasing.add(po, "t")).id or 0)
        await uow.commit()
    return numbers


async def inventory_and_stock_value(engine: AsyncEngine, currency: str) -> tuple[int, int | None]:
    """1200 Inventory's balance (debits less credits), and the stock costed in ``currency`` as /stockvalue counts it."""
    async with session_factory(engine)() as session:
        debit, credit = (
            await session.execute(
                select(func.sum(m.JournalLineRow.debit_minor), func.sum(m.JournalLineRow.credit_minor)).where(
                    m.JournalLineRow.account == Account.INVENTORY.value
                )
            )
        ).one()
    async with (uow := SqlUnitOfWork(session_factory(engine))).read_only():
        worth = await stock_value_in(uow, await shop_rates(uow), currency)
    return int(debit or 0) - int(credit or 0), worth
