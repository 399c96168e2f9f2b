"""Why a count may not take on-hand below what is reserved: the orders and carts holding it, and the way out."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.i18n import N_
from domain.ports import UnitOfWork
from domain.stock import ReservationKind

ORDERS_NAMED = 5  # a position held by many orders names the oldest few, then "…"


# How units an order holds leave it, said alike by every refusal that names such orders (a count, /adjust): one
# translated phrase, put in as the ``release`` parameter (``handlers.errors`` translates it).
RELEASE = N_(
    "report them short at picking or packing (/pick, Short pick, or /short: the order is held and its customer "
    "asked), or edit or cancel them (/order CODE)"
)


class HeldByOrders(DomainError):
    """A refusal naming the orders that hold the units, and the way out of them (``RELEASE``)."""

    def __init__(self, key: str | None = None, **params: object) -> None:
        super().__init__(key, **{"release": RELEASE, **params})


class HeldForOrders(HeldByOrders):
    # A count is a fact, but units an order holds leave only through the order (a short pick or
    # /short writes them off and asks the customer; an edit or cancel gives them back): on-hand
    # under reserved would promise goods that are not there. The refusal says so and names them.
    key = N_(
        "{reserved} of {sku} at {warehouse} are held for orders ({orders}); a count leaving fewer than {reserved}"
        " there needs those orders changed first: {release}. Then import the count again."
    )


class HeldForOrdersAndCarts(HeldByOrders):
    key = N_(
        "{reserved} of {sku} at {warehouse} are held: {in_orders} for orders ({orders}), {in_carts} in customers'"
        " carts; a count leaving fewer than {reserved} there needs those orders changed first: {release}; a cart's"
        " hold ends by itself. Then import the count again."
    )


class HeldInCarts(DomainError):
    key = N_(
        "{reserved} of {sku} at {warehouse} are held in customers' carts; a count leaving fewer than {reserved}"
        " there can be imported once those holds end (they end by themselves)."
    )


class BelowReserved(DomainError):
    # With the way on: what can go now, and how units an order holds leave (a night's broken jars
    # were refused with two numbers and nothing to do).
    key = N_(
        "Refused: {on_hand} would be left on hand, but {reserved} are reserved for orders and carts. "
        "At most {free} can be taken off now; units an order holds come off when its picker reports them short."
    )


class BelowOrdersHold(HeldByOrders):
    # BelowReserved naming the orders holding the units and each way they leave (the night manager
    # had to find the orders himself, and a packer's /short was not said).
    key = N_(
        "Refused: {on_hand} would be left on hand, but {reserved} are reserved, {in_orders} of them for orders"
        " ({orders}). At most {free} can be taken off now; to take off more, change those orders first: {release}."
    )


@dataclass(frozen=True, slots=True)
class Holders:
    """Who holds a position's reserved units: orders (the oldest few named) and carts."""

    in_orders: int
    in_carts: int
    orders: str  # "HJFP5WGR, AB12CD34, …"

    @property
    def reserved(self) -> int:
        return self.in_orders + self.in_carts


async def holders(uow: UnitOfWork, product_id: int, warehouse_id: int) -> Holders:
    """Read in the caller's transaction, oldest reservation first."""
    held = await uow.stock.position_reservations(product_id, warehouse_id)
    allocations = [r for r in held if r.kind is ReservationKind.ALLOCATION and r.order_id is not None]
    in_orders = sum(r.quantity for r in allocations)
    order_ids = list(dict.fromkeys(r.order_id for r in allocations if r.order_id is not None))
    found = await uow.orders.by_ids(order_ids[:ORDERS_NAMED])
    codes = [found[i].code for i in order_ids[:ORDERS_NAMED] if i in found]
    orders = ", ".join(codes) + (", …" if len(order_ids) > ORDERS_NAMED else "")
    return Holders(in_orders, sum(r.quantity for r in held) - in_orders, orders)


async def below_held(
    uow: UnitOfWork, product_id: int, warehouse_id: int, sku: str, warehouse: str
) -> DomainError | None:
    """The refusal of a count under what ``(product_id, warehouse_id)`` holds: how many are held, by
    which orders and in carts, and what to do; None when no reservation explains the counter (it
    drifted: the plain "only N available" is all there is)."""
    held = await holders(uow, product_id, warehouse_id)
    if not held.reserved:
        return None
    if not held.in_orders:
        return HeldInCarts(reserved=held.reserved, sku=sku, warehouse=warehouse)
    if not held.in_carts:
        return HeldForOrders(reserved=held.reserved, sku=sku, warehouse=warehouse, orders=held.orders)
    return HeldForOrdersAndCarts(
        reserved=held.reserved,
        sku=sku,
        warehouse=warehouse,
        in_orders=held.in_orders,
        in_carts=held.in_carts,
        orders=held.orders,
    )
