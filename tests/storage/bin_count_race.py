"""Set-ups and readers of test_bin_count_race that other test modules use too, and a /count of W1's bin A-01-01-1."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.usecases.bin_counts import Counted, CountResult, count_item, record_count
from domain.usecases.inventory import receive
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop

STAFF = (701, 702, 703, 704)


async def _new_mug(engine: AsyncEngine) -> None:
    """A mug never stocked in warehouse W1 (no counter, no bins), and four managers."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(900, "EUR")}))
        await uow.warehouses.upsert(Warehouse("W1", "Main"))
        for staff_id in STAFF:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER))
        await uow.commit()


async def _bin_with_five(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    await _new_mug(engine)
    await receive(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=STAFF[0],
        sku="MUG",
        quantity=5,
        warehouse_code="W1",
        bin_code="A-1-1-1",
        new_bin=True,
    )


async def _stock(engine: AsyncEngine) -> tuple[int, int, int]:
    async with session_factory(engine)() as session:
        in_bins = await session.scalar(select(func.sum(m.BinStockRow.quantity)))
        on_hand = await session.scalar(select(func.sum(m.StockRow.on_hand)))
        moved = await session.scalar(select(func.sum(m.InventoryMovementRow.delta)))
    return int(in_bins or 0), int(on_hand or 0), int(moved or 0)


async def mugs_counted(sessions: async_sessionmaker[AsyncSession], staff_id: int, found: int) -> Counted:
    """``staff_id``'s /count of W1's bin A-01-01-1 scanning MUG and finding ``found``: the count ``record_count`` takes,
    with the shelf as it was read."""
    sku, shelf = await count_item(
        SqlUnitOfWork(sessions), staff_id=staff_id, warehouse_id=1, bin_code="A-01-01-1", code="MUG"
    )
    return {sku: (found, shelf)}


async def mug_count_recorded(
    sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    staff_id: int,
    counted: Counted,
    staff_chat_id: int | None = None,
) -> CountResult:
    """``counted`` confirmed for W1's bin A-01-01-1 by ``staff_id``, started now."""
    return await record_count(
        SqlUnitOfWork(sessions),
        clock,
        staff_id=staff_id,
        warehouse_id=1,
        bin_code="A-01-01-1",
        counted=counted,
        started=clock.now(),
        staff_chat_id=staff_chat_id,
    )


async def mugs_in_a_shop_and_a_depot(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, staff_id: int
) -> tuple[Product, Warehouse, Customer]:
    """The mug, with 4 in the pickup shop W1's bin A-01-01-1 and 2 in the depot W2's; manager ``staff_id`` at W1; Cy
    (chat 9052), a customer."""
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 4)
        depot = await uow.warehouses.upsert(Warehouse("W2", "Depot", latitude=60.0, longitude=30.0))
        await uow.stock.set_bin_quantity(mug.id or 0, depot.id or 0, "B-01-01-1", 2, "count", "t", clock.now())
        await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.MANAGER, warehouse_code="W1"))
        cy = await uow.customers.add(Customer(telegram_id=9_052, first_name="Cy", created_at=clock.now()))
        await uow.commit()
    return mug, shop, cy
