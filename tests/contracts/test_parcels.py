"""ParcelRepository on SQLite and PostgreSQL: parcels with their lines read back in order,
by tracking, delivered once; pickup codes found by code and by order, used once."""

from __future__ import annotations

from datetime import date, timedelta

from domain.orders import Order
from domain.parcels import Parcel, ParcelLine, ParcelStatus, PickupCode
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import placed as placed_order


async def placed(uow: UnitOfWork) -> Order:
    """An order read back, so its lines have their ids."""
    await placed_order(uow)
    async with uow.read_only():
        order = await uow.orders.get_by_code("BCDFGHJK")
    assert order is not None
    return order


async def test_parcels_read_back_with_their_lines_in_order_and_by_tracking(sql: UnitOfWork) -> None:
    order = await placed(sql)
    assert order.id is not None
    line = order.lines[0]
    assert line.id is not None
    async with sql:
        await sql.parcels.lock_order(order.id)
        second = Parcel(order.id, 2, "DHL", "TRK-2", [ParcelLine(line.id, line.product_id, "MUG-1", 1)], NOW)
        first = Parcel(
            order.id,
            1,
            "DPD",
            "TRK-1",
            [ParcelLine(line.id, line.product_id, "MUG-1", 1)],
            NOW,
            date(2026, 12, 1),
            staff_id=7,
        )
        await sql.parcels.add(second)
        await sql.parcels.add(first)
        await sql.commit()
    assert first.id is not None and second.id is not None
    async with sql.read_only():
        parcels = await sql.parcels.for_order(order.id)
        found = await sql.parcels.by_tracking("TRK-1")
        missing = await sql.parcels.by_tracking("NOPE")
    assert [p.seq for p in parcels] == [1, 2]
    assert parcels[0] == first and found == first and missing is None
    assert parcels[0].lines == [ParcelLine(line.id, line.product_id, "MUG-1", 1)]


async def test_a_parcel_is_delivered_once(sql: UnitOfWork) -> None:
    order = await placed(sql)
    assert order.id is not None and order.lines[0].id is not None
    async with sql:
        parcel = await sql.parcels.add(
            Parcel(
                order.id, 1, "DPD", "TRK-9", [ParcelLine(order.lines[0].id, order.lines[0].product_id, "MUG-1", 2)], NOW
            )
        )
        await sql.commit()
    assert parcel.id is not None
    later = NOW + timedelta(days=2)
    async with sql:
        assert await sql.parcels.mark_delivered(parcel.id, later) is True
        assert await sql.parcels.mark_delivered(parcel.id, later + timedelta(hours=1)) is False
        await sql.commit()
    async with sql.read_only():
        delivered = await sql.parcels.by_tracking("TRK-9")
    assert delivered is not None and delivered.status is ParcelStatus.DELIVERED and delivered.delivered_at == later


async def test_a_pickup_code_is_found_by_code_and_order_and_used_once(sql: UnitOfWork) -> None:
    order = await placed(sql)
    assert order.id is not None
    async with sql:
        await sql.parcels.add_pickup_code(PickupCode(order.id, "BCD234", NOW))
        await sql.commit()
    async with sql.read_only():
        by_code = await sql.parcels.pickup_code("BCD234")
        by_order = await sql.parcels.pickup_code_for(order.id)
        assert await sql.parcels.pickup_code("ZZZ999") is None
    assert by_code == by_order == PickupCode(order.id, "BCD234", NOW)
    async with sql:
        assert await sql.parcels.use_pickup_code("BCD234", NOW, 42) is True
        assert await sql.parcels.use_pickup_code("BCD234", NOW, 43) is False
        await sql.commit()
    async with sql.read_only():
        used = await sql.parcels.pickup_code("BCD234")
    assert used == PickupCode(order.id, "BCD234", NOW, NOW, 42)
