"""Backorders and preorders: what may wait at checkout, filling waiting parts as stock
arrives (inside the arrival's transaction), and customers cancelling what still waits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.backorders import (
    BACKORDER_FLAG,
    SPLIT_FLAG,
    Backorder,
    NoSplit,
    NothingWaiting,
    PreorderFull,
    expected_date,
    parse_terms,
)
from domain.cart import Cart, CartLine
from domain.errors import NotFound
from domain.orders import DeliveryMethod, Order, normalize_order_code
from domain.ports import Clock, UnitOfWork
from domain.shop_days import shop_day
from domain.shortages import ShortChoice, asked
from domain.stock import StockLevel
from domain.usecases.backorder_fill import fill_backorders as fill_backorders  # where arrivals import it from
from domain.usecases.orders import cancel_before_picking
from domain.usecases.shortages import advance_if_picked, refund_part
from domain.usecases.stock import take_holds


@dataclass(frozen=True, slots=True)
class BackorderOffer:
    """What a product card, a cart line and the review say about ordering beyond stock."""

    preorder: bool
    release_date: date | None
    expected: date | None  # None: not known yet (nothing on order)
    room: int | None  # units that may still wait (None: any number)


async def offers(uow: UnitOfWork, product_ids: list[int], today: date) -> dict[int, BackorderOffer]:
    """Inside an open unit of work: the products among these that may be ordered beyond stock."""
    if not product_ids:
        return {}
    terms = {p: t for p, t in (await uow.backorders.terms(product_ids)).items() if t.accepts(today)}
    if not terms:
        return {}
    waiting = await uow.backorders.waiting_units(sorted(terms))
    dates = await uow.purchasing.expected_dates(sorted(terms))
    return {
        pid: BackorderOffer(
            t.is_preorder(today),
            t.release_date,
            expected_date(dates.get(pid), t.release_date, today),
            t.room(waiting.get(pid, 0), today),
        )
        for pid, t in terms.items()
    }


async def _available(
    uow: UnitOfWork, product_ids: list[int], customer_id: int | None, levels: Sequence[StockLevel] | None = None
) -> dict[int, int]:
    """Units available per product; with ``customer_id``, that customer's own holds count as
    theirs. ``levels``: the products' stock levels, when the caller has read them already."""
    available: dict[int, int] = defaultdict(int)
    wanted = set(product_ids)
    for level in await uow.stock.levels(product_ids) if levels is None else levels:
        if level.product_id in wanted:
            available[level.product_id] += max(level.available, 0)
    for hold in await uow.stock.customer_holds(customer_id) if customer_id is not None else []:
        if hold.product_id in product_ids:
            available[hold.product_id] += hold.quantity
    return available


async def hold_and_wait(
    uow: UnitOfWork, *, customer_id: int, product_id: int, quantity: int, now: datetime, until: datetime
) -> int | None:
    """Inside the cart's unit of work, when stock does not cover ``quantity``: hold what is
    there and let the rest wait, if the product takes backorders and has room. Returns None
    when done, else the most the customer may have (what is there and may wait)."""
    held = sum(h.quantity for h in await uow.stock.customer_holds(customer_id) if h.product_id == product_id)
    free = (await _available(uow, [product_id], None)).get(product_id, 0)
    offer = (await offers(uow, [product_id], shop_day(now, uow.timezone))).get(product_id)
    short = quantity - held - free
    if offer is None or (offer.room is not None and short > offer.room):
        return held + free + (offer.room or 0 if offer else 0)
    if free > 0:
        await take_holds(uow, customer_id=customer_id, product_id=product_id, quantity=free, now=now, until=until)
    return None


async def with_waiting_parts(uow: UnitOfWork, now: datetime, lines: list[CartLine]) -> list[CartLine]:
    """Cart lines with the part stock will not cover marked as waiting, and when it is expected."""
    found = await offers(
        uow, [line.product.id or 0 for line in lines], shop_day(now, uow.timezone)
    )  # a preorder waits, held or not
    if not found:
        return lines
    available = await _available(uow, list(found), None)
    marked = []
    for line in lines:
        offer = found.get(line.product.id or 0)
        if offer is not None:
            there = 0 if offer.preorder else line.held + available.get(line.product.id or 0, 0)
            waiting = max(line.quantity - there, 0)
            line = replace(line, waiting=waiting, expected=offer.expected, preorder=offer.preorder)
        marked.append(line)
    return marked


async def routable_part(
    uow: UnitOfWork,
    cart: Cart,
    now: datetime,
    customer_id: int | None,
    levels: Sequence[StockLevel] | None = None,
    language: str = "",
) -> tuple[Cart, dict[int, int]]:
    """Inside checkout's unit of work: the cart as stock can route it now, and per product
    the units that will wait. A line beyond stock whose product takes no backorders (or has
    no room) is left whole, so routing refuses it with the number available. A preorder
    waits whole before its release date, even if stock arrived early. ``levels``: the
    cart's stock levels, when the caller has read them in this transaction already; ``language``:
    the reader's, in which a refusal names the product where translated."""
    ids = [line.product.id or 0 for line in cart.lines]
    available = await _available(uow, ids, customer_id, levels)
    found = await offers(
        uow, ids, shop_day(now, uow.timezone)
    )  # every line: a preorder waits whole even with stock at hand
    lines, waiting = [], {}
    for line in cart.lines:
        pid = line.product.id or 0
        offer = found.get(pid)
        free = 0 if offer is not None and offer.preorder else available.get(pid, 0)  # not sold before release
        missing = line.quantity - free
        if offer is not None and missing > 0 and (offer.room is None or missing <= offer.room):
            waiting[pid] = missing
            if free > 0:
                lines.append(replace(line, quantity=free))
            continue
        if offer is not None and offer.preorder:  # beyond its limit: early stock must not sell it either
            raise PreorderFull(name=line.product.in_language(language).display_name, available=offer.room or 0)
        lines.append(line)
    return replace(cart, lines=lines), waiting


async def record_backorders(uow: UnitOfWork, order: Order, waiting: Mapping[int, int], now: datetime) -> None:
    """Inside checkout's unit of work, after the order is added: its waiting parts, and the
    flag that keeps it from picking until they are allocated or cancelled."""
    if not waiting:
        return
    vip = "VIP" in order.flags
    for product_id, quantity in sorted(waiting.items()):
        await uow.backorders.add(Backorder(order.id or 0, product_id, order.customer_id, quantity, now, vip))
    order.flags = order.flags | {BACKORDER_FLAG}
    await uow.orders.set_flags(order.id or 0, order.flags)


def waiting_params(cart: Cart, waiting: Mapping[int, int], order: Order) -> list[dict[str, object]]:
    """The waiting parts as the "order placed" message shows them (plain JSON: it waits in the outbox), each named
    as ``order`` (named in the reader's language) names its line."""
    names = {line.product_id: line.name for line in order.lines}
    return [
        {
            "name": names.get(line.product.id or 0, line.product.display_name),
            "quantity": waiting[line.product.id or 0],
            "expected": line.expected.isoformat() if line.expected else "",
            "preorder": line.preorder,
        }
        for line in cart.lines
        if (line.product.id or 0) in waiting
    ]


@dataclass(frozen=True, slots=True)
class WaitingPart:
    backorder: Backorder
    name: str
    expected: date | None


async def waiting_parts(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, language: str
) -> list[WaitingPart]:
    """What of a customer's order still waits, and when it is expected (the order screen),
    each part named in ``language`` as its line was sold (``OrderLine.named_in``)."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.customer_id != customer_id:
            raise NotFound()
        return await _parts(uow, clock, order, language)


async def _parts(uow: UnitOfWork, clock: Clock, order: Order, language: str) -> list[WaitingPart]:
    waiting = [b for b in await uow.backorders.for_order(order.id or 0) if b.status.value == "waiting"]
    found = await offers(uow, [b.product_id for b in waiting], shop_day(clock.now(), uow.timezone))
    dates = await uow.purchasing.expected_dates([b.product_id for b in waiting]) if waiting else {}
    names = {line.product_id: line.named_in(language) for line in order.lines}
    return [
        WaitingPart(
            b,
            names.get(b.product_id, ""),
            found[b.product_id].expected if b.product_id in found else dates.get(b.product_id),
        )
        for b in waiting
    ]


async def split_offer(uow: UnitOfWork, *, customer_id: int, code: str) -> bool | None:
    """Whether the customer may choose to have what is there sent now and the waiting part
    later (None: not now), and what they chose (True: send now)."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.customer_id != customer_id:
            raise NotFound()
        if not await _splittable(uow, order):
            return None
        return SPLIT_FLAG in order.flags


async def short_question(uow: UnitOfWork, *, customer_id: int, code: str) -> list[ShortChoice]:
    """The answers the customer may give now to a short pick of their order (none: not asked)."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.customer_id != customer_id:
            raise NotFound()
        return asked(order)


async def _splittable(uow: UnitOfWork, order: Order) -> bool:
    return (
        BACKORDER_FLAG in order.flags
        and order.cancellable_by_customer  # not picked yet
        and (order.delivery is None or order.delivery.method is not DeliveryMethod.PICKUP)  # collected whole
        and bool(await uow.stock.order_reservations(order.id or 0))
    )


async def choose_split(uow: UnitOfWork, *, customer_id: int, code: str, ship_now: bool) -> Order:
    """The customer's choice for an order with a waiting part: what is allocated leaves now
    in its own parcel and the rest follows (``ship_now``), or the order waits to leave whole.
    Recorded on the order (its flag), which picking, packing and shipping follow."""
    async with uow:
        found = await uow.orders.get_by_code(normalize_order_code(code))
        if found is None or found.customer_id != customer_id:
            raise NotFound()
        await uow.backorders.lock_order(found.id or 0)  # against a fill or a picker at the same moment
        order = await uow.orders.get_by_id(found.id or 0)
        if order is None:
            raise NotFound()
        if not await _splittable(uow, order):
            raise NoSplit(code=order.code)
        order.flags = order.flags | {SPLIT_FLAG} if ship_now else order.flags - {SPLIT_FLAG}
        await uow.orders.set_flags(order.id or 0, order.flags)
        await uow.commit()
        return order


async def waiting_part_order(uow: UnitOfWork, *, customer_id: int, backorder_id: int) -> str | None:
    """The code of the customer's order a waiting part (still waiting or not) belongs to."""
    async with uow.read_only():
        backorder = await uow.backorders.get(backorder_id)
        order = await uow.orders.get_by_id(backorder.order_id) if backorder else None
        return order.code if order is not None and order.customer_id == customer_id else None


async def cancel_waiting_part(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, backorder_id: int, staff_chat_id: int | None = None
) -> tuple[Order, int]:
    """The customer gives up what still waits of one line: one outcome against a fill that
    arrives at the same moment (the conditional update decides). What they paid for it is
    recorded as a refund owed; an order left with nothing at all is cancelled whole.
    Returns the order and the units cancelled."""
    async with uow:
        backorder = await uow.backorders.get(backorder_id)
        if backorder is not None:
            await uow.backorders.lock_order(backorder.order_id)  # the order before its part, as a fill does
            backorder = await uow.backorders.get(backorder_id)
        order = await uow.orders.get_by_id(backorder.order_id) if backorder else None
        if backorder is None or order is None or order.customer_id != customer_id:
            raise NotFound()
        if backorder.status.value != "waiting" or not await uow.backorders.cancel(backorder_id, backorder.quantity):
            raise NothingWaiting()
        units, now = backorder.quantity, clock.now()
        parts = await uow.backorders.for_order(order.id or 0)
        still = any(b.status.value == "waiting" for b in parts)
        if not still:
            order.flags = order.flags - {BACKORDER_FLAG}
            await uow.orders.set_flags(order.id or 0, order.flags)
        nothing_left = not still and not await uow.stock.order_reservations(order.id or 0)
        if nothing_left and order.cancellable_by_customer:
            await cancel_before_picking(uow, clock, order, actor=f"customer:{customer_id}", staff_chat_id=staff_chat_id)
        else:
            await refund_part(uow, order, backorder.product_id, units, now)
            await advance_if_picked(uow, clock, order, f"customer:{customer_id}")  # what is left is all in hand
        await uow.commit()
        return order, units


async def import_terms(uow: UnitOfWork, rows: list[tuple[str, str]]) -> None:
    """Inside the products import's unit of work, after the products are written: each
    row's terms (checked already by ``parse_backorder_column``)."""
    ids = await uow.products.ids_by_sku(sorted({sku for sku, _ in rows}))
    for sku, text in rows:
        if sku in ids:
            await uow.backorders.set_terms(ids[sku], parse_terms(ids[sku], text))
