"""Units a bin's count still holds that its shelf does not give again: in a picker's tote until the
parcel leaves, or planned on an open pick line (what /pick, short picks, /move, /adjust and /transfer
leave where they are)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.orders import Order, OrderStatus
from domain.picking import spoken_for
from domain.ports import UnitOfWork
from domain.usecases.shortages import picked_and_shipped

# Orders that may hold units taken from a bin whose count still includes them (until shipment).
IN_HAND = (
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.ON_HOLD,
)


async def in_rounds(
    uow: UnitOfWork, warehouse_id: int, product_ids: set[int], also: Sequence[Order] = ()
) -> Counter[tuple[int, str]]:
    """(product, bin) → units of these products that picking rounds in the warehouse took from
    the bin (in a tote, not shipped) or planned on an open line (of its orders to fulfil, and
    ``also``): the bin's count still holds them, the shelf does not give them again."""
    orders = [*await uow.orders.to_fulfil(IN_HAND, warehouse_id), *also]
    taken = await uow.picking.orders_being_picked(warehouse_id, sorted({*IN_HAND, *(o.status for o in also)}))
    spoken = {
        o.id: o for o in orders if (o.id or 0) in taken and any(line.product_id in product_ids for line in o.lines)
    }
    return await _spoken_for(uow, warehouse_id, list(spoken.values()))


async def in_totes(uow: UnitOfWork, warehouse_id: int, product_ids: set[int]) -> Counter[tuple[int, str]]:
    """(product, bin) → units of these products pickers took from the warehouse's bin into a
    tote and that have not left yet: the bin's count holds them, its shelf no longer does."""
    orders = await uow.orders.to_fulfil(IN_HAND, warehouse_id)
    taken = await uow.picking.orders_being_picked(warehouse_id, IN_HAND)
    picking = [o for o in orders if (o.id or 0) in taken and any(line.product_id in product_ids for line in o.lines)]
    return await _spoken_for(uow, warehouse_id, picking, planned=False)


async def _spoken_for(
    uow: UnitOfWork, warehouse_id: int, orders: list[Order], *, planned: bool = True
) -> Counter[tuple[int, str]]:
    """What these orders already took from (or planned in) each bin of the warehouse and its
    count still holds: a round assigns the rest to the bins that still give it (a zone round
    sharing an order, as the round that planned it whole would have). Another warehouse's bin
    of the same code is another shelf."""
    held: Counter[tuple[int, str]] = Counter()
    for order in orders:
        _, shipped = await picked_and_shipped(uow, order)
        held += spoken_for(await uow.picking.lines_for_order(order.id or 0), shipped, warehouse_id, planned=planned)
    return held
