"""Stock's books: what a unit costs (``UnitCosts``), and goods shipped, brought in or lost booked at that cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.accounting import Account
from domain.fx import Rates
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import book, in_base
from domain.usecases.fx import shop_rates

A = Account
# A memo's note on units moved whose cost is in a currency the shop has no rate for: not booked.
UNRATED = N_("no {currency} rate yet for {skus}: not valued")


# LOCK ORDER, a currency's rate (``uow.fx.lock``): stock costed in a currency without a rate is valued at nothing until
# the first ``/fx`` rate, which brings in the units it finds on hand (``domain.usecases.rate_changes``). A move of such
# stock (a purchase order's receipt, /receive, a stock file, a return restocked, a transfer, /adjust, a /count's
# differences, a short pick's or a packer's losses: ``book_losses``; a parcel shipped, an order handed over:
# ``book_cost_of_goods``) takes the lock of each currency it books at before it reads the rates: the rate then either
# waits for the move and finds its units, or is read by it (the move waited), never neither (the units never came in)
# nor both (they came in twice). ``/fx`` takes its currency's lock first and no other lock after it; every other holder
# takes it after every row it locks (its counters, orders, purchase order, return, backorders filled; a count's planning
# lock, stock rows, orders and carts given way; a short's order, round, backorder and allocations moved; a shipment's
# order, parcel, allocations, bins, demand, payment and status), the currencies in alphabetical order, and then only
# books and writes the outbox: holding a rate while waiting for a row another holder took before its rate deadlocked
# the two.
async def hold_rates(uow: UnitOfWork, currencies: Iterable[str]) -> None:
    """The locks of these currencies but the base, in the lock order above (taken last, before the rates are read)."""
    for currency in sorted(set(currencies) - {uow.base_currency}):
        await uow.fx.lock(currency)


def _few(skus: set[str]) -> str:
    return ", ".join(sorted(skus)[:5]) + (f" and {len(skus) - 5} more" if len(skus) > 5 else "")


class UnitCosts:
    """What a unit of a product costs at a warehouse: its supplier terms there, else the
    cost the catalog gives the product (the products file's ``cost``), else the last price
    it was bought at (``received``: the purchase order line it was last received on there,
    else at any warehouse), else unknown. Each in its own currency: converted to the base
    at today's rate where used, as a purchase order's receipt is."""

    def __init__(
        self,
        terms: dict[tuple[int, int], Money],
        catalog: dict[int, Money],
        received: Iterable[tuple[int, int, Money]] = (),
    ) -> None:
        self.terms, self.catalog = terms, catalog
        self.received: dict[tuple[int, int], Money] = {}
        self.received_anywhere: dict[int, Money] = {}
        for product_id, warehouse_id, cost in received:  # the latest first: the first seen stays
            self.received.setdefault((product_id, warehouse_id), cost)
            self.received_anywhere.setdefault(product_id, cost)

    def get(self, key: tuple[int, int]) -> Money | None:
        for found in (self.terms.get(key), self.catalog.get(key[0]), self.received.get(key)):
            if found is not None:
                return found
        return self.received_anywhere.get(key[0])


async def supply_costs(uow: UnitOfWork, product_ids: Iterable[int]) -> UnitCosts:
    """Unit costs of these products: read once per posting or report (purchase orders only
    for the products without a catalog cost: terms are per warehouse, so they may lack some)."""
    ids = sorted(set(product_ids))
    terms = {(t.product_id, t.warehouse_id): t.unit_cost for t in await uow.purchasing.terms(ids)}
    products = await uow.products.get_many(ids)
    catalog = {p.id: p.cost for p in products if p.id is not None and p.cost is not None}
    uncosted = [product_id for product_id in ids if product_id not in catalog]
    received = await uow.purchasing.last_received_costs(uncosted) if uncosted else []
    return UnitCosts(terms, catalog, received)


async def cost_in_base(uow: UnitOfWork, cost: Money, units: int, rates: Rates | None = None) -> tuple[Money, str]:
    """``units`` at the unit ``cost`` in the base currency: the unit cost converted, then times
    the units, as the stock value counts them (``reports.converted_positions``), so stock moved
    in any steps leaves inventory at exactly the value of the units left (converting each
    move's total would round apart from it)."""
    unit, rate = await in_base(uow, cost, rates=rates)
    return unit * units, rate


async def book_cost_of_goods(
    uow: UnitOfWork, order: Order, quantities: dict[tuple[int, int], int], at: datetime
) -> None:
    """Shipment: cost of goods sold against inventory. ``quantities`` per (product, warehouse). The transaction's last
    rows: the costs' currencies are held (``hold_rates``) before the rates are read, so a first rate set at once takes
    the units gone out exactly once."""
    unknown: list[str] = []
    unrated: dict[str, list[str]] = {}
    costs = await supply_costs(uow, [product_id for product_id, _ in quantities])
    await hold_rates(uow, (cost.currency for place in quantities if (cost := costs.get(place)) is not None))
    rates: Rates | None = None  # read once, and only when some cost is in another currency
    by_currency: dict[str, Money] = {}
    for (product_id, warehouse_id), quantity in quantities.items():
        cost = costs.get((product_id, warehouse_id))
        if cost is None:
            unknown.append(_sku_of(order, product_id))
            continue
        if cost.currency != uow.base_currency and rates is None:
            rates = await shop_rates(uow)
        line_cost, _ = await cost_in_base(uow, cost, quantity, rates=rates)
        if line_cost.currency != uow.base_currency:
            # No rate for the cost's currency: the stock value counted these units at nothing and
            # inventory never took them in (the first rate brings in only those still on hand).
            unrated.setdefault(cost.currency, []).append(_sku_of(order, product_id))
            continue
        by_currency[line_cost.currency] = by_currency.get(line_cost.currency, line_cost * 0) + line_cost
    memo = Memo.of(N_("shipment {code}"), code=order.code)
    if unknown:
        memo = memo.note(N_("no cost known for {skus}"), skus=", ".join(unknown))
    for currency, skus in sorted(unrated.items()):
        memo = memo.note(UNRATED, currency=currency, skus=", ".join(skus))
    for total in by_currency.values():
        await book(uow, at, f"order:{order.code}", memo, total, A.COGS, A.INVENTORY)


def _sku_of(order: Order, product_id: int) -> str:
    return next((line.sku for line in order.lines if line.product_id == product_id), str(product_id))


async def book_stock_change(
    uow: UnitOfWork, at: datetime, source: str, memo: Memo, place: tuple[int, int], change: int, *, last: bool = False
) -> str | None:
    """Units of one product in (``change`` above zero) or lost (below) at a warehouse
    (``place``): see ``book_stock_changes``. None when booked; else why not: "" when the product
    has no cost to book at, the currency of its cost when that currency has no rate yet."""
    return (await book_stock_changes(uow, at, source, memo, {place: change}, last=last)).get(place[0])


async def book_stock_changes(
    uow: UnitOfWork,
    at: datetime,
    source: str,
    memo: Memo,
    changes: Mapping[tuple[int, int], int],
    skus: Mapping[int, str] | None = None,
    *,
    last: bool = False,
) -> dict[int, str]:
    """Stock that came or went without a purchase order, per (product, warehouse): units in
    (goods-in, an import, a count finding more) are inventory against 3000 at the supply cost,
    as the stock value counts them; units lost are write-offs against inventory. A product
    without a cost posts nothing, and the memo names it (by ``skus``); nor does one costed in a
    currency without a rate yet (the stock value counts it at nothing; the first rate brings in
    what is on hand then, ``rate_changes``). Returns those products: each with "" (no cost) or
    its cost's currency (no rate). ``last``: the transaction locks nothing after this, so the costs' currencies are
    held before the rates are read (``hold_rates``): a first rate set at once brings these units in exactly once."""
    moved = {place: change for place, change in changes.items() if change}  # a count: most rows agree
    if not moved:
        return {}
    costs = await supply_costs(uow, [product_id for product_id, _ in moved])
    if last:
        await hold_rates(uow, (cost.currency for place in moved if (cost := costs.get(place)) is not None))
    gained: dict[str, Money] = {}
    lost: dict[str, Money] = {}
    unknown: set[str] = set()  # a product without a cost at two warehouses is named once
    unrated: dict[str, set[str]] = {}
    not_booked: dict[int, str] = {}
    rates: Rates | None = None  # read once, and only when some cost is in another currency
    for place, change in moved.items():
        cost = costs.get(place)
        if cost is None:
            unknown.add((skus or {}).get(place[0], str(place[0])))
            not_booked[place[0]] = ""
            continue
        if cost.currency != uow.base_currency and rates is None:
            rates = await shop_rates(uow)
        value, _ = await cost_in_base(uow, cost, abs(change), rates)
        if value.currency != uow.base_currency:  # the stock value counts it at nothing until the first rate
            unrated.setdefault(cost.currency, set()).add((skus or {}).get(place[0], str(place[0])))
            not_booked[place[0]] = cost.currency
            continue
        side = gained if change > 0 else lost
        side[value.currency] = side.get(value.currency, value * 0) + value
    if unknown:
        memo = memo.note(N_("no cost known for {skus}"), skus=_few(unknown))
    for currency, named in sorted(unrated.items()):
        memo = memo.note(UNRATED, currency=currency, skus=_few(named))
    for total in gained.values():
        await book(uow, at, source, memo, total, A.INVENTORY, A.STOCK_WITHOUT_ORDER)
    for total in lost.values():
        await book(uow, at, source, memo, total, A.WRITE_OFFS, A.INVENTORY)
    return not_booked


@dataclass(frozen=True, slots=True)
class Loss:
    """Units gone from a warehouse's bin (``place``: product and warehouse), counted off already, their write-off
    booked last by ``book_losses``."""

    at: datetime
    source: str
    memo: Memo
    place: tuple[int, int]
    units: int


async def book_losses(uow: UnitOfWork, losses: Iterable[Loss]) -> None:
    """Write-offs of units lost (a short pick's, a packer's), booked as the transaction's last rows: every currency
    they are costed in held at once, in the lock order (``hold_rates``), before the rates are read; held one loss at a
    time, two warehouses' costs in two currencies were taken out of order."""
    losses = list(losses)
    if not losses:
        return
    costs = await supply_costs(uow, [loss.place[0] for loss in losses])
    await hold_rates(uow, (cost.currency for loss in losses if (cost := costs.get(loss.place)) is not None))
    for loss in losses:
        await book_stock_change(uow, loss.at, loss.source, loss.memo, loss.place, -loss.units)
