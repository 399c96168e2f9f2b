"""The shop the short pick's race tests start from (test_short_pick_transfer_race, test_short_pick_cancel_race)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.orders import Order
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import in_a_pick_round, mugs_at_a_pickup_shop


async def a_round_to_find_short(
    engine: AsyncEngine, clock: FakeClock, *, customer: int, picker: int, manager: int, more_in_shop: int = 0
) -> Order:
    """W1, the pickup shop (the lower id), has 2 mugs in A-01-01-1 (and ``more_in_shop`` in A-02-01-1); W2, the
    depot, 3 in B-01-01-1. The ``customer``'s order of 2 is reserved in W1 and ``picker``'s round sends them to
    A-01-01-1; ``manager`` is a manager. Returns the order."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        if more_in_shop:
            await uow.stock.set_bin_quantity(
                mug.id or 0, shop.id or 0, "A-02-01-1", more_in_shop, "count", "t", clock.now()
            )
        depot = await uow.warehouses.upsert(Warehouse("W2", "Depot", latitude=60.0, longitude=30.0))
        assert (shop.id or 0) < (depot.id or 0)
        await uow.stock.set_bin_quantity(mug.id or 0, depot.id or 0, "B-01-01-1", 3, "count", "t", clock.now())
        buyer = await uow.customers.add(Customer(telegram_id=customer, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(buyer.id or 0, mug.id or 0, 2, clock.now())
        await uow.staff.put(StaffMember(telegram_id=picker, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=manager, role=Role.MANAGER))
        await uow.commit()
    return await in_a_pick_round(sessions, clock, buyer.id or 0, shop, picker)
