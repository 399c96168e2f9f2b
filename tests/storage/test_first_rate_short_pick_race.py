"""Mugs costed in dollars written off by a short pick or lost at packing while the first dollar rate is set."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.usecases.dispatch import report_pack_short
from domain.usecases.picking import confirm_pick, current_round
from domain.usecases.short_picks import report_short
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.first_rate_race import against_the_first_rate, settled
from tests.storage.requests import in_a_pick_round, mugs_at_a_pickup_shop

ADMIN, BUYER, PICKER, PACKER = 941, 942, 943, 944


async def _two_mugs_in_a_round(engine: AsyncEngine, clock: FakeClock, more: int = 0) -> str:
    """Mugs costed at $3.00 (no dollar rate yet: valued at nothing, none in 1200), two in W1's A-01-01-1 and
    ``more`` in A-02-01-1; an order of two reserved there and the picker's round sent to A-01-01-1. Its code."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}, cost=Money(300, "USD")))
        if more:
            await uow.stock.set_bin_quantity(mug.id or 0, shop.id or 0, "A-02-01-1", more, "count", "t", clock.now())
        buyer = await uow.customers.add(Customer(telegram_id=BUYER, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(buyer.id or 0, mug.id or 0, 2, clock.now())
        for member, role in ((ADMIN, Role.ADMIN), (PICKER, Role.PICKER), (PACKER, Role.PACKER)):
            await uow.staff.put(StaffMember(telegram_id=member, role=role, warehouse_code="W1"))
        await uow.commit()
    return (await in_a_pick_round(sessions, clock, buyer.id or 0, shop, PICKER)).code


async def _found_none(engine: AsyncEngine, clock: FakeClock) -> object:
    return await report_short(SqlUnitOfWork(session_factory(engine)), clock, staff_id=PICKER, found=0, staff_chat_id=1)


async def _picked_then_lost(engine: AsyncEngine, clock: FakeClock, more: int) -> list[object]:
    """Both mugs picked (``more`` in A-02-01-1 still free), then lost on the way: the packer's short."""
    code = await _two_mugs_in_a_round(engine, clock, more)
    while await current_round(SqlUnitOfWork(session_factory(engine)), staff_id=PICKER) is not None:
        await confirm_pick(SqlUnitOfWork(session_factory(engine)), clock, staff_id=PICKER, scanned="MUG")

    async def loses() -> object:
        uow = SqlUnitOfWork(session_factory(engine))
        return await report_pack_short(uow, clock, staff_id=PACKER, code=code, sku="MUG", found=0, staff_chat_id=1)

    return await against_the_first_rate(engine, clock, ADMIN, loses)


async def test_a_short_pick_holding_the_order_as_the_first_rate_is_set_writes_its_units_off_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """The picker finds none of the two in A-01-01-1 and the order is held while the first dollar rate is set: the
    write-off, reading no rate, took nothing off 1200, and the rate's revaluation, still seeing two, brought them in."""
    await _two_mugs_in_a_round(engine, clock)
    await settled(
        engine, await against_the_first_rate(engine, clock, ADMIN, lambda: _found_none(engine, clock)), 0, ADMIN
    )


async def test_a_short_pick_given_by_another_bin_as_the_first_rate_is_set_writes_its_units_off_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A-01-01-1 is empty, A-02-01-1 gives the two while the first dollar rate is set: the two come off A-01-01-1's
    count at no rate, and the revaluation brought in all five."""
    await _two_mugs_in_a_round(engine, clock, more=3)
    await settled(
        engine, await against_the_first_rate(engine, clock, ADMIN, lambda: _found_none(engine, clock)), 3, ADMIN
    )


async def test_units_lost_at_packing_and_picked_again_as_the_first_rate_is_set_are_written_off_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Both picked mugs go missing at the bench, A-02-01-1 has three free (the order goes back to picking) while the
    first dollar rate is set: written off at no rate, the two were brought in by the revaluation and stayed."""
    await settled(engine, await _picked_then_lost(engine, clock, more=3), 3, ADMIN)


async def test_units_lost_at_packing_holding_the_order_as_the_first_rate_is_set_are_written_off_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Both picked mugs go missing at the bench, none free on the shelves (the order is held) while the first dollar
    rate is set: written off at no rate, the two were brought in by the revaluation and stayed."""
    await settled(engine, await _picked_then_lost(engine, clock, more=0), 0, ADMIN)
