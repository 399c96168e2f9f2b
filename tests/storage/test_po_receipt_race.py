"""Races on SQLite and PostgreSQL: two staff book in the same delivery at the same instant (a
double tap on two devices): the goods are counted once, the other receipt refused."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.money import Money
from domain.purchasing import PoLine, PoNotEditable, PoStatus, PurchaseOrder, Supplier
from domain.usecases.purchasing import receive_po
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.po_receipt_race import mug_orders

BUYERS = (701, 702)


async def test_a_delivery_booked_in_twice_at_once_is_counted_once(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(1000, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop"))
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0]
        for staff_id in BUYERS:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER))
        line = PoLine(product.id or 0, "MUG", 10, Money(300, "EUR"))
        po = PurchaseOrder(supplier.id or 0, shop.id or 0, "EUR", PoStatus.APPROVED, [line], clock.now())
        po = await uow.purchasing.add(po, "t")
        await uow.commit()

    start = asyncio.Event()

    async def receive(staff_id: int) -> str:
        await start.wait()
        try:
            await receive_po(SqlUnitOfWork(sessions), clock, staff_id=staff_id, number=po.id or 0)
        except PoNotEditable as refused:
            return f"refused: {refused.params['po_status']}"
        return "received"

    tasks = [asyncio.create_task(receive(staff_id)) for staff_id in BUYERS]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["received", "refused: received"]
    async with sessions() as session:
        on_hand = await session.scalar(select(m.StockRow.on_hand))
        moved = await session.scalar(select(func.sum(m.InventoryMovementRow.delta)))
        received = await session.scalar(select(m.PoLineRow.received))
        entries = await session.scalar(select(func.count()).select_from(m.JournalEntryRow))
    assert (on_hand, moved, received) == (10, 10, 10)
    assert entries == 1  # one receipt booked: Dr inventory, Cr payable, once


async def test_two_deliveries_of_the_same_goods_booked_in_at_once_count_both(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two purchase orders of mugs for one warehouse arrive together and two staff book them
    in at the same instant: the bin and the warehouse hold both deliveries."""
    sessions = session_factory(engine)
    numbers = await mug_orders(SqlUnitOfWork(sessions), clock, BUYERS, (10, 4), "EUR")
    await receive_po(SqlUnitOfWork(sessions), clock, staff_id=BUYERS[0], number=numbers[0], sku="MUG", quantity=5)
    start = asyncio.Event()

    async def receive(staff_id: int, number: int) -> None:
        await start.wait()
        await receive_po(SqlUnitOfWork(sessions), clock, staff_id=staff_id, number=number)

    tasks = [asyncio.create_task(receive(s, n)) for s, n in zip(BUYERS, numbers, strict=True)]
    start.set()
    await asyncio.gather(*tasks)
    async with sessions() as session:
        in_bins = await session.scalar(select(func.sum(m.BinStockRow.quantity)))
        on_hand = await session.scalar(select(m.StockRow.on_hand))
        moved = await session.scalar(select(func.sum(m.InventoryMovementRow.delta)))
    assert (in_bins, on_hand, moved) == (14, 14, 14)
