"""Staff-assisted orders: support staff act for a customer and use the same cart and
checkout; the order is marked with the ``support`` channel and the customer is told."""

from __future__ import annotations

from domain.customers import Customer, is_telegram_id
from domain.errors import NotFound
from domain.ports import UnitOfWork
from domain.staff import Permission, can
from domain.usecases.staff import require


async def customer_to_assist(uow: UnitOfWork, *, staff_telegram_id: int, reference: str) -> Customer:
    """``reference`` is a customer's Telegram id or @username the bot has seen."""
    await require(uow, staff_telegram_id, Permission.ASSIST)
    text = reference.strip()
    async with uow.read_only():
        if is_telegram_id(text):
            customer = await uow.customers.get_by_telegram_id(int(text))
        else:
            customer = await uow.customers.get_by_username(text.lstrip("@"))
    if customer is None:
        raise NotFound()
    return customer


async def assisted_customer(uow: UnitOfWork, *, staff_telegram_id: int, customer_id: int) -> Customer | None:
    """The customer a staff member is acting for, re-checked on every update: a revoked
    role ends the assistance at once."""
    async with uow.read_only():
        member = await uow.staff.get(staff_telegram_id)
        if not can(member, Permission.ASSIST):
            return None
        return await uow.customers.get(customer_id)
