"""Registering customers and remembering their choices."""

from __future__ import annotations

from collections.abc import Container

from domain.customers import SAVED_OFFERED, Address, Customer, UnsupportedLanguage, offered_addresses
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.ports import Clock, UnitOfWork
from domain.tax_numbers import tax_number
from domain.text import without_direction_controls


async def ensure_customer(
    uow: UnitOfWork,
    clock: Clock,
    *,
    telegram_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> Customer:
    """Find or register the customer behind a Telegram user; refresh what Telegram says
    about them when it changed. The common case (a known, unchanged user) is one read. Someone
    marked unreachable (a 403: they blocked the bot, or had not started it when another channel
    named them) who writes again can be written to again: else they were never told of an order."""
    # A direction override in a name turned the staff lines it is shown in around (domain.text).
    first_name = without_direction_controls(first_name)
    last_name = without_direction_controls(last_name) if last_name else last_name
    seen = (first_name, last_name, username, language_code)
    async with uow.read_only():
        known = await uow.customers.get_by_telegram_id(telegram_id)
    if (
        known is not None
        and not known.unreachable
        and (known.first_name, known.last_name, known.username, known.telegram_language) == seen
    ):
        return known
    async with uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            customer = await uow.customers.add(
                Customer(
                    telegram_id=telegram_id,
                    first_name=first_name,
                    last_name=last_name,
                    username=username,
                    telegram_language=language_code,
                    created_at=clock.now(),
                )
            )
        else:
            customer.first_name, customer.last_name, customer.username, customer.telegram_language = seen
            customer.unreachable = False
            await uow.customers.update(customer)
        await uow.commit()
        return customer


async def known_customer(uow: UnitOfWork, clock: Clock, *, telegram_id: int) -> Customer:
    """The customer behind a browser session, which says only who it is: what Telegram last said
    of them (name, username, app language) is kept, not overwritten with nothing."""
    async with uow.read_only():
        known = await uow.customers.get_by_telegram_id(telegram_id)
    return known or await ensure_customer(uow, clock, telegram_id=telegram_id, first_name=str(telegram_id))


async def languages_of(uow: UnitOfWork, telegram_id: int) -> tuple[str | None, str | None]:
    """Someone's stored language choice and their Telegram app's language, as last seen (the
    chat's order of preference); (None, None) for someone never seen."""
    async with uow.read_only():
        known = await uow.customers.get_by_telegram_id(telegram_id)
    return (known.language, known.telegram_language) if known else (None, None)


async def set_language(uow: UnitOfWork, *, telegram_id: int, language: str, offered: Container[str]) -> Customer:
    """``offered``: the languages the bot has a catalog for."""
    if language not in offered:
        raise UnsupportedLanguage()
    async with uow:
        customer = await remember_choice(uow, telegram_id, language=language)
        await uow.commit()
        return customer


class TaxNumberForBusinesses(DomainError):
    """A tax number prints only on invoices, and only a business pays by invoice."""

    key = N_(
        "A tax number on invoices is for business customers who pay by invoice; the shop makes an account a business "
        "one."
    )


async def set_my_tax_number(uow: UnitOfWork, *, telegram_id: int, number: str | None) -> Customer:
    """A customer's own VAT number or ИНН for their invoices, or none (None): checked as staff's
    ``/customer … tax`` is, so what is not a tax number is refused and nothing changes. Only a business sets one;
    anyone forgets theirs (an account made ordinary again keeps the number it had, and its owner may remove it)."""
    kept = None if number is None else tax_number(number)
    async with uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            raise NotFound()
        if kept is not None and not customer.is_business:
            raise TaxNumberForBusinesses()
        customer.tax_number = kept
        await uow.customers.update(customer)
        await uow.commit()
        return customer


async def remember_choice(uow: UnitOfWork, telegram_id: int, **choice: str) -> Customer:
    """Inside an open unit of work: store a customer's own choice (language, currency)."""
    customer = await uow.customers.get_by_telegram_id(telegram_id)
    if customer is None:
        raise NotFound()
    for name, value in choice.items():
        setattr(customer, name, value)
    await uow.customers.update(customer)
    return customer


async def saved_addresses(uow: UnitOfWork, *, customer_id: int, limit: int = SAVED_OFFERED) -> list[Address]:
    """The delivery addresses offered again at checkout: those ordered to most, then last (a chain's sixth branch
    does not push out the head office it ships to every week)."""
    async with uow.read_only():
        customer = await uow.customers.get(customer_id)
    return offered_addresses(customer.addresses, limit) if customer else []


async def forget_address(uow: UnitOfWork, *, customer_id: int, address_id: int) -> Address | None:
    """A saved address the customer no longer ships to, no longer offered (its orders keep it); None when it is
    not theirs or is gone already."""
    async with uow:
        customer = await uow.customers.get(customer_id)
        address = next((a for a in customer.addresses if a.id == address_id), None) if customer else None
        if address is None or not await uow.customers.forget_address(customer_id, address_id):
            return None
        await uow.commit()
        return address


async def find_customer(
    uow: UnitOfWork, *, telegram_id: int | None, phone: str | None, email: str | None
) -> Customer | None:
    """Inside an open unit of work: the customer another channel means — by Telegram id, else
    phone, else email (the API's orders and the customers import match alike)."""
    found = await uow.customers.get_by_telegram_id(telegram_id) if telegram_id is not None else None
    if found is None and phone:
        found = await uow.customers.get_by_phone(phone)
    if found is None and email:
        found = await uow.customers.get_by_email(email)
    return found


async def fill_contacts(uow: UnitOfWork, customer: Customer, *, phone: str | None, email: str | None) -> None:
    """The phone and email ``find_customer``'s match lacked, unless another customer has it:
    matched by Telegram id with someone else's email, two customers would share it, and the
    next match by that email would pick one of them."""
    if not customer.phone and phone and await uow.customers.get_by_phone(phone) is None:
        customer.phone = phone
    if not customer.email and email and await uow.customers.get_by_email(email) is None:
        customer.email = email
