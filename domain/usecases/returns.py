"""Opening a return or an exchange: what of a delivered order may come back, and the customer's request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from domain.catalog import Product
from domain.errors import DomainError, NotFound
from domain.notifications import Notification
from domain.orders import Order, ReturnStatus, normalize_order_code
from domain.parcels import Parcel, ParcelStatus, parcels_by_line
from domain.ports import Clock, UnitOfWork
from domain.returns import (
    AlreadyInReturn,
    NotASwap,
    NothingToReturn,
    NotReturnable,
    ReturnKind,
    ReturnLine,
    ReturnMethod,
    ReturnReason,
    ReturnRequest,
    TooManyReturned,
    new_rma_code,
    returnable,
)
from domain.text import MAX_NOTE, typed
from domain.usecases.backorder_fill import dropped
from domain.usecases.callbacks import return_moved
from domain.usecases.exchanges import check_swap_charge, home_warehouse, require_in_stock, require_on_sale, reservable


async def _own_order(uow: UnitOfWork, customer_id: int, code: str) -> Order:
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.customer_id != customer_id or order.id is None:
        raise NotFound()
    return order


async def _already_returned(uow: UnitOfWork, order_id: int) -> dict[int, int]:
    taken: dict[int, int] = defaultdict(int)
    for request in await uow.returns.for_order(order_id):
        if request.status is not ReturnStatus.REJECTED:
            for line in request.lines:
                taken[line.order_line_id] += line.quantity
    return taken


async def _none_left(uow: UnitOfWork, order: Order, unclaimed: dict[int, int], window_days: int) -> DomainError:
    """Why nothing more may come back: what could is already asked for (those returns named,
    so a second tap on Exchange is not told the order was never delivered), or the window."""
    if not unclaimed:
        return NotReturnable(code=order.code, days=window_days)
    requests = await uow.returns.for_order(order.id or 0)
    rmas = [r.rma_code for r in requests if r.status is not ReturnStatus.REJECTED]
    return AlreadyInReturn(code=order.code, rmas=", ".join(rmas))


async def _left_to_return(
    uow: UnitOfWork, clock: Clock, customer_id: int, code: str, window_days: int
) -> tuple[Order, dict[int, int], list[Parcel]]:
    """Inside an open unit: the customer's order, per line how many may still come back, and its
    parcels; refused (with why) when nothing may."""
    order = await _own_order(uow, customer_id, code)
    parcels = await uow.parcels.for_order(order.id or 0)
    already = await _already_returned(uow, order.id or 0)
    gave_up = await dropped(uow, order)
    left = returnable(order, clock.now(), window_days, already, parcels, gave_up)
    if not left:
        could = returnable(order, clock.now(), window_days, {}, parcels, gave_up)  # before earlier returns
        raise await _none_left(uow, order, could, window_days)
    return order, left, parcels


async def returnable_lines(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, window_days: int
) -> tuple[Order, dict[int, int], dict[int, list[Parcel]]]:
    """The customer's order, per line how many may still come back (only what delivered
    parcels brought), and per line the delivered parcels it came in where the order was sent in
    several (which box goes back is then a question; of one, naming it only takes room)."""
    async with uow.read_only():
        order, left, parcels = await _left_to_return(uow, clock, customer_id, code, window_days)
    delivered = [p for p in parcels if p.status is ParcelStatus.DELIVERED]
    return order, left, parcels_by_line(delivered) if len(parcels) > 1 else {}


async def request_return(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    code: str,
    kind: ReturnKind,
    reason: ReturnReason,
    method: ReturnMethod,
    quantities: dict[int, int],
    window_days: int,
    note: str = "",
    photos: list[str] | None = None,
    staff_chat_id: int | None = None,
    swaps: Mapping[int, int] | None = None,
    support: bool = True,
) -> ReturnRequest:
    """Checked again here, in the transaction: the window, and never more than was delivered
    minus what earlier returns took. ``swaps`` (exchanges only): per order line, the other
    variant of the same parent the customer wants instead (a size swap). ``support``: a support chat to point a
    refused swap to."""
    wanted = {line_id: q for line_id, q in quantities.items() if q > 0}
    if not wanted:
        raise NothingToReturn()
    note = typed(note, MAX_NOTE)
    async with uow:
        order, left, _ = await _left_to_return(uow, clock, customer_id, code, window_days)
        lines = await _requested(uow, order, left, wanted, swaps if kind is ReturnKind.EXCHANGE else None)
        rma = new_rma_code()
        while await uow.returns.get_by_code(rma) is not None:
            rma = new_rma_code()
        now = clock.now()
        request = ReturnRequest(
            rma, order.id or 0, customer_id, kind, reason, method, lines, now, note=note, photos=photos or []
        )
        request.order_code = order.code
        if kind is ReturnKind.EXCHANGE:
            await check_swap_charge(uow, order, request, by_customer=True, support=support)
        await uow.returns.add(request, now)
        await return_moved(uow, request, now)
        if staff_chat_id is not None:
            await uow.outbox.add(
                Notification(
                    staff_chat_id,
                    "staff_return_requested",
                    "",
                    {"rma": rma, "code": order.code, "kind": kind.value, "reason": reason.value, "note": note},
                ),
                now,
            )
        await uow.commit()
        return request


async def _requested(
    uow: UnitOfWork, order: Order, left: Mapping[int, int], wanted: Mapping[int, int], swaps: Mapping[int, int] | None
) -> list[ReturnLine]:
    """The request's lines: per order line ``wanted``, no more than is ``left``, each swap checked (``_check_swap``)."""
    lines = []
    asked: dict[int, int] = defaultdict(int)  # per variant wanted: several lines may want the same
    for line in order.lines:
        quantity = wanted.get(line.id or 0, 0)
        if not quantity:
            continue
        if quantity > left.get(line.id or 0, 0):
            raise TooManyReturned(available=left.get(line.id or 0, 0), sku=line.sku)
        swap = (swaps or {}).get(line.id or 0)
        if swap is not None and swap != line.product_id:
            asked[swap] += quantity
            await _check_swap(uow, order, line.product_id, swap, line.sku, asked[swap])
        else:
            swap = None
        returned = ReturnLine(line.id or 0, line.product_id, line.sku, line.name, quantity, line.unit_price)
        returned.swap_product_id = swap
        lines.append(returned)
    if len(lines) != len(wanted):
        raise NotFound()
    return lines


async def check_swaps(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    code: str,
    quantities: Mapping[int, int],
    swaps: Mapping[int, int],
    window_days: int,
    support: bool = True,
) -> None:
    """The variants an exchange's customer picked so far (``swaps``, of lines coming back as ``quantities`` says),
    checked as ``request_return`` will (``check_swap_charge``) when each is picked: one dearer on an order a web shop
    took payment for was refused only after the reason, the photos and the way back were asked."""
    wanted = {line_id: quantities.get(line_id, 0) for line_id in swaps if quantities.get(line_id, 0) > 0}
    if not wanted:
        return
    async with uow.read_only():
        order, left, _ = await _left_to_return(uow, clock, customer_id, code, window_days)
        lines = await _requested(uow, order, left, wanted, swaps)
        # Not kept: a reason and a way back are asked later, and the check reads neither.
        picked = ReturnRequest(
            "",
            order.id or 0,
            customer_id,
            ReturnKind.EXCHANGE,
            ReturnReason.OTHER,
            ReturnMethod.DROP_OFF,
            lines,
            clock.now(),
        )
        await check_swap_charge(uow, order, picked, by_customer=True, support=support)


async def _check_swap(uow: UnitOfWork, order: Order, product_id: int, swap_id: int, sku: str, quantity: int) -> None:
    """The variant wanted instead is a sibling, on sale, and in stock where the replacement will
    be sent from: one sold out since it was offered is refused now, not when staff send it."""
    ordered, wanted = await uow.products.get(product_id), await uow.products.get(swap_id)
    if ordered is None or wanted is None or wanted.parent_code != ordered.parent_code:
        raise NotASwap(sku=sku)
    require_on_sale(wanted)
    await require_in_stock(uow, await home_warehouse(uow, order), swap_id, wanted.display_name, quantity)


async def swap_choices(
    uow: UnitOfWork, *, customer_id: int, code: str, quantities: Mapping[int, int]
) -> dict[int, list[Product]]:
    """Per product of order ``code`` (with how many come back): the other active variants of its
    parent an exchange may swap to — those the replacement can reserve, as many, from the
    warehouse the order left (stock in another warehouse would be refused when sent)."""
    choices: dict[int, list[Product]] = {}
    async with uow.read_only():
        warehouse = await home_warehouse(uow, await _own_order(uow, customer_id, code))
        for product in await uow.products.get_many(list(quantities)):
            if product.id is None or not product.option_names:
                continue
            siblings = await uow.products.variants(product.parent_code)
            others = [v for v in siblings if v.orderable and v.id is not None and v.id != product.id]
            left = await reservable(uow, warehouse, [v.id for v in others if v.id is not None])
            wanted = max(quantities[product.id], 1)
            if in_stock := [v for v in others if left.get(v.id or 0, 0) >= wanted]:
                choices[product.id] = in_stock
    return choices
