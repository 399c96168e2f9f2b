"""A manager's new exchange rate: kept, and the stock costed in that currency revalued at it."""

from __future__ import annotations

import zlib
from decimal import Context, Decimal

from domain.accounting import Account, entry
from domain.errors import DomainError
from domain.fx import FxRate, rate_against_base
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.fx import shop_rates
from domain.usecases.reports import stock_value_in
from domain.usecases.staff import require

FAR_OFF = Decimal(2)  # a new rate more than this many times the current one, or less than its share, is asked about


class RateFarOff(DomainError):
    """ "/fx RUB 99999999" for 100: one typo repriced every RUB price and revalued the stock in the books."""

    key = N_(
        "⚠️ 1 {base} = {rate} {quote} is a change of {change} from the current rate, 1 {base} = {old} {quote}. "
        "Every price in {currency} and the stock costed in it move with the rate. Set it?"
    )


class RateQuestionOutOfDate(DomainError):
    key = N_(
        "This question is out of date: the {currency} rate changed since. Nothing was changed; see /fx {currency}."
    )


class RateAlreadySet(DomainError):
    """✅ tapped again before the question was edited: the rate moved since it was asked, but to this very
    rate (the first tap), so nothing is out of date; nothing is set twice."""

    key = N_("Already set: 1 {base} = {rate} {quote}")


def rate_seen(rate: Decimal) -> int:
    """A short token of the rate a question was asked against: confirmed, the rate must still be it."""
    return zlib.crc32(format(rate, "f").encode()) & 0x7FFFFFFF


async def set_rate(uow: UnitOfWork, clock: Clock, *, staff_id: int, args: list[str], seen: int | None = None) -> FxRate:
    """``/fx GBP RUB 105.20`` or ``/fx RUB 105.20`` (against the base). Kept with who and
    when; orders keep the rate they were placed with, so a new rate never rewrites them.

    The stock on hand whose supply cost is in that currency is worth another amount in the base
    currency now, and ``/stockvalue`` counts it at the latest rate: the difference goes to
    inventory against "5200 Inventory revaluation" in the same transaction, so ``1200 Inventory``
    stays the stock value, and the units later sold or written off at the new rate leave nothing
    behind in it (at the old rate's value, inventory kept what no unit on hand stood for). A
    currency's first rate: its units were valued at nothing (``/stockvalue`` counted them without
    a cost), so they enter inventory against "3000 Opening stock and goods without an order", as
    a product given its first cost does.

    A rate more than ``FAR_OFF`` times the current one, or less than its share, is ``RateFarOff`` (a
    question, nothing kept) unless confirmed with ``seen``, the ``rate_seen`` of the rate it was asked
    against: a rate changed since is ``RateQuestionOutOfDate``."""
    member = await require(uow, staff_id, Permission.SET_PRICES)
    async with uow:
        first, second, value = args if len(args) == 3 else (uow.base_currency, *args)
        rate = rate_against_base(uow.base_currency, first, second, value, clock.now())
        currency = rate.quote if rate.base == uow.base_currency else rate.base
        # The rate found is the one revalued from: two at once each brought the stock in. Taken first, and nothing
        # locked after it (the lock order: ``domain.usecases.stock_books.hold_rates``).
        await uow.fx.lock(currency)
        rates = await shop_rates(uow)
        _check_change(rates.by_quote.get(currency), rate, currency, uow.base_currency, seen)
        was = await stock_value_in(uow, rates, currency)
        await uow.fx.add(rate, f"staff:{member.telegram_id}")
        now = await stock_value_in(uow, await shop_rates(uow), currency)
        if now is not None and now != (was or 0):
            if was is None:  # its first rate: units the stock value counted without a cost come in
                pair = (Account.INVENTORY, Account.STOCK_WITHOUT_ORDER)
            elif now > was:
                pair = (Account.INVENTORY, Account.INVENTORY_REVALUATION)
            else:
                pair = (Account.INVENTORY_REVALUATION, Account.INVENTORY)
            memo = Memo.of(
                N_("stock costed in {currency} at the new rate {rate} {quote}/{base}"),
                currency=currency,
                rate=rate.rate,
                quote=rate.quote,
                base=rate.base,
            )
            posted = entry(clock.now(), f"fx:{currency}", memo, uow.base_currency, (*pair, abs(now - (was or 0))))
            if posted is not None:
                await uow.journal.post(posted)
        await uow.commit()
        return rate


def _check_change(current: Decimal | None, rate: FxRate, currency: str, base: str, seen: int | None) -> None:
    """``current``: 1 ``base`` in ``currency`` now (None: its first rate, nothing to compare with)."""
    against_base = rate.rate if rate.base == base else 1 / rate.rate
    if seen is not None:  # confirmed: only while the rate is still the one it was asked against
        if current is not None and seen != rate_seen(current) and against_base == current:
            raise RateAlreadySet(base=rate.base, quote=rate.quote, rate=rate.rate)
        if current is None or seen != rate_seen(current):
            raise RateQuestionOutOfDate(currency=currency)
        return
    if current is None:
        return
    if 1 / FAR_OFF <= against_base / current <= FAR_OFF:
        return
    # The current rate the way it was typed (1 RUB = x GBP for "/fx RUB GBP x"), to twelve digits: an
    # inverse is an endless fraction.
    old = Context(prec=12).create_decimal(current if rate.base == base else 1 / current).normalize()
    raise RateFarOff(
        base=rate.base,
        quote=rate.quote,
        currency=currency,
        rate=rate.rate,
        old=old,
        change=rate.rate / old - 1,
        seen=rate_seen(current),
    )
