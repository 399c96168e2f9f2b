"""The queue of orders a warehouse has to fulfil, ranked by priority in the database, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import NotFound
from domain.orders import Order, OrderStatus
from domain.ports import UnitOfWork
from domain.queue_rank import PRIORITY_FLAGS
from domain.staff import Permission
from domain.usecases.staff import require, warehouse_of
from domain.warehouse import Warehouse

READY_TO_PICK = (OrderStatus.ALLOCATED,)

QUEUE_STATUSES = (*READY_TO_PICK, OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    order: Order
    units: int
    being_picked: bool

    @property
    def priority(self) -> bool:
        return bool(self.order.flags & PRIORITY_FLAGS)


async def _ranked(
    uow: UnitOfWork, warehouse: Warehouse, offset: int, limit: int | None
) -> tuple[list[QueueEntry], int]:
    """Orders ``offset`` onwards of the warehouse's queue, ranked by the database, and how many
    the queue holds (call it within ``read_only``)."""
    orders, total = await uow.orders.queue(QUEUE_STATUSES, warehouse.id or 0, offset, limit)
    picking = await uow.picking.orders_being_picked(warehouse.id or 0, QUEUE_STATUSES)
    entries = [QueueEntry(o, sum(line.quantity for line in o.lines), (o.id or 0) in picking) for o in orders]
    return entries, total


async def fulfilment_queue(
    uow: UnitOfWork, *, staff_id: int, warehouse_code: str | None = None, limit: int | None = None
) -> tuple[Warehouse, list[QueueEntry]]:
    """The first ``limit`` orders (all when none) of the warehouse's queue, by priority."""
    member = await require(uow, staff_id, Permission.VIEW_ORDERS)
    warehouse = await warehouse_of(uow, member, warehouse_code)
    async with uow.read_only():
        entries, _ = await _ranked(uow, warehouse, 0, limit)
    return warehouse, entries


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of a warehouse's queue. ``total`` is what the pages hold together, read in the
    same transaction as the page."""

    warehouse: Warehouse
    entries: list[QueueEntry]
    page: int
    pages: int
    total: int
    offset: int  # how many orders come before this page's first
    moved: bool = False  # the page asked for is gone (orders left the queue): the last one instead


async def queue_page(
    uow: UnitOfWork,
    *,
    staff_id: int,
    page: int,
    page_size: int,
    warehouse_code: str | None = None,
    warehouse_id: int | None = None,
) -> QueuePage:
    """A page of the warehouse's queue (named by code, or by id from a page button), ranked and
    cut in the database; a page past the end (a button from before orders left the queue)
    gives the last page and says so."""
    member = await require(uow, staff_id, Permission.VIEW_ORDERS)
    if warehouse_id is not None:
        async with uow.read_only():
            named = {w.id: w.code for w in await uow.warehouses.all()}
        if warehouse_id not in named:
            raise NotFound()
        warehouse_code = named[warehouse_id]
    warehouse = await warehouse_of(uow, member, warehouse_code)
    async with uow.read_only():
        entries, total = await _ranked(uow, warehouse, max(page, 0) * page_size, page_size)
        pages = max((total + page_size - 1) // page_size, 1)
        shown = min(max(page, 0), pages - 1)
        if shown != max(page, 0):  # past the end: the last page instead, in the same transaction
            entries, total = await _ranked(uow, warehouse, shown * page_size, page_size)
    return QueuePage(warehouse, entries, shown, pages, total, shown * page_size, moved=shown != page)
