"""A manager's new exchange rate: kept, and the stock costed in that currency revalued at it."""

from __future__ import annotations

from domain.accounting import Account, entry
from domain.fx import FxRate, rate_against_base
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.fx import shop_rates
from domain.usecases.reports import stock_value_in
from domain.usecases.staff import require


async def set_rate(uow: UnitOfWork, clock: Clock, *, staff_id: int, args: list[str]) -> FxRate:
    """``/fx GBP RUB 105.20`` or ``/fx RUB 105.20`` (against the base). Kept with who and
    when; orders keep the rate they were placed with, so a new rate never rewrites them.

    The stock on hand whose supply cost is in that currency is worth another amount in the base
    currency now, and ``/stockvalue`` counts it at the latest rate: the difference goes to
    inventory against "5200 Inventory revaluation" in the same transaction, so ``1200 Inventory``
    stays the stock value, and the units later sold or written off at the new rate leave nothing
    behind in it (at the old rate's value, inventory kept what no unit on hand stood for). A
    currency's first rate: its units were valued at nothing (``/stockvalue`` counted them without
    a cost), so they enter inventory against "3000 Opening stock and goods without an order", as
    a product given its first cost does."""
    member = await require(uow, staff_id, Permission.SET_PRICES)
    async with uow:
        first, second, value = args if len(args) == 3 else (uow.base_currency, *args)
        rate = rate_against_base(uow.base_currency, first, second, value, clock.now())
        currency = rate.quote if rate.base == uow.base_currency else rate.base
        was = await stock_value_in(uow, await shop_rates(uow), currency)
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
