"""Why a count may not take on-hand below what is reserved: the orders and carts holding it, and the way out."""

from __future__ import annotations

from domain.errors import DomainError
from domain.i18n import N_
from domain.ports import UnitOfWork
from domain.stock import ReservationKind

ORDERS_NAMED = 5  # a position held by many orders names the oldest few, then "…"


class HeldForOrders(DomainError):
    # A count is a fact, but units an order holds leave only through the order (a short pick or
    # /short writes them off and asks the customer; an edit or cancel gives them back): on-hand
    # under reserved would promise goods that are not there. The refusal says so and names them.
    key = N_(
        "{reserved} of {sku} at {warehouse} are held for orders ({orders}); a count leaving fewer than {reserved}"
        " there needs those orders changed first: report them short at picking or packing (/pick, Short pick, or"
        " /short: the order is held and its customer asked), or edit or cancel them (/order CODE). Then import the"
        " count again."
    )


class HeldForOrdersAndCarts(DomainError):
    key = N_(
        "{reserved} of {sku} at {warehouse} are held: {in_orders} for orders ({orders}), {in_carts} in customers'"
        " carts; a count leaving fewer than {reserved} there needs those orders changed first: report them short"
        " at picking or packing (/pick, Short pick, or /short: the order is held and its customer asked), or edit"
        " or cancel them (/order CODE); a cart's hold ends by itself. Then import the count again."
    )


class HeldInCarts(DomainError):
    key = N_(
        "{reserved} of {sku} at {warehouse} are held in customers' carts; a count leaving fewer than {reserved}"
        " there can be imported once those holds end (they end by themselves)."
    )


async def below_held(
    uow: UnitOfWork, product_id: int, warehouse_id: int, sku: str, warehouse: str
) -> DomainError | None:
    """The refusal of a count under what ``(product_id, warehouse_id)`` holds, read in the caller's
    transaction: how many are held, by which orders (oldest first) and in carts, and what to do; None
    when no reservation explains the counter (it drifted: the plain "only N available" is all there is)."""
    held = await uow.stock.position_reservations(product_id, warehouse_id)
    allocations = [r for r in held if r.kind is ReservationKind.ALLOCATION and r.order_id is not None]
    in_orders = sum(r.quantity for r in allocations)
    in_carts = sum(r.quantity for r in held) - in_orders
    if not held:
        return None
    order_ids = list(dict.fromkeys(r.order_id for r in allocations if r.order_id is not None))
    found = await uow.orders.by_ids(order_ids[:ORDERS_NAMED])
    codes = [found[i].code for i in order_ids[:ORDERS_NAMED] if i in found]
    orders = ", ".join(codes) + (", …" if len(order_ids) > ORDERS_NAMED else "")
    reserved = in_orders + in_carts
    if not in_orders:
        return HeldInCarts(reserved=reserved, sku=sku, warehouse=warehouse)
    if not in_carts:
        return HeldForOrders(reserved=reserved, sku=sku, warehouse=warehouse, orders=orders)
    return HeldForOrdersAndCarts(
        reserved=reserved, sku=sku, warehouse=warehouse, in_orders=in_orders, in_carts=in_carts, orders=orders
    )
