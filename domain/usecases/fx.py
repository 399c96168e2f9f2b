"""Exchange rates managers set, and the currency each customer pays in."""

from __future__ import annotations

from dataclasses import dataclass

from domain.customers import Customer
from domain.errors import DomainError, NotFound
from domain.fx import FxRate, Rates, locale_currency
from domain.i18n import N_
from domain.money import normalize_currency
from domain.ports import UnitOfWork
from domain.staff import Permission
from domain.usecases.customers import remember_choice
from domain.usecases.staff import require, staff_names

HISTORY_LENGTH = 10


class CurrencyNotOffered(DomainError):
    key = N_("The shop does not take {currency}. Available: {available}.")


async def shop_rates(uow: UnitOfWork) -> Rates:
    """Inside an open unit of work: the latest rates against the base currency."""
    return Rates.from_latest(uow.base_currency, await uow.fx.latest_against(uow.base_currency))


async def offered_currencies(uow: UnitOfWork) -> list[str]:
    """What the shop prices in: its base currency and each one a manager set a rate for."""
    async with uow.read_only():
        return (await shop_rates(uow)).currencies


def wanted_currency(customer: Customer) -> str | None:
    """The customer's own choice (/currency), else their language's usual currency."""
    return customer.currency or locale_currency(customer.language or customer.telegram_language)


def preferred_currency(customer: Customer, rates: Rates) -> str:
    """The currency they want when the shop takes it, else the base currency."""
    wanted = wanted_currency(customer)
    return wanted if wanted and rates.offers(wanted) else rates.base


@dataclass(frozen=True, slots=True)
class RateBoard:
    rates: Rates
    latest: list[FxRate]
    history: list[tuple[FxRate, str]]  # of one pair, when asked for


async def rate_board(uow: UnitOfWork, *, staff_id: int, currency: str | None = None) -> RateBoard:
    await require(uow, staff_id, Permission.VIEW_ORDERS)
    async with uow.read_only():
        rates = await shop_rates(uow)
        latest = await uow.fx.latest_against(uow.base_currency)
        history: list[tuple[FxRate, str]] = []
        if currency is not None:
            history = await uow.fx.history(uow.base_currency, normalize_currency(currency), HISTORY_LENGTH)
            # Who set each rate by name (Mia Lee, not staff:60), as other trails read.
            names = await staff_names(uow, {who for _, who in history})
            history = [(rate, names.get(who, who)) for rate, who in history]
        return RateBoard(rates, sorted(latest, key=lambda r: (r.base, r.quote)), history)


async def currency_choice(uow: UnitOfWork, *, telegram_id: int) -> tuple[str, list[str]]:
    """The customer's current currency and what they may choose from."""
    async with uow.read_only():
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        if customer is None:
            raise NotFound()
        rates = await shop_rates(uow)
        return preferred_currency(customer, rates), rates.currencies


async def choose_currency(uow: UnitOfWork, *, telegram_id: int, currency: str) -> str:
    async with uow:
        code = normalize_currency(currency)
        rates = await shop_rates(uow)
        if not rates.offers(code):
            raise CurrencyNotOffered(currency=code, available=", ".join(rates.currencies))
        await remember_choice(uow, telegram_id, currency=code)
        await uow.commit()
        return code
