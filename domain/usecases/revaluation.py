"""Stock on hand follows its unit cost in the books: a new cost revalues it, a receipt books the price difference."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime

from domain.accounting import Account, entry
from domain.fx import Rates
from domain.memos import Memo
from domain.money import Money
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import fx_note, in_base
from domain.usecases.fx import shop_rates
from domain.usecases.stock_books import UnitCosts, hold_rates, supply_costs

A = Account

# The rule this module keeps: ``1200 Inventory`` is what ``/stockvalue`` counts — each unit on
# hand at its supply cost (``stock_books.UnitCosts``). Stock moves are booked at that cost, so
# only a change of the cost itself can part them: a new cost in the catalog or the reorder
# terms, or a purchase price becoming the last one. Each is booked here, in the transaction
# that changes the cost:
#   * units already valued, at another cost: the difference against "5200 Inventory revaluation";
#   * units on hand before their product had any cost (they were booked at nothing): valued now
#     against "3000 Opening stock and goods without an order", as such an arrival is booked when
#     a cost is known; a cost taken away takes them out the same way;
#   * a receipt at a price other than the supply cost: inventory at the supply cost, the payable
#     at the price, the difference in "5300 Purchase price variance".
# Costs in another currency are converted at the day's rate, as every stock move is; a new rate
# revalues the stock costed in that currency (``domain.usecases.rate_changes``), as the stock
# value converts it at the latest.


async def _on_hand(uow: UnitOfWork, product_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    levels = await uow.stock.levels(sorted(set(product_ids)))
    return {(lv.product_id, lv.warehouse_id): lv.on_hand for lv in levels if lv.on_hand > 0}


class _Converter:
    """Money in the base currency at today's rate; the rates read once, when first needed."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.rates: Rates | None = None

    async def __call__(self, money: Money) -> Money:
        return (await self.with_rate(money))[0]

    async def with_rate(self, money: Money) -> tuple[Money, str]:
        if money.currency != self.uow.base_currency and self.rates is None:
            self.rates = await shop_rates(self.uow)
        return await in_base(self.uow, money, rates=self.rates)


async def book_revaluation(
    uow: UnitOfWork,
    at: datetime,
    source: str,
    memo: Memo,
    before: UnitCosts,
    after: UnitCosts,
    on_hand: Mapping[tuple[int, int], int],
) -> None:
    """The units ``on_hand`` (per product and warehouse) moved from their cost ``before`` to
    their cost ``after``: one entry per account pair and currency (see the rule above)."""
    base = _Converter(uow)
    pairs: dict[tuple[Account, Account, str], int] = {}
    for place, units in on_hand.items():
        old, new = before.get(place), after.get(place)
        if old == new or units <= 0:
            continue
        was = (await base(old)) * units if old is not None else None  # unit by unit, as the stock value
        now = (await base(new)) * units if new is not None else None
        # A cost in a currency without a rate today is no value: the stock value counts such units
        # as without a cost, so they leave (or enter, at the first rate) inventory against 3000.
        was = was if was is not None and was.currency == uow.base_currency else None
        now = now if now is not None and now.currency == uow.base_currency else None
        if was is None and now is not None:
            key, amount = (A.INVENTORY, A.STOCK_WITHOUT_ORDER, now.currency), now.amount
        elif now is None and was is not None:
            key, amount = (A.STOCK_WITHOUT_ORDER, A.INVENTORY, was.currency), was.amount
        elif was is not None and now is not None and now.amount > was.amount:
            key, amount = (A.INVENTORY, A.INVENTORY_REVALUATION, now.currency), now.amount - was.amount
        elif was is not None and now is not None:
            key, amount = (A.INVENTORY_REVALUATION, A.INVENTORY, now.currency), was.amount - now.amount
        else:
            continue
        pairs[key] = pairs.get(key, 0) + amount
    for (debit, credit, currency), amount in pairs.items():
        posted = entry(at, source, memo, currency, (debit, credit, amount))
        if posted is not None:
            await uow.journal.post(posted)


@asynccontextmanager
async def revaluing(
    uow: UnitOfWork, at: datetime, source: str, memo: Memo, product_ids: Iterable[int]
) -> AsyncIterator[None]:
    """Around writes that may change these products' costs (the catalog's, the reorder terms):
    the stock on hand is revalued from the costs before to the costs after, in the same
    transaction. Nothing is booked when the writes raise."""
    ids = sorted(set(product_ids))
    if not ids:
        yield
        return
    before = await supply_costs(uow, ids)
    yield
    await book_revaluation(uow, at, source, memo, before, await supply_costs(uow, ids), await _on_hand(uow, ids))


class Receipt:
    """A purchase order's receipt booked at the supply cost: the units on hand before it are
    revalued when it makes a new last purchase price, and each line received is inventory at
    the cost the stock value counts it at, the payable at the price paid, the difference a
    purchase price variance."""

    def __init__(self, uow: UnitOfWork, at: datetime, source: str) -> None:
        self.uow, self.at, self.source = uow, at, source
        self.before: UnitCosts | None = None
        self.on_hand: dict[tuple[int, int], int] = {}
        self.lines: list[tuple[Memo, tuple[int, int], Money, int]] = []
        # The places whose units came in at no value (their cost's currency has no rate yet): that currency.
        self.unrated: dict[tuple[int, int], str] = {}

    async def start(self, product_ids: Iterable[int]) -> None:
        """Before any unit is received: the costs and the units on hand they apply to."""
        ids = sorted(set(product_ids))
        self.before = await supply_costs(self.uow, ids)
        self.on_hand = await _on_hand(self.uow, ids)

    def received(self, memo: Memo, place: tuple[int, int], unit_price: Money, units: int) -> None:
        self.lines.append((memo, place, unit_price, units))

    async def book(self, revalued_memo: Memo) -> None:
        """After the receipt is saved (its prices are then the last ones)."""
        assert self.before is not None, "start() first"
        after = await supply_costs(self.uow, [place[0] for place in self.on_hand] + [p[0] for _, p, _, _ in self.lines])
        # Each currency held before its rate is read (``stock_books.hold_rates``: the lock order): a rate set at once
        # (a first one above all, which brings in the units it finds) either sees these units or is seen by them.
        in_prices = {price.currency for _, _, price, _ in self.lines}
        places = {*self.on_hand, *(place for _, place, _, _ in self.lines)}
        costed = {cost.currency for costs in (self.before, after) for p in places if (cost := costs.get(p)) is not None}
        await hold_rates(self.uow, in_prices | costed)
        await book_revaluation(self.uow, self.at, self.source, revalued_memo, self.before, after, self.on_hand)
        base = _Converter(self.uow)
        for memo, place, unit_price, units in self.lines:
            paid, rate = await base.with_rate(unit_price * units)
            cost = after.get(place)
            valued = (await base(cost)) * units if cost is not None else None
            if paid.currency != self.uow.base_currency or (valued is not None and valued.currency != paid.currency):
                # The price, or the supply cost the stock value counts the units at, has no rate today.
                if valued is None or valued.currency != self.uow.base_currency:  # the units are valued at nothing
                    self.unrated[place] = (valued or paid).currency
                await self._book_without_a_rate(memo, valued, paid)
                continue
            # The price a unit at a time, as the cost is converted: what it differs from the
            # total converted whole is the conversion's rounding, no price variance.
            priced = (await base(unit_price)) * units
            priced = priced if priced.currency == paid.currency else paid
            valued = valued if valued is not None else priced
            signed = {
                A.INVENTORY: valued.amount,
                A.PURCHASE_PRICE_VARIANCE: priced.amount - valued.amount,
                A.CURRENCY_ROUNDING: paid.amount - priced.amount,
                A.PAYABLE: -paid.amount,
            }
            noted = fx_note(memo, unit_price * units, rate, paid.currency)
            posted = entry(self.at, self.source, noted, paid.currency, *balanced_pairs(signed))
            if posted is not None:
                await self.uow.journal.post(posted)

    async def _book_without_a_rate(self, memo: Memo, valued: Money | None, paid: Money) -> None:
        """The price, or the supply cost, in a currency the shop has no rate for yet: the payable
        is the price paid, in its currency, against 3000, and inventory takes the units only at a
        cost in the base currency, as the stock value counts them. A cost without a rate counts as
        none until the first rate, which then brings the units on hand in against 3000: booked at
        the price as well (in a currency, or at a cost, other than the stock value's), they were in
        inventory twice, or in it while the stock value counted them at nothing."""
        owed = entry(self.at, self.source, memo, paid.currency, (A.STOCK_WITHOUT_ORDER, A.PAYABLE, paid.amount))
        if owed is not None:
            await self.uow.journal.post(owed)
        if valued is not None and valued.currency == self.uow.base_currency:
            stock = entry(
                self.at, self.source, memo, valued.currency, (A.INVENTORY, A.STOCK_WITHOUT_ORDER, valued.amount)
            )
            if stock is not None:
                await self.uow.journal.post(stock)


def balanced_pairs(signed: Mapping[A, int]) -> list[tuple[A, A, int]]:
    """Accounts' amounts (debit above zero, credit below; they add up to zero) as the (debit,
    credit, amount) pairs an entry is made of, each account on one side only."""
    credits = [(account, -amount) for account, amount in signed.items() if amount < 0]
    pairs: list[tuple[A, A, int]] = []
    at, left = 0, credits[0][1] if credits else 0
    for account, amount in signed.items():
        while amount > 0 and at < len(credits):
            take = min(amount, left)
            pairs.append((account, credits[at][0], take))
            amount, left = amount - take, left - take
            if not left:
                at += 1
                left = credits[at][1] if at < len(credits) else 0
    return pairs
