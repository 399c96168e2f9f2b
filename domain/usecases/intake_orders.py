"""A channel's own orders once placed: read one or a page, what they wait for and owe, cancel one."""

from __future__ import annotations

from datetime import datetime

from domain.apikeys import ApiKey, Scope
from domain.backorders import BackorderStatus
from domain.errors import NotFound
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code, reference_key
from domain.parcels import Parcel, tracking_page
from domain.payments import invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.usecases.callbacks import original_code
from domain.usecases.orders import cancel_before_picking


async def _own(uow: UnitOfWork, key: ApiKey, code: str) -> Order:
    """An order this key placed; any other (a chat order, another channel's) is not found."""
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.id is None or not await uow.api.placed_by(key.id or 0, order.id):
        raise NotFound()
    return order


async def api_order(uow: UnitOfWork, *, key: ApiKey, code: str) -> Order:
    key.require(Scope.ORDERS)
    async with uow.read_only():
        return await _own(uow, key, code)


MAX_ORDERS_PAGE = 100  # orders a list page holds at most (GET /api/v1/orders?limit=)


async def api_orders(
    uow: UnitOfWork,
    *,
    key: ApiKey,
    after: int,
    limit: int,
    status: OrderStatus | None = None,
    reference: str = "",
    changed_since: datetime | None = None,
) -> tuple[list[Order], int | None]:
    """A page of the orders this key's channel placed, oldest first, past the cursor ``after``,
    and the cursor of the next page (None: this is the last)."""
    key.require(Scope.ORDERS)
    async with uow.read_only():
        ids = await uow.api.orders_placed(
            key.id or 0,
            after=after,
            limit=limit + 1,  # one more: whether there is a next page
            status=status,
            reference_key=reference_key(reference) if reference else None,
            changed_since=changed_since,
        )
        found = await uow.orders.by_ids(ids[:limit])
    page = [found[order_id] for order_id in ids[:limit] if order_id in found]
    return page, ids[limit - 1] if len(ids) > limit else None


async def api_original(uow: UnitOfWork, order: Order) -> str | None:
    """A replacement's: the code of the channel's order it was first sent for (None for any other order)."""
    if "REPLACEMENT" not in order.flags:
        return None
    async with uow.read_only():
        return await original_code(uow, order)


async def api_waiting(uow: UnitOfWork, order: Order) -> dict[str, int]:
    """Units of the order still waiting for stock (backorders and preorders), by SKU."""
    async with uow.read_only():
        parts = await uow.backorders.for_order(order.id or 0)
    skus = {line.product_id: line.sku for line in order.lines}
    return {skus.get(b.product_id, ""): b.quantity for b in parts if b.status is BackorderStatus.WAITING and b.quantity}


async def api_parcels(uow: UnitOfWork, order: Order) -> list[tuple[Parcel, str]]:
    """The parcels the order left in, oldest first, each with its carrier's tracking page ("" when none)."""
    async with uow.read_only():
        parcels = await uow.parcels.for_order(order.id or 0)
        rates = await uow.carriers.all() if parcels else []
    return [(parcel, tracking_page(rates, parcel)) for parcel in sorted(parcels, key=lambda p: p.seq)]


async def api_still_to_pay(uow: UnitOfWork, order: Order) -> Money | None:
    """What an invoice order still asks for (its total less payments and credit notes); None for another payment."""
    if order.payment_method is not PaymentMethod.INVOICE or order.status is OrderStatus.CANCELLED:
        return None
    async with uow.read_only():
        payments = await uow.payments.for_orders([order.id or 0])
    return invoice_owed(order.total, payments.get(order.id or 0, []))


async def cancel_api_order(
    uow: UnitOfWork, clock: Clock, *, key: ApiKey, code: str, staff_chat_id: int | None
) -> Order:
    """A channel cancels an order it sent, until picking starts (like a customer can), or while it is being picked
    (or on hold after a short pick) with nothing of it shipped: the channel's word is the shop's, so it is cancelled
    as a manager's /cancelorder cancels it then, each picker holding it told what to put back where, its waiting part
    cancelled. Picked whole, it is refused."""
    key.require(Scope.ORDERS)
    async with uow:
        order = await _own(uow, key, code)
        if order.status is not OrderStatus.CANCELLED:
            picking = order.being_picked and not await uow.parcels.for_order(order.id or 0)
            actor = f"api:{key.name}"
            await cancel_before_picking(uow, clock, order, actor=actor, staff_chat_id=staff_chat_id, picking=picking)
            await uow.commit()
        return order
