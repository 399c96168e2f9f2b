"""Staff-assisted orders: support staff act for a customer and use the same cart and
checkout; the order is marked with the ``support`` channel and the customer is told."""

from __future__ import annotations

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.staff import Permission, can
from domain.usecases.insight import find_customer
from domain.usecases.staff import require


async def customer_to_assist(uow: UnitOfWork, *, staff_telegram_id: int, reference: str) -> Customer:
    """``reference`` finds them as ``/customer`` does: a Telegram id, an @username, a phone
    number or an email address (a caller on the phone gives their number)."""
    await require(uow, staff_telegram_id, Permission.ASSIST)
    async with uow.read_only():
        return await find_customer(uow, reference)


async def assisted_customer(uow: UnitOfWork, *, staff_telegram_id: int, customer_id: int) -> Customer | None:
    """The customer a staff member is acting for, re-checked on every update: a revoked
    role ends the assistance at once."""
    async with uow.read_only():
        member = await uow.staff.get(staff_telegram_id)
        if not can(member, Permission.ASSIST):
            return None
        return await uow.customers.get(customer_id)
