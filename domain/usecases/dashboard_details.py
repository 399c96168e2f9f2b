"""What the dashboard's tiles open: the orders behind "late" and "on hold", a product's stock per bin."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from domain.catalog import normalize_sku
from domain.errors import NotFound
from domain.orders import Order, OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.usecases.dashboard import dashboard_member
from domain.usecases.jobs import LATE_STATUSES, is_late
from domain.usecases.order_queue import QueueEntry, fulfilment_queue
from domain.usecases.stock_lookup import StockView, stock_view
from domain.warehouse import Warehouse

LIST_LIMIT = 100  # a list behind a tile shows the first ones; the chat's commands page the rest


async def late_and_held(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, timezone: str
) -> tuple[list[Order], list[Order]]:
    """Orders not shipped by the day they had to leave, and orders on hold (the "late or on
    hold" tile, as the daily digest counts it), oldest first."""
    await dashboard_member(uow, staff_id)
    today: date = clock.now().astimezone(ZoneInfo(timezone)).date()
    async with uow.read_only():
        rates = await uow.carriers.all()
        orders = await uow.orders.to_fulfil(LATE_STATUSES, None)
    held = [o for o in orders if o.status is OrderStatus.ON_HOLD]
    late = [o for o in orders if o.status is not OrderStatus.ON_HOLD and is_late(o, rates, today)]
    return late[:LIST_LIMIT], held[:LIST_LIMIT]


async def product_stock(uow: UnitOfWork, *, staff_id: int, sku: str) -> StockView:
    """One product's stock per warehouse and bin, as ``/stock SKU`` shows it (VIEW_STOCK); a
    product hidden from customers too (the low-stock list names it: its row must open)."""
    wanted = normalize_sku(sku)
    for view in (await stock_view(uow, staff_id=staff_id, query=wanted, variants=False, hidden=True)).views:
        if view.product.sku == wanted:
            return view
    raise NotFound()


async def every_queue(
    uow: UnitOfWork, *, staff_id: int, warehouse_code: str = ""
) -> list[tuple[Warehouse, list[QueueEntry]]]:
    """The first ``LIST_LIMIT`` of ``/queue`` of the warehouse named, or of each warehouse (the picking tile's list)."""
    await dashboard_member(uow, staff_id)
    if warehouse_code:
        codes = [warehouse_code]
    else:
        async with uow.read_only():
            codes = sorted(w.code for w in await uow.warehouses.all())
    return [await fulfilment_queue(uow, staff_id=staff_id, warehouse_code=code, limit=LIST_LIMIT) for code in codes]
