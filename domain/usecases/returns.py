"""Returns and exchanges: the customer asks (lines, quantities, reason, photos, how the goods
come back); staff approve or reject, mark the parcel received, inspect each line (restock or
write off), and resolve it — a refund recorded on the order, or a replacement order at no
charge, flagged ``REPLACEMENT``, that is picked and shipped like any other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.accounting import Account
from domain.catalog import Product
from domain.errors import DomainError, NotFound
from domain.fx import Rates
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import Channel, Order, OrderLine, OrderStatus, ReturnStatus, new_order_code, normalize_order_code
from domain.parcels import Parcel, ParcelStatus, parcels_by_line
from domain.payments import Payment, PaymentKind, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.returns import (
    SHOP_FAULT,
    AlreadyInReturn,
    NotASwap,
    NothingToReturn,
    NotInspected,
    NotOnSale,
    NotReturnable,
    ReplacementShort,
    ReturnKind,
    ReturnLine,
    ReturnMethod,
    ReturnReason,
    ReturnRequest,
    TooManyReturned,
    new_rma_code,
    refund_for,
    returnable,
    share,
)
from domain.staff import Permission
from domain.stock import Reservation, ReservationKind
from domain.text import MAX_NOTE, MAX_REASON, typed
from domain.usecases.backorder_fill import dropped
from domain.usecases.backorders import fill_backorders
from domain.usecases.bookkeeping import book, supply_costs
from domain.usecases.fx import shop_rates
from domain.usecases.imports import available_by_product, notify_back_in_stock
from domain.usecases.orders import apply_transition
from domain.usecases.price_lists import customer_price_list
from domain.usecases.return_money import give_back
from domain.usecases.staff import require
from domain.warehouse import DEFAULT_BIN

A = Account
RETURNS_AREA_BIN = "RET-0-0-0"  # where returned goods wait for inspection


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


async def returnable_lines(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, window_days: int
) -> tuple[Order, dict[int, int], dict[int, list[Parcel]]]:
    """The customer's order, per line how many may still come back (only what delivered
    parcels brought), and per line the delivered parcels it came in."""
    async with uow.read_only():
        order = await _own_order(uow, customer_id, code)
        parcels = await uow.parcels.for_order(order.id or 0)
        already = await _already_returned(uow, order.id or 0)
        gave_up = await dropped(uow, order)
        left = returnable(order, clock.now(), window_days, already, parcels, gave_up)
        if not left:
            raise await _none_left(
                uow, order, returnable(order, clock.now(), window_days, {}, parcels, gave_up), window_days
            )
    delivered = [p for p in parcels if p.status is ParcelStatus.DELIVERED]
    return order, left, parcels_by_line(delivered)


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
) -> ReturnRequest:
    """Checked again here, in the transaction: the window, and never more than was delivered
    minus what earlier returns took. ``swaps`` (exchanges only): per order line, the other
    variant of the same parent the customer wants instead (a size swap)."""
    wanted = {line_id: q for line_id, q in quantities.items() if q > 0}
    if not wanted:
        raise NothingToReturn()
    note = typed(note, MAX_NOTE)
    async with uow:
        order = await _own_order(uow, customer_id, code)
        parcels = await uow.parcels.for_order(order.id or 0)
        already = await _already_returned(uow, order.id or 0)
        gave_up = await dropped(uow, order)
        left = returnable(order, clock.now(), window_days, already, parcels, gave_up)
        if not left:
            raise await _none_left(
                uow, order, returnable(order, clock.now(), window_days, {}, parcels, gave_up), window_days
            )
        lines = []
        asked: dict[int, int] = defaultdict(int)  # per variant wanted: several lines may want the same
        for line in order.lines:
            quantity = wanted.get(line.id or 0, 0)
            if not quantity:
                continue
            if quantity > left.get(line.id or 0, 0):
                raise TooManyReturned(available=left.get(line.id or 0, 0), sku=line.sku)
            swap = (swaps or {}).get(line.id or 0) if kind is ReturnKind.EXCHANGE else None
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
        rma = new_rma_code()
        while await uow.returns.get_by_code(rma) is not None:
            rma = new_rma_code()
        now = clock.now()
        request = ReturnRequest(
            rma, order.id or 0, customer_id, kind, reason, method, lines, now, note=note, photos=photos or []
        )
        request.order_code = order.code
        await uow.returns.add(request, now)
        if staff_chat_id is not None:
            await uow.outbox.add(
                Notification(
                    staff_chat_id,
                    "staff_return_requested",
                    "",
                    {"rma": rma, "code": order.code, "kind": kind.value, "reason": reason.value},
                ),
                now,
            )
        await uow.commit()
        return request


async def _check_swap(uow: UnitOfWork, order: Order, product_id: int, swap_id: int, sku: str, quantity: int) -> None:
    """The variant wanted instead is a sibling, on sale, and in stock where the replacement will
    be sent from: one sold out since it was offered is refused now, not when staff send it."""
    ordered, wanted = await uow.products.get(product_id), await uow.products.get(swap_id)
    if ordered is None or wanted is None or wanted.parent_code != ordered.parent_code:
        raise NotASwap(sku=sku)
    _on_sale(wanted)
    await _in_stock(uow, await _home_warehouse(uow, order), swap_id, wanted.display_name, quantity)


async def _in_stock(uow: UnitOfWork, warehouse: int, product_id: int, name: str, quantity: int) -> None:
    left = (await _reservable(uow, warehouse, [product_id]))[product_id]
    if left < quantity:
        raise ReplacementShort(name=name, available=max(left, 0))


async def _reservable(uow: UnitOfWork, warehouse: int, product_ids: list[int]) -> dict[int, int]:
    """Per product, what a replacement reserved from ``warehouse`` could take: the one rule for
    what an exchange offers, what it accepts and what is sent (stock elsewhere is not routed to)."""
    left = dict.fromkeys(product_ids, 0)
    for level in await uow.stock.levels(product_ids):
        if level.warehouse_id == warehouse and level.product_id in left:
            left[level.product_id] += level.available
    return left


def _on_sale(wanted: Product) -> None:
    """A variant that stopped being sold since it was offered is refused for what it is, not
    as if the customer had asked for another product."""
    wanted.check_orderable()
    if not wanted.orderable:
        raise NotOnSale(name=wanted.display_name)


async def swap_choices(
    uow: UnitOfWork, *, customer_id: int, code: str, quantities: Mapping[int, int]
) -> dict[int, list[Product]]:
    """Per product of order ``code`` (with how many come back): the other active variants of its
    parent an exchange may swap to — those the replacement can reserve, as many, from the
    warehouse the order left (stock in another warehouse would be refused when sent)."""
    choices: dict[int, list[Product]] = {}
    async with uow.read_only():
        warehouse = await _home_warehouse(uow, await _own_order(uow, customer_id, code))
        for product in await uow.products.get_many(list(quantities)):
            if product.id is None or not product.option_names:
                continue
            siblings = await uow.products.variants(product.parent_code)
            others = [v for v in siblings if v.orderable and v.id is not None and v.id != product.id]
            left = await _reservable(uow, warehouse, [v.id for v in others if v.id is not None])
            wanted = max(quantities[product.id], 1)
            if in_stock := [v for v in others if left.get(v.id or 0, 0) >= wanted]:
                choices[product.id] = in_stock
    return choices


async def _request(uow: UnitOfWork, rma: str) -> ReturnRequest:
    request = await uow.returns.get_by_code(rma.strip().upper())
    if request is None:
        raise NotFound()
    return request


async def _tell(uow: UnitOfWork, clock: Clock, request: ReturnRequest, **extra: object) -> None:
    customer = await uow.customers.get(request.customer_id)
    params: dict[str, object] = {
        "rma": request.rma_code,
        "code": request.order_code,
        "status": request.status.value,
        "method": request.method.value,
        **extra,
    }
    if request.status is ReturnStatus.APPROVED and request.method is ReturnMethod.DROP_OFF:
        params["points"] = [f"{w.name}, {w.address}" for w in await uow.warehouses.all() if w.is_pickup_point]
    if (told := for_customer(customer, "return_update", params)) is not None:
        await uow.outbox.add(told, clock.now())


async def open_returns(uow: UnitOfWork, *, staff_id: int, limit: int = 50) -> tuple[list[ReturnRequest], int]:
    """The oldest ``limit`` open requests, and how many more are open."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow.read_only():
        requests, total = await uow.returns.open(limit)
        return requests, total - len(requests)


@dataclass(frozen=True, slots=True)
class ReturnDetail:
    request: ReturnRequest
    order: Order
    refund_paid: bool
    parcels: dict[int, list[Parcel]]  # order line id → the parcels it left in


async def return_detail(uow: UnitOfWork, *, staff_id: int, rma: str) -> ReturnDetail:
    """The request, its order, whether its refund has been paid back, and the parcels each
    returned line left in."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow.read_only():
        request = await _request(uow, rma)
        order = await uow.orders.get_by_id(request.order_id)
        if order is None:
            raise NotFound()
        sent = parcels_by_line(await uow.parcels.for_order(request.order_id))
        return ReturnDetail(request, order, await refund_confirmed(uow, request), sent)


async def decide_return(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str, approve: bool, reason: str = ""
) -> ReturnRequest:
    """Approve (the customer gets the instructions) or reject (with the reason)."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status is (ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED):
            return request  # a second tap: decided already, the customer told once
        request.move(ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED)
        request.reject_reason = "" if approve else typed(reason, MAX_REASON)
        await uow.returns.save(request, clock.now())
        await _tell(uow, clock, request, reject_reason=request.reject_reason)
        await uow.commit()
        return request


async def mark_received(uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str) -> ReturnRequest:
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status is ReturnStatus.RECEIVED:
            return request  # a second tap
        request.move(ReturnStatus.RECEIVED)
        await uow.returns.save(request, clock.now())
        await _tell(uow, clock, request)
        await uow.commit()
        return request


async def _home_warehouse(uow: UnitOfWork, order: Order) -> int:
    """Returned goods go back to the warehouse the order was shipped from."""
    warehouses = await uow.warehouses.all()
    for code in order.routing:
        found = next((w for w in warehouses if w.code == code), None)
        if found is not None and found.id is not None:
            return found.id
    if not warehouses or warehouses[0].id is None:
        raise NotFound()
    return warehouses[0].id


async def inspect_line(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str, line_id: int, restock: bool
) -> ReturnRequest:
    """Restock to a sellable bin (on hand grows), or write off as damaged: the goods are
    booked into the returns area and out again, so both show as movements with the RMA, and
    the value written off is recorded on the order."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status is not ReturnStatus.RECEIVED:
            raise NotInspected()
        line = next((x for x in request.lines if x.id == line_id), None)
        if line is None:
            raise NotFound()
        if line.inspected:
            return request
        order = await uow.orders.get_by_id(request.order_id)
        assert order is not None
        warehouse = await _home_warehouse(uow, order)
        count = line.quantity - line.restocked - line.written_off
        now, actor = clock.now(), f"staff:{staff_id}"
        if restock:
            was_available = (await available_by_product(uow, [line.product_id])).get(line.product_id, 0)
            bins = [b for b in await uow.inventory.bins([line.product_id]) if b.warehouse_id == warehouse]
            target = max(bins, key=lambda b: b.quantity) if bins else None
            code, current = (target.bin_code, target.quantity) if target else (DEFAULT_BIN, 0)
            await uow.stock.set_bin_quantity(
                line.product_id, warehouse, code, current + count, f"return {rma}: restock", actor, now
            )
            line.restocked += count
            await fill_backorders(uow, now, {line.product_id: warehouse})
            if was_available <= 0 and (await available_by_product(uow, [line.product_id])).get(line.product_id, 0):
                await notify_back_in_stock(uow, [line.product_id], now)  # back on the shelf: as a receipt
            await _book_cost_back(uow, now, rma, line.product_id, warehouse, count, A.INVENTORY, "restocked")
        else:
            note = f"return {rma}: write-off ({request.reason.value})"
            await uow.stock.set_bin_quantity(line.product_id, warehouse, RETURNS_AREA_BIN, count, note, actor, now)
            await uow.stock.set_bin_quantity(line.product_id, warehouse, RETURNS_AREA_BIN, 0, note, actor, now)
            await uow.payments.add(
                Payment(order.id or 0, PaymentKind.WRITE_OFF, "return", line.unit_price * count, now)
            )
            line.written_off += count
            await _book_cost_back(uow, now, rma, line.product_id, warehouse, count, A.WRITE_OFFS, "written off")
        await uow.returns.save(request, now)
        await uow.commit()
        return request


async def _book_cost_back(
    uow: UnitOfWork, at: datetime, rma: str, product_id: int, warehouse_id: int, count: int, to: Account, what: str
) -> None:
    """Returned goods leave cost of goods sold: back into inventory, or into write-offs."""
    cost = (await supply_costs(uow, [product_id])).get((product_id, warehouse_id))
    if cost is not None:
        await book(uow, at, f"return:{rma}", f"return {rma}: {what}", cost * count, to, A.COGS)


async def resolve_return(uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str) -> ReturnRequest:
    """Once every line is inspected: a refund (recorded as owed on the order, shipping
    included when it is the shop's fault), or the replacement order."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status in (ReturnStatus.EXCHANGED, ReturnStatus.REFUNDED):
            return request  # a second tap: resolved already, not "inspect every line first"
        if request.status is not ReturnStatus.RECEIVED or not all(line.inspected for line in request.lines):
            raise NotInspected()
        order = await uow.orders.get_by_id(request.order_id)
        assert order is not None and order.id is not None
        now = clock.now()
        if request.kind is ReturnKind.REFUND:
            # Only a refund gives the shipping back: an exchange's refund is a price difference.
            earlier = [
                r
                for r in await uow.returns.for_order(order.id)
                if r.id != request.id and r.refund is not None and r.kind is ReturnKind.REFUND
            ]
            shipping_done = any(r.reason in SHOP_FAULT for r in earlier)
            before = await _taken_back(uow, order.id, request)
            paid = {  # on a replacement, what all a line's units were paid, on the first order and since
                x.id or 0: (await _paid(uow, order, x)).total
                for x in (order.lines if "REPLACEMENT" in order.flags else [])
            }
            worth = refund_for(request, order, shipping_done, before, paid)
            source, memo = f"return:{request.rma_code}", f"return {request.rma_code}"
            # What an unpaid invoice still asks for is taken down; only what was paid is owed back.
            request.refund = await give_back(uow, order, worth, now, source=source, memo=memo)
            request.move(ReturnStatus.REFUNDED)
            extra: dict[str, object] = {"refund_minor": request.refund.amount, "currency": worth.currency}
            extra |= await _credited(uow, order, worth - request.refund)
        else:
            replacement = await _replacement(uow, clock, order, request, staff_id)
            request.replacement_order_id = replacement.id
            request.move(ReturnStatus.EXCHANGED)
            extra = {"replacement": replacement.code}
        await uow.returns.save(request, now)
        await _tell(uow, clock, request, **extra)
        await uow.commit()
        return request


async def _credited(uow: UnitOfWork, order: Order, credit: Money) -> dict[str, object]:
    """What the customer is told of an invoice taken down: by how much, and what it asks for now."""
    if not credit.amount:
        return {}
    owed = invoice_owed(order.total, await uow.payments.for_order(order.id or 0))
    return {"credit_minor": credit.amount, "owed_minor": owed.amount}


MAX_REPLACEMENTS = 20  # replacements of replacements followed back, at most


async def _taken_back(uow: UnitOfWork, order_id: int, request: ReturnRequest) -> dict[int, int]:
    """Per line of the order, the units resolved returns other than ``request`` took back, refunded
    or exchanged: what the cumulative rule (``domain.returns.share``) counts as gone before."""
    taken: dict[int, int] = defaultdict(int)
    for other in await uow.returns.for_order(order_id):
        if other.id != request.id and other.status in (ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED):
            for line in other.lines:
                taken[line.order_line_id] += line.quantity
    return taken


@dataclass(frozen=True, slots=True)
class _Paid:
    """What a line's units cost the customer: one unit at list prices (a swap charges or owes the
    difference from it), and all of them in all, after discounts (refunds give it back)."""

    price: Money
    total: Money


async def _paid(uow: UnitOfWork, order: Order, line: OrderLine, depth: int = 0) -> _Paid:
    """On a first order, the line's price, and what the line cost after discounts. On a
    replacement, the figures its line keeps (``list_price_minor``, ``paid_minor``); a line made
    before those were kept is priced by the rule it was priced by then, per unit: what the unit
    it replaced was paid (found through the returned line asking for its product), plus what
    it charged, less, on a swap down, its share of what its return owed back."""
    if "REPLACEMENT" not in order.flags or depth > MAX_REPLACEMENTS:
        return _Paid(line.unit_price, line.net)
    currency = line.unit_price.currency
    if line.paid_minor is not None and line.list_price_minor is not None:
        return _Paid(Money(line.list_price_minor, currency), Money(line.paid_minor, currency))
    made = [r for r in await uow.returns.for_customer(order.customer_id) if r.replacement_order_id == order.id]
    if line.replaces_line_id is not None:
        found = [(r, x) for r in made for x in r.lines if x.order_line_id == line.replaces_line_id]
    else:
        found = [(r, x) for r in made for x in r.lines if (x.swap_product_id or x.product_id) == line.product_id]
    origin = await uow.orders.get_by_id(found[0][0].order_id) if found else None
    replaced = next((x for x in origin.lines if x.id == found[0][1].order_line_id), None) if origin else None
    if origin is None or replaced is None or replaced.quantity <= 0:
        return _Paid(line.unit_price, line.net)
    before = await _paid(uow, origin, replaced, depth + 1)
    request, returned = found[0]
    owed = line.unit_price * 0
    if returned.swap_product_id is not None and not line.unit_price.amount and request.refund is not None:
        down = [
            x
            for x, made_line in zip(request.lines, order.lines, strict=False)
            if x.swap_product_id and not made_line.unit_price.amount
        ]
        owed = Money(request.refund.amount // (sum(x.quantity for x in down) or returned.quantity), currency)
    unit = Money(before.total.amount // replaced.quantity, currency)
    return _Paid(before.price + line.unit_price - owed, (unit + line.unit_price - owed) * line.quantity)


async def _bought(uow: UnitOfWork, order: Order, line: OrderLine) -> int:
    """How many units the line a replacement's ``line`` was sent for was bought as, on the first
    order of the chain: the quantity break its price was reached at (a replacement's line may be
    fewer units than were bought)."""
    quantity = line.quantity
    for _ in range(MAX_REPLACEMENTS):
        if "REPLACEMENT" not in order.flags or line.replaces_line_id is None:
            break
        made = [r for r in await uow.returns.for_customer(order.customer_id) if r.replacement_order_id == order.id]
        origin = await uow.orders.get_by_id(made[0].order_id) if made else None
        replaced = next((x for x in origin.lines if x.id == line.replaces_line_id), None) if origin else None
        if origin is None or replaced is None:
            break
        order, line, quantity = origin, replaced, replaced.quantity
    return quantity


async def _replacement_lines(uow: UnitOfWork, order: Order, request: ReturnRequest) -> tuple[list[OrderLine], Money]:
    """The replacement's lines: the same goods at no charge, or for a size swap the other
    variant charged at what its price on the customer's price list is above the returned one's;
    and what is owed back where the other variant costs less. Each line keeps the line it replaces, what all its units
    were paid in all (their share of that line by the cumulative rule, counting the units taken
    back from it before, plus what the swap charged, less what it owed back) and the list price
    a unit stands at, so a later swap or refund is priced against that line alone, exactly."""
    latest = await shop_rates(uow)
    # At the order's own rate: a swap charges the price difference, not the currency's move since.
    fixed = {order.currency: Decimal(order.fx_rate)} if order.currency != latest.base else {}
    rates = Rates(latest.base, {**latest.by_quote, **fixed})
    # The other variant at the customer's own price list, as the one returned was sold to them:
    # a wholesale customer swapping between sizes their list prices alike owes nothing.
    prices = await customer_price_list(uow, order.customer_id)
    lines: list[OrderLine] = []
    owed = Money(0, order.currency)
    ordered = {x.id: x for x in order.lines}
    before = await _taken_back(uow, order.id or 0, request)
    for line in request.lines:
        replaced = ordered.get(line.order_line_id)
        if replaced is None:
            raise NotFound()
        paid = await _paid(uow, order, replaced)
        taken = share(paid.total, replaced.quantity, before[line.order_line_id], line.quantity)
        before[line.order_line_id] += line.quantity
        if line.swap_product_id is None:
            free, named = line.unit_price * 0, replaced.names
            lines.append(
                OrderLine(
                    line.product_id,
                    line.sku,
                    line.name,
                    line.quantity,
                    free,
                    names=named,
                    replaces_line_id=replaced.id,
                    paid_minor=taken.amount,
                    list_price_minor=paid.price.amount,
                )
            )
            continue
        wanted = await uow.products.get(line.swap_product_id)
        if wanted is not None:
            _on_sale(wanted)
        base = rates.price(wanted.prices, order.currency) if wanted is not None else None
        if wanted is None or wanted.id is None or base is None:
            raise NotASwap(sku=line.sku)
        # At the quantity break the replaced line was bought at, as its own price was.
        item = prices.item(wanted.sku, wanted.parent_code, wanted.category_id)
        price = prices.price(item, base, await _bought(uow, order, replaced)).unit
        difference = price - paid.price  # per unit, at list prices
        charged = difference if difference.amount > 0 else difference * 0
        # Owed back at most what the units were paid: on a deep discount the list prices' gap
        # would have given back more than the customer ever paid.
        moved = max(difference * line.quantity, -taken, key=lambda m: m.amount)
        # A swap owed back less than the list prices' gap stands that much less below them (per
        # unit, as it was paid): a swap back up charges only what it owed back.
        unit = Money(taken.amount // line.quantity, taken.currency)
        owed = owed + charged * line.quantity - moved
        lines.append(
            OrderLine(
                wanted.id,
                wanted.sku,
                wanted.display_name,
                line.quantity,
                charged,
                names=wanted.translated_names,
                replaces_line_id=replaced.id,
                paid_minor=(taken + moved).amount,  # what was paid, plus charged, less owed back
                list_price_minor=(paid.price + max(difference, -unit, key=lambda m: m.amount)).amount,
            )
        )
    return lines, owed


async def _replacement(uow: UnitOfWork, clock: Clock, order: Order, request: ReturnRequest, staff_id: int) -> Order:
    """The same goods again at no charge — or another variant, the price difference charged on
    the replacement or owed back on the order — from the warehouse the order left."""
    warehouse = await _home_warehouse(uow, order)
    now = clock.now()
    code = new_order_code()
    while await uow.orders.get_by_code(code) is not None:
        code = new_order_code()
    lines, owed = await _replacement_lines(uow, order, request)
    if owed.amount > 0:
        source, memo = f"return:{request.rma_code}", f"price difference, exchange {request.rma_code}"
        request.refund = await give_back(uow, order, owed, now, source=source, memo=memo)
    replacement = Order.place(
        code=code,
        customer_id=order.customer_id,
        currency=order.currency,
        fx_rate=order.fx_rate,
        tax_rate=order.tax_rate,  # what it charges or refunds carries the first order's tax
        lines=lines,
        now=now,
        actor=f"staff:{staff_id}",
        shipping=order.shipping * 0 if order.shipping else None,
        channel=Channel.SUPPORT,
        payment_method=order.payment_method,
        delivery=order.delivery,
        contact_phone=order.contact_phone,
        routing=[*order.routing[:1], f"replacement for {order.code} (return {request.rma_code})"],
        flags=frozenset({"REPLACEMENT"}),
    )
    await uow.orders.add(replacement)
    for line in lines:
        if not await uow.stock.try_reserve(line.product_id, warehouse, line.quantity):
            await _in_stock(uow, warehouse, line.product_id, line.name, line.quantity)
            raise ReplacementShort(name=line.name, available=0)  # taken between the two reads
        await uow.stock.add_reservation(
            Reservation(
                line.product_id,
                warehouse,
                line.quantity,
                ReservationKind.ALLOCATION,
                None,
                replacement.id,
                None,
                now,
            )
        )
    await apply_transition(
        uow,
        replacement,
        OrderStatus.ALLOCATED,
        clock=clock,
        actor=f"staff:{staff_id}",
        reason="replacement",
        notify=False,
    )
    return replacement


def refund_marker(rma: str) -> str:
    """How a refund paid back for a return is recognised among the order's payments."""
    return f"rma:{rma}"


async def refund_confirmed(uow: UnitOfWork, request: ReturnRequest) -> bool:
    marker = refund_marker(request.rma_code)
    return any(
        p.kind is PaymentKind.REFUNDED and p.method == marker for p in await uow.payments.for_order(request.order_id)
    )


async def confirm_refund(uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str) -> ReturnRequest:
    """Staff paid the refund back (card, cash, bank): recorded once; the customer is told."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow:
        request = await _request(uow, rma)
        if request.status not in (ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED) or request.refund is None:
            raise NotInspected()
        if request.owes_back and not await refund_confirmed(uow, request):  # 0: an invoice taken down
            now = clock.now()
            await uow.payments.add(
                Payment(request.order_id, PaymentKind.REFUNDED, refund_marker(request.rma_code), request.refund, now)
            )
            memo = f"refund paid, return {request.rma_code}"
            order = await uow.orders.get_by_id(request.order_id)
            rate = order.fx_rate if order else None
            source = f"return:{request.rma_code}"
            await book(uow, now, source, memo, request.refund, A.REFUNDS_PAYABLE, A.CASH, fx_rate=rate)
            await _tell(
                uow, clock, request, refund_minor=request.refund.amount, currency=request.refund.currency, paid=True
            )
        await uow.commit()
        return request
