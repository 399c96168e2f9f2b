"""Units lost at packing come off the bin they were picked from by one rule, whether the order
goes back to picking or is held: as many as the bin holds, never below what is reserved, and how
many could not be written off is returned to be said."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.usecases.dispatch import PackShort, report_pack_short
from domain.usecases.picking import confirm_pick, current_round
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.requests import in_a_pick_round, mugs_at_a_pickup_shop

PICKER, PACKER = 821, 822


async def _two_picked_then_recounted(engine: AsyncEngine, clock: FakeClock, a: int, b: int) -> str:
    """An order of 2 mugs picked from W1's A-01-01-1 (which held 2); then A is recounted to ``a``
    and B-01-01-1 to ``b``. Returns the order's code."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 2)
        customer = await uow.customers.add(Customer(telegram_id=9101, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id or 0, 2, clock.now())
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=PACKER, role=Role.PACKER, warehouse_code="W1"))
        await uow.commit()
    order = await in_a_pick_round(sessions, clock, customer.id or 0, shop, PICKER)
    while await current_round(SqlUnitOfWork(sessions), staff_id=PICKER) is not None:
        await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=PICKER, scanned="MUG")
    async with (uow := SqlUnitOfWork(sessions)):
        for code, units in (("B-01-01-1", b), ("A-01-01-1", a)):
            await uow.stock.set_bin_quantity(mug.id or 0, shop.id or 0, code, units, "count", "t", clock.now())
        await uow.commit()
    return order.code


async def _bins(engine: AsyncEngine) -> dict[str, int]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.BinRow.code, m.BinStockRow.quantity).join(m.BinStockRow, m.BinStockRow.bin_id == m.BinRow.id)
        )
        return {code: quantity for code, quantity in rows}


async def _status(engine: AsyncEngine, code: str) -> str | None:
    async with session_factory(engine)() as session:
        return await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code))


async def _short(engine: AsyncEngine, clock: FakeClock, code: str) -> PackShort:
    uow = SqlUnitOfWork(session_factory(engine))
    return await report_pack_short(uow, clock, staff_id=PACKER, code=code, sku="MUG", found=0, staff_chat_id=None)


async def test_units_lost_at_packing_beyond_their_bin_still_send_the_order_back_to_picking(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Both picked mugs broke; A now counts 1, B 4 (3 free): the order was held and its customer
    asked, although the shelves had them. Now A's one is written off, the other said."""
    code = await _two_picked_then_recounted(engine, clock, a=1, b=4)
    short = await _short(engine, clock, code)
    assert short.picked_again and short.not_written_off == 1
    assert await _status(engine, code) == "picking"
    assert await counters(engine) == {"W1": (4, 2)}  # the order keeps its 2 reserved
    assert await _bins(engine) == {"A-01-01-1": 0, "B-01-01-1": 4}
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []


async def test_units_lost_at_packing_when_the_shelves_are_empty_are_written_off_as_far_as_the_bin_holds(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """Both picked mugs broke; A counts 1, B 1, none free: the order is held, its 2 released, A's
    one written off and the other said (B's is not the lost one)."""
    code = await _two_picked_then_recounted(engine, clock, a=1, b=1)
    short = await _short(engine, clock, code)
    assert not short.picked_again and short.not_written_off == 1
    assert await _status(engine, code) == "on_hold"
    assert await counters(engine) == {"W1": (1, 0)}
    assert await _bins(engine) == {"A-01-01-1": 0, "B-01-01-1": 1}
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []
