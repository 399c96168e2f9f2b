"""Correcting an order's PO number once placed: its buyer until it ships, staff while it is not cancelled."""

from __future__ import annotations

from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.notifications import for_customer
from domain.order_actions import buyer_may_change_reference
from domain.orders import (
    HistoryEntry,
    Order,
    OrderStatus,
    normalize_order_code,
    order_reference,
)
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.staff import require

NONE = "—"  # the history's word for no number


class ReferenceShipped(DomainError):
    key = N_("Order {code} has shipped, so its PO number can no longer be changed here: ask us and we correct it.")


class ReferenceCancelled(DomainError):
    key = N_("Order {code} is cancelled: its PO number stays as it was.")


class ReferenceOfChannel(DomainError):
    key = N_(
        "Order {code} came from {channel}: {reference} is its order number there, not your PO number, so it cannot "
        "be changed."
    )


class ChannelReferenceKept(DomainError):
    key = N_(
        "Order {code} came from {channel}: {reference} is its order number there, which its status updates name "
        "the order by, so it is not changed here."
    )


class ReferenceOfUnnamedChannel(ReferenceOfChannel):
    """``ReferenceOfChannel`` of an order whose history names no API key: no channel's name to say."""

    key = N_(
        "Order {code} came from a sales channel: {reference} is its order number there, not your PO number, so it "
        "cannot be changed."
    )


class UnnamedChannelReferenceKept(ChannelReferenceKept):
    """``ChannelReferenceKept`` of an order whose history names no API key."""

    key = N_(
        "Order {code} came from a sales channel: {reference} is its order number there, which its status updates "
        "name the order by, so it is not changed here."
    )


async def change_my_order_reference(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, reference: str
) -> tuple[Order, str]:
    """The buyer's own order, before it ships; returns it changed and the number it had."""
    kept = order_reference(reference)  # too long: refused before anything is read
    async with uow:
        order = await _locked(uow, code)
        if order.customer_id != customer_id:
            raise NotFound()  # another customer's order: codes reveal nothing
        if order.channel_name is not None:  # a button drawn before, or the Mini App's form sent anyway
            refused = ReferenceOfChannel if order.channel_name else ReferenceOfUnnamedChannel
            raise refused(code=order.code, channel=order.channel_name, reference=order.reference)
        if not buyer_may_change_reference(order):
            raise (
                ReferenceCancelled(code=order.code)
                if order.status is OrderStatus.CANCELLED
                else ReferenceShipped(code=order.code)
            )
        was = await _change(uow, clock, order, kept, f"customer:{customer_id}")
        await uow.commit()
        return order, was


async def change_order_reference(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, reference: str
) -> tuple[Order, str]:
    """Staff correct it at any stage but cancelled (a delivered order's invoice is reprinted with it)."""
    await require(uow, staff_id, Permission.EDIT_ORDERS)
    kept = order_reference(reference)
    async with uow:
        order = await _locked(uow, code)
        if order.status is OrderStatus.CANCELLED:
            raise ReferenceCancelled(code=order.code)
        if order.channel_name is not None:  # a button drawn before: the channel would lose the order
            kept_by = ChannelReferenceKept if order.channel_name else UnnamedChannelReferenceKept
            raise kept_by(code=order.code, channel=order.channel_name, reference=order.reference)
        was = await _change(uow, clock, order, kept, f"staff:{staff_id}")
        if order.reference != was:  # the buyer's goods-in desk checks deliveries against it: not their change
            params = {"code": order.code, "was": was, "now": order.reference}
            buyer = await uow.customers.get(order.customer_id)
            if (told := for_customer(buyer, "order_po_changed", params)) is not None:
                await uow.outbox.add(told, clock.now())
        await uow.commit()
        return order, was


async def _locked(uow: UnitOfWork, code: str) -> Order:
    """The order read under its row lock, so a status change meanwhile is seen (an order, then nothing else)."""
    found = await uow.orders.get_by_code(normalize_order_code(code))
    if found is None or found.id is None:
        raise NotFound()
    await uow.parcels.lock_order(found.id)
    order = await uow.orders.get_by_id(found.id)
    if order is None:
        raise NotFound()
    return order


async def _change(uow: UnitOfWork, clock: Clock, order: Order, reference: str, actor: str) -> str:
    """Kept with a history entry saying who changed it from what: the audit of a number invoices carry."""
    was = order.reference
    if reference != was:
        reason = f"po number: {was or NONE} → {reference or NONE}"
        entry = HistoryEntry(clock.now(), actor, order.status, order.status, reason)
        order.reference = reference
        order.history.append(entry)
        await uow.orders.set_reference(order, entry)
    return was
