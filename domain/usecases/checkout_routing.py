"""A cart routed to warehouses: previewed on the stock there now, reserved there, its allocations written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from domain.cart import Cart
from domain.errors import DomainError
from domain.i18n import N_
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.routing import RoutingDecision, RoutingImpossible, route
from domain.shipping import Zone, haversine_km, zone_for
from domain.stock import Reservation, ReservationKind, StockLevel
from domain.warehouse import Warehouse


class CartChanged(DomainError):
    key = N_("{name}: only {available} available now. Your cart was not changed; please adjust it.")


async def _availability(
    uow: UnitOfWork, product_ids: list[int], levels: Sequence[StockLevel] | None = None
) -> dict[tuple[int, int], int]:
    if levels is None:
        levels = await uow.stock.levels(product_ids)
    wanted = set(product_ids)
    return {(lv.product_id, lv.warehouse_id): max(lv.available, 0) for lv in levels if lv.product_id in wanted}


def shipping_zone(decision: RoutingDecision, warehouses: list[Warehouse], point: tuple[float, float] | None) -> Zone:
    first = next(w for w in warehouses if w.code == decision.warehouse_codes[0])
    if point is None or first.latitude is None or first.longitude is None:
        return zone_for(None)
    return zone_for(haversine_km(first.latitude, first.longitude, point[0], point[1]))


async def _preview_route(
    uow: UnitOfWork,
    cart: Cart,
    customer_id: int | None,
    point: tuple[float, float] | None,
    levels: Sequence[StockLevel] | None = None,
    pickup: bool = False,
) -> tuple[RoutingDecision, list[Warehouse]]:
    """Routing on current availability; with ``customer_id``, as if that customer's own
    holds were released first (placement does exactly that)."""
    lines = {line.product.id or 0: line.quantity for line in cart.lines}
    available = await _availability(uow, list(lines), levels)
    for hold in await uow.stock.customer_holds(customer_id) if customer_id is not None else []:
        key = (hold.product_id, hold.warehouse_id)
        available[key] = available.get(key, 0) + hold.quantity
    warehouses = await uow.warehouses.all()
    return route(lines, available, warehouses, point, pickup=pickup), warehouses


async def route_or_explain(
    uow: UnitOfWork,
    cart: Cart,
    customer_id: int | None,
    point: tuple[float, float] | None,
    levels: Sequence[StockLevel] | None = None,
    language: str = "",
    pickup: bool = False,
) -> tuple[RoutingDecision, list[Warehouse]]:
    """``levels``: the cart's stock levels, when read in this transaction already; ``language``:
    the reader's, in which a refusal names the product where translated."""
    try:
        return await _preview_route(uow, cart, customer_id, point, levels, pickup)
    except RoutingImpossible as impossible:
        line = next(line for line in cart.lines if line.product.id == impossible.product_id)
        name = line.product.in_language(language).display_name
        raise CartChanged(name=name, available=impossible.params["available"]) from None


async def reserve_routed(uow: UnitOfWork, cart: Cart, decision: RoutingDecision) -> None:
    """Conditional reservations; if one loses a race the whole transaction rolls back,
    the customer's holds included, and they are told which line changed."""
    for allocation in sorted(decision.allocations, key=lambda a: (a.product_id, a.warehouse_id)):  # lock order
        if not await uow.stock.try_reserve(allocation.product_id, allocation.warehouse_id, allocation.quantity):
            name = next(line.product.display_name for line in cart.lines if line.product.id == allocation.product_id)
            available = sum((await _availability(uow, [allocation.product_id])).values())
            raise CartChanged(name=name, available=available)


async def allocation_rows(uow: UnitOfWork, order: Order, decision: RoutingDecision, now: datetime) -> None:
    merged: dict[tuple[int, int], int] = defaultdict(int)
    for allocation in decision.allocations:
        merged[(allocation.product_id, allocation.warehouse_id)] += allocation.quantity
    for (product_id, warehouse_id), quantity in merged.items():
        await uow.stock.add_reservation(
            Reservation(
                product_id, warehouse_id, quantity, ReservationKind.ALLOCATION, order.customer_id, order.id, None, now
            )
        )
