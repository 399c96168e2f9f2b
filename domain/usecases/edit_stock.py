"""An edited order's stock: its holds given back and its lines routed and held again, all or nothing."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.orders import DeliveryMethod, Order
from domain.ports import UnitOfWork
from domain.routing import RoutingDecision, RoutingImpossible, route
from domain.usecases.checkout_routing import allocation_rows
from domain.usecases.orders import release_allocations
from domain.usecases.stock import release_expired_holds
from domain.warehouse import Warehouse


class NotEnoughForEdit(DomainError):
    key = N_("{name}: only {available} available. Nothing was changed.")


async def _destination(
    order: Order, warehouses: list[Warehouse]
) -> tuple[tuple[float, float] | None, Warehouse | None]:
    delivery = order.delivery
    if delivery is None or delivery.method is DeliveryMethod.COURIER:
        return (delivery.point if delivery else None), None
    pickup = next((w for w in warehouses if w.id == delivery.pickup_warehouse_id), None)
    if pickup is None or not pickup.is_pickup_point:
        raise NotFound()
    point = None if pickup.latitude is None or pickup.longitude is None else (pickup.latitude, pickup.longitude)
    return point, pickup


async def rehold(
    uow: UnitOfWork, order: Order, warehouses: list[Warehouse], now: datetime, language: str = ""
) -> tuple[RoutingDecision, tuple[float, float] | None]:
    """The order's stock goes back and the new lines are routed and reserved again: if any
    reservation fails, the transaction rolls back and the old allocation stands."""
    wanted: dict[int, int] = {}
    for line in order.lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    # Released, then reserved where routed: every counter of old and new lines in the lock order first.
    held = [r.product_id for r in await uow.stock.order_reservations(order.id or 0)]
    await uow.stock.lock_products([*wanted, *held])
    await release_allocations(uow, order)
    for product_id in sorted(wanted):
        await release_expired_holds(uow, product_id, now)
    point, pickup = await _destination(order, warehouses)
    available = {
        (lv.product_id, lv.warehouse_id): max(lv.available, 0) for lv in await uow.stock.levels(sorted(wanted))
    }
    try:
        decision = route(wanted, available, warehouses, point, pickup=pickup is not None)
    except RoutingImpossible as impossible:
        name = next(line.named_in(language) for line in order.lines if line.product_id == impossible.product_id)
        raise NotEnoughForEdit(name=name, available=impossible.params["available"]) from None
    for allocation in sorted(decision.allocations, key=lambda a: (a.product_id, a.warehouse_id)):
        if not await uow.stock.try_reserve(allocation.product_id, allocation.warehouse_id, allocation.quantity):
            name = next(line.named_in(language) for line in order.lines if line.product_id == allocation.product_id)
            raise NotEnoughForEdit(name=name, available=0)
    await allocation_rows(uow, order, decision, now)
    order.routing = [*decision.warehouse_codes, *decision.reasons]
    return decision, point
