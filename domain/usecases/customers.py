"""Registering customers and remembering their choices."""

from __future__ import annotations

from domain.customers import SUPPORTED_LANGUAGES, Customer, UnsupportedLanguage
from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork


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
    """Find or register the customer behind a Telegram user; refresh the name when it changed.

    Writes only when something changed, so the common case (a known user) is one read.
    """
    async with uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            customer = Customer(
                telegram_id=telegram_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                telegram_language=language_code,
                created_at=clock.now(),
            )
            customer = await uow.customers.add(customer)
            await uow.commit()
            return customer
        seen = (first_name, last_name, username, language_code)
        if (customer.first_name, customer.last_name, customer.username, customer.telegram_language) != seen:
            customer.first_name, customer.last_name, customer.username, customer.telegram_language = seen
            await uow.customers.update(customer)
            await uow.commit()
        return customer


async def set_language(uow: UnitOfWork, *, telegram_id: int, language: str) -> Customer:
    if language not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguage()
    async with uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            raise NotFound()
        customer.language = language
        await uow.customers.update(customer)
        await uow.commit()
        return customer
