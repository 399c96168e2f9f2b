"""Who is told of an order edit: the customer of staff's edits, staff of every edit."""

from __future__ import annotations

from datetime import datetime

from domain.credit_notes import Issued
from domain.editing import EditDiff, Settlement
from domain.notifications import Notification, for_customer
from domain.orders import Order
from domain.ports import UnitOfWork


async def _editor(uow: UnitOfWork, order: Order, actor: str) -> str:
    """Who edited, as staff know them: the person's name in Telegram (the history keeps ``actor``)."""
    kind, _, number = actor.partition(":")
    if kind == "customer":
        person = await uow.customers.get(order.customer_id)
    else:
        person = await uow.customers.get_by_telegram_id(int(number))
    return person.display_name if person is not None and person.display_name else actor


async def tell_edit(
    uow: UnitOfWork,
    staff_chat_id: int | None,
    order: Order,
    diff: EditDiff,
    settlement: Settlement,
    actor: str,
    now: datetime,
    by_customer: bool,
    notes: list[Issued],
    debits: list[Issued],
) -> None:
    """The customer hears of staff's edits (they see their own as the reply); staff hear of all."""
    params = {**diff.params(), "charge_minor": settlement.charge.amount, "refund_minor": settlement.refund.amount}
    if not by_customer:
        customer = await uow.customers.get(order.customer_id)
        language = customer.notification_language if customer is not None else ""
        named = {**params, **diff.in_language(language).params(), "credit_notes": notes, "debit_notes": debits}
        told = for_customer(customer, "order_edited", named)
        if told is not None:
            await uow.outbox.add(told, now)
    if staff_chat_id is not None:
        staff_params = {
            **params,
            "actor": actor,
            "by_customer": by_customer,
            "editor": await _editor(uow, order, actor),
        }
        await uow.outbox.add(Notification(staff_chat_id, "staff_order_edited", "", staff_params), now)
