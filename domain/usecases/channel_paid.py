"""The sales channel that took an order's money, which alone takes more for it (``editing.check_channel_paid``)."""

from __future__ import annotations

from domain.orders import Order
from domain.ports import UnitOfWork
from domain.returns import first_replaced


async def paid_at_channel(uow: UnitOfWork, order: Order) -> str | None:
    """The sales channel that took the order's money (``Order.paid_at``); a replacement's, that of the order it was
    first sent for, whose channel adopted it: what it costs more is that channel's to take too."""
    if "REPLACEMENT" not in order.flags:
        return order.paid_at
    first = first_replaced(await uow.returns.for_customer(order.customer_id), order.id or 0)
    found = await uow.orders.get_by_id(first) if first is not None else None
    return found.paid_at if found is not None else None
