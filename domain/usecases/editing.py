"""Editing an order before picking, in one transaction: stock re-held all or nothing, routing
and shipping decided again (``reprice``), the difference charged or owed back and booked, a
history row with who did it, and both sides told what changed."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.catalog import normalize_sku
from domain.credit_notes import Issued
from domain.editing import (
    EDITABLE,
    EditConflict,
    EditDiff,
    LineChange,
    NothingToChange,
    OrderChanges,
    Settlement,
    changed_lines,
    check_channel_paid,
    check_editable,
    check_terms,
    diff_orders,
    settle,
    stepped,
)
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.orders import Delivery, DeliveryMethod, EmptyOrder, HistoryEntry, Order, OrderLine, normalize_order_code
from domain.payments import invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.edit_notices import tell_edit
from domain.usecases.edit_pricing import edit_terms, order_price_list, priced_additions, rediscount, reprice
from domain.usecases.edit_settlement import settle_edit
from domain.usecases.edit_stock import rehold
from domain.usecases.exchange_refunds import give_back_exchanged, lock_origin
from domain.usecases.staff import require


class UnknownSku(DomainError):
    key = N_("No product with SKU {sku}.")


class NotAPickupPoint(DomainError):
    key = N_("{code} is not a pickup point.")


@dataclass(frozen=True, slots=True)
class EditPolicy:
    checkout: CheckoutPolicy
    window_minutes: int = 30  # ORDER_EDIT_WINDOW_MINUTES: how long a customer may change their order
    support: bool = True  # a support chat to point a refused customer to (💬 Contact us)


@dataclass(frozen=True, slots=True)
class EditOutcome:
    order: Order
    diff: EditDiff
    settlement: Settlement
    credit_notes: list[Issued] = field(default_factory=list)  # of what is owed back: its reply's buttons
    debit_notes: list[Issued] = field(default_factory=list)  # of what the issued invoice rose by


async def find_order(uow: UnitOfWork, code: str, customer_id: int | None) -> Order:
    """The order of this code (of this customer's, unless None)."""
    order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise NotFound()  # another customer's order is simply not found: codes reveal nothing
    return order


async def order_to_edit(
    uow: UnitOfWork,
    clock: Clock,
    policy: EditPolicy,
    *,
    code: str,
    customer_id: int | None = None,
    staff_id: int | None = None,
) -> Order:
    """The order as the edit screen shows it (its version goes into every button)."""
    if staff_id is not None:
        await require(uow, staff_id, Permission.EDIT_ORDERS)
    async with uow.read_only():
        order = await find_order(uow, code, customer_id)
    check_editable(order, now=clock.now(), by_customer=staff_id is None, window_minutes=policy.window_minutes)
    return order


async def edit_order(
    uow: UnitOfWork,
    clock: Clock,
    policy: EditPolicy,
    *,
    code: str,
    version: int,
    changes: OrderChanges,
    customer_id: int | None = None,
    staff_id: int | None = None,
    language: str = "",
) -> EditOutcome:
    """Apply ``changes`` to the order as it was at ``version`` (what the editor saw). Refused
    with nothing changed when someone else edited it since, when picking has started, or
    when stock does not cover the new lines; a refusal names products in ``language`` (the
    editor's) where translated."""
    if staff_id is not None:
        await require(uow, staff_id, Permission.EDIT_ORDERS)
    actor = f"staff:{staff_id}" if staff_id is not None else f"customer:{customer_id}"
    now = clock.now()
    async with uow:
        order = await find_order(uow, code, customer_id if staff_id is None else None)
        by_customer = staff_id is None
        check_editable(order, now=now, by_customer=by_customer, window_minutes=policy.window_minutes)
        if order.version != version:
            raise EditConflict(code=order.code)
        assert order.id is not None
        changes = await _resolved(uow, changes)
        before = copy.deepcopy(order)
        prices = await order_price_list(uow, order)
        terms = await edit_terms(uow, order, changes, prices, language)
        changes = replace(changes, lines=stepped(order.lines, changes.lines, terms))
        added = await priced_additions(uow, order, changes, prices, language)
        lines = changed_lines(order.lines, changes.lines, added, language)
        exchanged = list(order.lines)  # what a line sent in exchange was before (``give_back_exchanged``)
        check_terms(order.lines, changes.lines, terms)
        if not lines:
            raise EmptyOrder()
        delivery = changes.delivery or order.delivery
        if _same(order.lines, lines) and delivery == order.delivery:
            raise NothingToChange(code=order.code)
        await _lock(uow, order, version, now=now, by_customer=by_customer, window=policy.window_minutes)
        await lock_origin(uow, order)  # a replacement: the order it replaces, before the counters and numbers
        order.lines, order.delivery = lines, delivery
        warehouses = await uow.warehouses.all()
        decision, point = await rehold(uow, order, warehouses, now, language)
        await reprice(uow, clock, policy.checkout, order, decision=decision, warehouses=warehouses, point=point)
        dropped, minimum = await rediscount(uow, order, now)
        names = {w.id or 0: w.name for w in warehouses}
        diff = replace(diff_orders(before, order, names), promo_dropped=dropped, promo_minimum=minimum)
        payments = await uow.payments.for_order(order.id)
        settlement = settle(order, before.total, payments)
        paid_at = await paid_at_channel(uow, order)
        # Its raise rolls back the holds taken.
        check_channel_paid(order.code, paid_at, settlement.charge, by_customer=by_customer, support=policy.support)
        entry = HistoryEntry(now, actor, order.status, order.status, diff.summary())
        order.history.append(entry)
        order.version = version + 1
        await uow.orders.save_edit(order, entry)
        notes, debits = await settle_edit(uow, order, settlement, now, invoice_owed(before.total, payments), before)
        if "REPLACEMENT" in order.flags:
            given_back, exchange = await give_back_exchanged(uow, order, exchanged, lines, now, cancelled=False)
            settlement = replace(settlement, refund=settlement.refund + given_back)
            notes += exchange
        await tell_edit(
            uow, policy.checkout.staff_chat_id, order, diff, settlement, actor, now, by_customer, notes, debits
        )
        await uow.commit()
        return EditOutcome(order, diff, settlement, notes, debits)


async def _resolved(uow: UnitOfWork, changes: OrderChanges) -> OrderChanges:
    """SKUs and a pickup point's code, as staff type them, made ids."""
    lines = list(changes.lines)
    for sku, quantity in changes.by_sku:
        product = await uow.products.get_by_sku(normalize_sku(sku))
        if product is None or product.id is None:
            raise UnknownSku(sku=sku)
        lines.append(LineChange(product.id, quantity))
    delivery = changes.delivery
    if changes.pickup_code:
        pickup = await uow.warehouses.get_by_code(changes.pickup_code.strip().upper())
        if pickup is None or not pickup.is_pickup_point:
            raise NotAPickupPoint(code=changes.pickup_code)
        delivery = Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=pickup.id)
    return OrderChanges(tuple(lines), delivery)


def _same(old: list[OrderLine], new: list[OrderLine]) -> bool:
    return {line.product_id: line.quantity for line in old} == {line.product_id: line.quantity for line in new}


async def _lock(uow: UnitOfWork, order: Order, version: int, *, now: datetime, by_customer: bool, window: int) -> None:
    """Locks in one order everywhere, so two of these never deadlock on PostgreSQL: the
    order's warehouses (where pickers plan rounds, ``lock_planning``) by id, then the order
    row (version bumped), then stock rows. A picker who planned first has moved the order
    to picking by the time the order row is ours: the compare-and-set fails, and why is said."""
    reservations = await uow.stock.order_reservations(order.id or 0)
    for warehouse_id in sorted({r.warehouse_id for r in reservations}):
        await uow.picking.lock_planning(warehouse_id)
    if await uow.orders.claim_edit(order.id or 0, version, sorted(EDITABLE)):
        return
    current = await uow.orders.get_by_id(order.id or 0)
    if current is None:
        raise NotFound()
    check_editable(current, now=now, by_customer=by_customer, window_minutes=window)
    raise EditConflict(code=order.code)
