"""Moving an order through its lifecycle, with a history row for every step."""

from __future__ import annotations

from domain.errors import NotFound
from domain.orders import Order, OrderStatus, normalize_order_code
from domain.ports import Clock, UnitOfWork


async def transition_order(
    uow: UnitOfWork, clock: Clock, *, code: str, target: OrderStatus, actor: str, reason: str = ""
) -> Order:
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None:
            raise NotFound()
        entry = order.transition(target, now=clock.now(), actor=actor, reason=reason)
        await uow.orders.record_transition(order, entry)
        await uow.commit()
        return order
