"""PickingRepository (SQL alone: no fake implements it) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from domain.picking import PickLine, PickList, PickMethod, RoundTote
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_warehouse
from tests.contracts.orders import placed


async def _an_order_in_lon(sql: UnitOfWork) -> tuple[int, int, int]:
    """A placed order's id, a warehouse LON's id and the order's first product's id."""
    order = await placed(sql)
    assert order.id is not None
    return order.id, await a_warehouse(sql, "LON"), order.lines[0].product_id


async def test_the_rounds_of_an_order_name_picker_tote_and_end_oldest_first_and_none_of_other_orders(
    sql: UnitOfWork,
) -> None:
    order_id, lon, product = await _an_order_in_lon(sql)
    async with sql:
        first = await sql.picking.add(
            PickList(PickMethod.SINGLE, lon, 71, [PickLine(1, order_id, product, None, 2, 1)]), NOW
        )
        # two lines of the order in one round (another bin) are one tote, one round
        lines = [PickLine(1, order_id, product, None, 3, 1), PickLine(2, order_id, product, None, 3, 1)]
        second = await sql.picking.add(PickList(PickMethod.BATCH, lon, 72, lines), NOW)
        assert first.id is not None and second.id is not None
        await sql.picking.finish(first.id, NOW + timedelta(minutes=5))
        await sql.commit()
    async with sql:
        assert await sql.picking.rounds_of_order(order_id) == [
            RoundTote(first.id, 71, 2, NOW + timedelta(minutes=5)),
            RoundTote(second.id, 72, 3, None),
        ]
        assert await sql.picking.rounds_of_order(order_id + 1) == []


async def test_a_saved_lines_sequence_moves_it_behind_the_rounds_other_lines(sql: UnitOfWork) -> None:
    """A line skipped for later keeps its counts and is read back last."""
    order_id, lon, product = await _an_order_in_lon(sql)
    async with sql:
        lines = [PickLine(1, order_id, product, None, 1, 2), PickLine(2, order_id, product, None, 1, 1)]
        await sql.picking.add(PickList(PickMethod.SINGLE, lon, 73, lines), NOW)
        first = lines[0]
        first.seq, first.picked = 3, 1
        await sql.picking.save_line(first)
        await sql.commit()
    async with sql:
        again = await sql.picking.open_for(73)
    assert again is not None
    assert [(x.seq, x.quantity, x.picked) for x in again.lines] == [(2, 1, 0), (3, 2, 1)]


async def test_an_orders_lines_name_the_round_each_was_picked_in(sql: UnitOfWork) -> None:
    """Two zone rounds of one order: each line read back names its own round (each picker puts back only theirs)."""
    order_id, lon, product = await _an_order_in_lon(sql)
    async with sql:
        zone_a = await sql.picking.add(
            PickList(PickMethod.ZONE, lon, 71, [PickLine(1, order_id, product, None, 1, 1)]), NOW
        )
        zone_b = await sql.picking.add(
            PickList(PickMethod.ZONE, lon, 72, [PickLine(1, order_id, product, None, 1, 2)]), NOW
        )
        assert [line.pick_list_id for line in zone_b.lines] == [zone_b.id]  # as added
        await sql.commit()
    async with sql:
        read = await sql.picking.lines_for_order(order_id)
        assert sorted((line.quantity, line.pick_list_id) for line in read) == [(1, zone_a.id), (2, zone_b.id)]
