"""Special customers and orders: managers mark a customer VIP (their open and future orders
are flagged and go first in the queue); flagged orders carry a special code staff can quote."""

from __future__ import annotations

from domain.customers import Customer, business_terms, is_telegram_id
from domain.errors import NotFound
from domain.orders import OPEN_STATUSES
from domain.ports import UnitOfWork
from domain.staff import Permission
from domain.tax_numbers import tax_number
from domain.usecases.insight import find_customer
from domain.usecases.staff import require


async def set_vip(uow: UnitOfWork, *, staff_id: int, reference: str, vip: bool) -> tuple[Customer, int]:
    """``reference`` is a Telegram id or @username. Returns the customer and how many of
    their open orders changed."""
    await require(uow, staff_id, Permission.MANAGE_CUSTOMERS)
    text = reference.strip()
    async with uow:
        if is_telegram_id(text):
            customer = await uow.customers.get_by_telegram_id(int(text))
        else:
            customer = await uow.customers.get_by_username(text.lstrip("@"))
        if customer is None or customer.id is None:
            raise NotFound()
        full = await uow.customers.get(customer.id)
        assert full is not None
        full.is_vip = vip
        await uow.customers.update(full)
        changed = 0
        orders, _ = await uow.orders.for_customer(customer.id, 0, 1000)
        # Locked by id, ascending (the lock order for several orders: the invoice reminders write them so).
        for listed in sorted(orders, key=lambda o: o.id or 0):
            if listed.status not in OPEN_STATUSES or ("VIP" in listed.flags) == vip:
                continue
            # Flagged as it is now, under its lock: flags read in the list above and changed
            # meanwhile (a waiting part filled) were written back, and that order never picked.
            await uow.parcels.lock_order(listed.id or 0)
            order = await uow.orders.get_by_id(listed.id or 0)
            if order is None or order.status not in OPEN_STATUSES or ("VIP" in order.flags) == vip:
                continue
            await uow.orders.set_flags(order.id or 0, order.flags | {"VIP"} if vip else order.flags - {"VIP"})
            changed += 1
        await uow.commit()
        return full, changed


async def set_business(
    uow: UnitOfWork, *, staff_id: int, reference: str, business: bool, days: str = "", limit: str = ""
) -> Customer:
    """Mark a customer (Telegram id, @username or phone) a business that may pay by invoice,
    with its payment terms: due days (empty: the shop's default) and a credit limit in the
    base currency (empty: none); or no longer a business (its terms go too)."""
    await require(uow, staff_id, Permission.MANAGE_CUSTOMERS)
    async with uow:
        terms = business_terms(days, limit, uow.base_currency) if business else (None, None)
        customer = await find_customer(uow, reference)
        customer.is_business = business
        customer.payment_terms_days, customer.credit_limit = terms
        await uow.customers.update(customer)
        await uow.commit()
        return customer


async def set_tax_number(uow: UnitOfWork, *, staff_id: int, reference: str, number: str | None) -> Customer:
    """Keep a customer's tax number (VAT number, ИНН) for their invoices, or forget it (None); what is not a tax
    number is refused and nothing changes."""
    await require(uow, staff_id, Permission.MANAGE_CUSTOMERS)
    kept = None if number is None else tax_number(number)
    async with uow:
        customer = await find_customer(uow, reference)
        customer.tax_number = kept
        await uow.customers.update(customer)
        await uow.commit()
        return customer
