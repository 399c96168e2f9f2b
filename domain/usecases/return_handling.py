"""Staff handling a return: the queue, approve or reject, received, each line inspected, resolved, refund paid."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.accounting import Account, to_base
from domain.credit_notes import of_return
from domain.customers import StaffMember
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import Order, ReturnStatus
from domain.parcels import Parcel, parcels_by_line
from domain.payments import Payment, PaymentKind, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.returns import (
    SHOP_FAULT,
    NotInspected,
    ReturnKind,
    ReturnMethod,
    ReturnRequest,
    discount_taken_back,
    goods_taken_back,
    refund_for,
    shipping_back,
)
from domain.staff import Permission, can
from domain.text import MAX_REASON, typed
from domain.usecases.backorders import fill_backorders
from domain.usecases.bookkeeping import book, book_discount_back, discount_in_base, tax_step
from domain.usecases.callbacks import return_moved
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.exchanges import home_warehouse, paid_for, place_replacement, taken_back
from domain.usecases.imports.stock import available_by_product, notify_back_in_stock
from domain.usecases.return_money import give_back
from domain.usecases.revaluation import book_revaluation
from domain.usecases.staff import require, staff_names
from domain.usecases.stock_books import UnitCosts, cost_in_base, hold_rates, supply_costs
from domain.warehouse import DEFAULT_BIN

A = Account
RETURNS_AREA_BIN = "RET-0-0-0"  # where returned goods wait for inspection


async def _request(uow: UnitOfWork, rma: str, *, lock: bool = True) -> ReturnRequest:
    """The return, its row held to the transaction's end (``lock``, for a change): two staff
    pressing at once take turns, and the second sees what the first did (one refund owed)."""
    request = await uow.returns.get_by_code(rma.strip().upper(), lock=lock)
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
    await return_moved(uow, request, clock.now(), paid=bool(extra.get("paid")))  # the order's channel, if any


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
    # Whether the reader may mark its refund paid back (confirm_refund checks it again on press).
    can_pay_back: bool = False


async def return_detail(uow: UnitOfWork, *, staff_id: int, rma: str) -> ReturnDetail:
    """The request, its order, whether its refund has been paid back, and the parcels each
    returned line left in."""
    member = await require(uow, staff_id, Permission.RETURNS)
    async with uow.read_only():
        request = await _request(uow, rma, lock=False)
        order = await uow.orders.get_by_id(request.order_id)
        if order is None:
            raise NotFound()
        sent = parcels_by_line(await uow.parcels.for_order(request.order_id))
        paid = await refund_confirmed(uow, request)
        return ReturnDetail(request, order, paid, sent, can(member, Permission.RECORD_PAYMENTS))


async def decide_return(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str, approve: bool, reason: str = ""
) -> ReturnRequest:
    """Approve (the customer gets the instructions) or reject (with the reason). Decided already (two staff at
    once, or an old screen's button), it is refused naming who decided it, and nothing is done twice."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)  # its row held: the second of two taps waits, then reads the first's
        if request.status is not ReturnStatus.REQUESTED:
            raise await decided_already(uow, request)
        request.move(ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED)
        request.decided_by = staff_id
        request.reject_reason = "" if approve else typed(reason, MAX_REASON)
        await uow.returns.save(request, clock.now())
        await _tell(uow, clock, request, reject_reason=request.reject_reason)
        await uow.commit()
        return request


async def check_undecided(uow: UnitOfWork, *, staff_id: int, rma: str) -> None:
    """A reason to reject is asked only of a return still waiting for a decision: one decided already (an older
    screen's ✖ Reject) is refused as ``decide_return`` would, naming who decided it, before anything is typed."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow.read_only():
        request = await _request(uow, rma, lock=False)
        if request.status is not ReturnStatus.REQUESTED:
            raise await decided_already(uow, request)


class ApprovedAlready(DomainError):
    key = N_("Return {rma} is already approved by {name}.")


class RejectedAlready(DomainError):
    key = N_("Return {rma} is already rejected by {name}.")


class DecidedAlready(DomainError):
    """Decided before who decided was kept (or by someone no longer known): said without a name."""

    key = N_("Return {rma} is already decided: its screen shows it as it is now.")


async def decided_already(uow: UnitOfWork, request: ReturnRequest) -> DomainError:
    """Why a second approve or reject is refused: who decided it (``ApprovedAlready``, ``RejectedAlready``)."""
    who = await staff_names(uow, [f"staff:{request.decided_by}"]) if request.decided_by else {}
    name = next(iter(who.values()), "")[:64]  # a name as long as Telegram allows still fits the answer
    if not name:
        return DecidedAlready(rma=request.rma_code)
    if request.status is ReturnStatus.REJECTED:
        return RejectedAlready(rma=request.rma_code, name=name)
    return ApprovedAlready(rma=request.rma_code, name=name)


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


@dataclass(frozen=True, slots=True)
class Inspected:
    """A line inspected, and where a restocked one went (empty for a write-off or a second tap)."""

    request: ReturnRequest
    warehouse: str = ""
    bin_code: str = ""


async def _inspecting_warehouse(uow: UnitOfWork, member: StaffMember, order: Order) -> tuple[int, str]:
    """The goods are where the one inspecting them works (a store's clerk has the parcel the
    customer brought there); staff of no warehouse, the one the order left. Its id and name."""
    warehouses = await uow.warehouses.all()
    own = next((w for w in warehouses if member.warehouse_code and w.code == member.warehouse_code), None)
    if own is not None and own.id is not None:
        return own.id, own.name
    home = await home_warehouse(uow, order)
    return home, next((w.name for w in warehouses if w.id == home), "")


async def inspect_line(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str, line_id: int, restock: bool
) -> Inspected:
    """Restock to a sellable bin (on hand grows), or write off as damaged: the goods are
    booked into the returns area and out again, so both show as movements with the RMA, and
    the value written off is recorded on the order. The cost comes back at what the order's
    warehouse booked it out at, then revalued to the cost where it is shelved."""
    member = await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status is not ReturnStatus.RECEIVED:
            raise NotInspected()
        line = next((x for x in request.lines if x.id == line_id), None)
        if line is None:
            raise NotFound()
        if line.inspected:
            return Inspected(request)
        order = await uow.orders.get_by_id(request.order_id)
        assert order is not None
        warehouse, name = await _inspecting_warehouse(uow, member, order)
        home = await home_warehouse(uow, order)
        count = line.quantity - line.restocked - line.written_off
        code = ""
        now, actor = clock.now(), f"staff:{staff_id}"
        if restock:
            await uow.stock.lock_positions([(line.product_id, warehouse)])  # the bin read below stays what it is
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
        else:
            # Its payment row writes the order (``SqlPayments.add``): the order first, then its counters
            # (ARCHITECTURE.md, "Lock order"), as a path holding the order and going on to the same counter takes them.
            await uow.parcels.lock_order(order.id or 0)
            note = f"return {rma}: write-off ({request.reason.value})"
            await uow.stock.set_bin_quantity(line.product_id, warehouse, RETURNS_AREA_BIN, count, note, actor, now)
            await uow.stock.set_bin_quantity(line.product_id, warehouse, RETURNS_AREA_BIN, 0, note, actor, now)
            await uow.payments.add(
                Payment(order.id or 0, PaymentKind.WRITE_OFF, "return", line.unit_price * count, now)
            )
            line.written_off += count
            await _book_cost_back(uow, now, rma, line.product_id, home, count, A.WRITE_OFFS)
        await uow.returns.save(request, now)
        if restock:  # booked last: the cost's currencies held (``stock_books.hold_rates``, the lock order)
            await _book_restock(uow, now, rma, line.product_id, home, warehouse, count)
        await uow.commit()
        return Inspected(request, name, code) if restock else Inspected(request)


async def _book_restock(
    uow: UnitOfWork, at: datetime, rma: str, product_id: int, home: int, shelved: int, count: int
) -> None:
    """Restocked units back into inventory at the cost where they left (``home``), revalued to the cost where they
    were ``shelved``. The costs' currencies are held first: a currency's first rate set at once, not finding these
    units on the shelf yet, brought in only those there before while this, reading no rate, booked them nothing."""
    costs = await supply_costs(uow, [product_id])
    places = ((product_id, home), (product_id, shelved))
    await hold_rates(uow, (cost.currency for place in places if (cost := costs.get(place)) is not None))
    await _book_cost_back(uow, at, rma, product_id, home, count, A.INVENTORY, costs)
    if shelved != home:
        await _revalue_elsewhere(uow, at, rma, (product_id, home), (product_id, shelved), count, costs)


async def _revalue_elsewhere(
    uow: UnitOfWork,
    at: datetime,
    rma: str,
    left: tuple[int, int],
    shelved: tuple[int, int],
    count: int,
    costs: UnitCosts,
) -> None:
    """Units that went out at the cost where they ``left`` (booked back at it) and sit now where
    they were ``shelved``, whose supply cost may differ (``costs``, the product's): revalued to it, so
    1200 Inventory stays what /stockvalue counts (see ``revaluation``)."""
    before = UnitCosts({shelved: cost} if (cost := costs.get(left)) is not None else {}, {})
    after = UnitCosts({shelved: cost} if (cost := costs.get(shelved)) is not None else {}, {})
    memo = Memo.of(N_("return {rma}: restocked where its cost differs"), rma=rma)
    await book_revaluation(uow, at, f"return:{rma}", memo, before, after, {shelved: count})


async def _book_cost_back(
    uow: UnitOfWork,
    at: datetime,
    rma: str,
    product_id: int,
    warehouse_id: int,
    count: int,
    to: Account,
    costs: UnitCosts | None = None,
) -> None:
    """Returned goods leave cost of goods sold: back into inventory, or into write-offs. Nothing
    when their cost is in a currency without a rate yet: the shipment booked no cost of goods sold
    for them and the stock value counts them at nothing (the first rate brings in those on hand)."""
    cost = (costs if costs is not None else await supply_costs(uow, [product_id])).get((product_id, warehouse_id))
    if cost is not None:
        value, _ = await cost_in_base(uow, cost, count)
        if value.currency != uow.base_currency:
            return
        memo = Memo.of(N_("return {rma}: restocked") if to is A.INVENTORY else N_("return {rma}: written off"), rma=rma)
        await book(uow, at, f"return:{rma}", memo, value, to, A.COGS)


async def _discount_back(
    uow: UnitOfWork, order: Order, request: ReturnRequest, before: Mapping[int, int], at: datetime
) -> None:
    """Sales taken back at list price, as an edit takes them: the refund went to sales returns at
    the price paid; the discount the units carried (all taken back so far less those before, so
    the last return brings 4800 to exactly nothing) moves from 4800 to sales returns. Not on a
    replacement: an exchange leaves a returned unit's discount with the units kept."""
    if "REPLACEMENT" in order.flags:
        return
    after = Counter(before)
    after.update({line.order_line_id: line.quantity for line in request.lines})
    base = uow.base_currency
    back = discount_in_base(order, discount_taken_back(order, after), base)
    back -= discount_in_base(order, discount_taken_back(order, before), base)
    memo = Memo.of(N_("return {rma}: discount of the goods taken back"), rma=request.rma_code)
    await book_discount_back(uow, at, f"return:{request.rma_code}", memo, back)


async def resolve_return(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, rma: str, policy: CheckoutPolicy, refund_instead: bool = False
) -> ReturnRequest:
    """Once every line is inspected: a refund (recorded as owed on the order, shipping
    included when it is the shop's fault), or the replacement order (an invoice on ``policy``'s terms)."""
    await require(uow, staff_id, Permission.RETURNS)
    async with uow:
        request = await _request(uow, rma)
        if request.status in (ReturnStatus.EXCHANGED, ReturnStatus.REFUNDED):
            return request  # a second tap: resolved already, not "inspect every line first"
        if request.status is not ReturnStatus.RECEIVED or not all(line.inspected for line in request.lines):
            raise NotInspected()
        # The order before the replacement's counters and the credit note's number (ARCHITECTURE.md, "Lock order"),
        # as a write-off of another of its returns and a goodwill refund take it: taken after, each deadlocked.
        await uow.parcels.lock_order(request.order_id)
        order = await uow.orders.get_by_id(request.order_id)
        assert order is not None and order.id is not None
        now = clock.now()
        if refund_instead:  # an exchange that cannot be sent (sold out, withdrawn): the money back
            request.kind = ReturnKind.REFUND
        if request.kind is ReturnKind.REFUND:
            # Only a refund gives the shipping back: an exchange's refund is a price difference.
            earlier = [
                r
                for r in await uow.returns.for_order(order.id)
                if r.id != request.id and r.refund is not None and r.kind is ReturnKind.REFUND
            ]
            shipping_done = any(r.reason in SHOP_FAULT for r in earlier)
            before = await taken_back(uow, order.id, request)
            paid = {  # on a replacement, what all a line's units were paid, on the first order and since
                x.id or 0: (await paid_for(uow, order, x)).total
                for x in (order.lines if "REPLACEMENT" in order.flags else [])
            }
            worth = refund_for(request, order, shipping_done, before, paid)
            source, memo = f"return:{request.rma_code}", Memo.of(N_("return {rma}"), rma=request.rma_code)
            # What an unpaid invoice still asks for is taken down; only what was paid is owed back.
            carried = shipping_back(request, order, shipping_done)
            # The tax back is what the goods taken back in all carry less what those before did.
            gone = goods_taken_back(order, before, paid)
            tax = order.included_tax(gone + worth - carried) - order.included_tax(gone)
            # In the base currency, each side converted as its sale booked it (one unit's share
            # of a rouble order's tax converted on its own left a penny in 2200 by the last).
            base = uow.base_currency
            tax_in_base = tax_step(
                order.included_tax(gone + worth - carried), order.included_tax(gone), order.fx_rate, base
            )
            tax_in_base += to_base(order.included_tax(carried), order.fx_rate, base)
            # The invoice corrected by a numbered document of all it fell by, as a goodwill refund's is.
            request.refund, credit, notes = await give_back(
                uow,
                order,
                worth,
                now,
                source=source,
                memo=memo,
                reason=of_return(request.rma_code),
                shipping=carried,
                goods_tax=tax,
                tax_in_base=tax_in_base,
            )
            await _discount_back(uow, order, request, before, now)
            request.move(ReturnStatus.REFUNDED)
            extra: dict[str, object] = {"refund_minor": request.refund.amount, "currency": worth.currency}
            extra |= await _credited(uow, order, credit)
            if notes:
                extra["credit_note"] = notes[0][1]
        else:
            replacement, notes = await place_replacement(uow, clock, order, request, staff_id, policy)
            request.replacement_order_id = replacement.id
            request.move(ReturnStatus.EXCHANGED)
            # The customer hears what the swap costs them more (and how to pay it) or owes them back.
            extra = {
                "replacement": replacement.code,
                "payment": replacement.payment_method.value,
                "charge_minor": replacement.total.amount,
                "refund_minor": request.refund.amount if request.refund else 0,
                "currency": order.currency,
            }
            # A cheaper size: what is owed back and taken off the invoice, documented.
            if notes:
                extra["credit_note"] = notes[0][1]
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
            memo = Memo.of(N_("refund paid, return {rma}"), rma=request.rma_code)
            order = await uow.orders.get_by_id(request.order_id)
            rate = order.fx_rate if order else None
            source = f"return:{request.rma_code}"
            await book(uow, now, source, memo, request.refund, A.REFUNDS_PAYABLE, A.CASH, fx_rate=rate)
            await _tell(
                uow, clock, request, refund_minor=request.refund.amount, currency=request.refund.currency, paid=True
            )
        await uow.commit()
        return request
