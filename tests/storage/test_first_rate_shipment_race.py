"""Mugs costed in dollars shipped in a parcel or handed over at the counter while the first dollar rate is set."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Role, StaffMember
from domain.money import Money
from domain.parcels import PickupCode
from domain.usecases.parcels import ship_parcel
from domain.usecases.pickup import hand_over
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.first_rate_race import against_the_first_rate, settled
from tests.storage.requests import mugs_at_a_pickup_shop, mugs_ordered

ADMIN, BUYER, PACKER = 951, 952, 953


async def _two_of_five_mugs_packed(engine: AsyncEngine, clock: FakeClock) -> str:
    """Mugs costed at $3.00 (no dollar rate yet: valued at nothing, none in 1200), five in W1; an order of two
    for pickup there, packed, pickup code BCD234. Its code."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 5)
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}, cost=Money(300, "USD")))
        for member, role in ((ADMIN, Role.ADMIN), (PACKER, Role.PACKER)):
            await uow.staff.put(StaffMember(telegram_id=member, role=role, warehouse_code="W1"))
        await uow.commit()
    placed = await mugs_ordered(sessions, clock, shop, mug, BUYER, 2)
    async with sessions() as session, session.begin():  # picked and packed (their own tests prove those steps)
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == placed.code).values(status="packed"))
    async with (uow := SqlUnitOfWork(sessions)):
        await uow.parcels.add_pickup_code(PickupCode(placed.id or 0, "BCD234", clock.now()))
        await uow.commit()
    return placed.code


async def test_a_parcel_shipped_as_the_first_rate_is_set_takes_its_units_out_of_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two of five mugs leave in a parcel while the first dollar rate is set: the shipment, reading no rate, booked
    no cost of goods, and the rate's revaluation, still seeing five, brought in the two gone with the three left."""
    code = await _two_of_five_mugs_packed(engine, clock)

    async def ships() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await ship_parcel(uow, clock, staff_id=PACKER, code=code, carrier="DPD", tracking="FX-0001")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, ships), 3, ADMIN)


async def test_an_order_handed_over_as_the_first_rate_is_set_takes_its_units_out_of_inventory_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Two of five mugs are handed over at the counter while the first dollar rate is set: the three left are in
    1200, the two gone are not."""
    await _two_of_five_mugs_packed(engine, clock)

    async def hands_over() -> object:
        return await hand_over(SqlUnitOfWork(session_factory(engine)), clock, staff_id=PACKER, code="BCD234")

    await settled(engine, await against_the_first_rate(engine, clock, ADMIN, hands_over), 3, ADMIN)
