"""Posting to the journal from the business events, inside their own transactions: a sale
booked at most once, whatever path it takes; a refund takes back the tax inside it.

Sales are booked at list price less tax, discounts against them in "4800 Sales discounts"
(contra-revenue), so sales net of discounts is what was charged without its tax. Sales taken
back (a return, an edit's fall, a cancellation) follow one convention: the units go to "4900
Sales returns" at list price and 4800 falls by the discount they no longer get
(``book_discount_change``, ``book_discount_back``), so 4800 holds the discount of what is kept.
Revenue is recognised when the money is earned: card payment, invoice issued (receivable), or
cash collected on delivery. Cost of goods leaves inventory at shipment at the supply cost
(``domain.usecases.stock_books``: terms, else the catalog cost, else the last purchase price;
products without any are booked at zero cost and said so in the memo)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from domain.accounting import Account, entry, to_base
from domain.credit_notes import CreditNote, credited_tax
from domain.debit_notes import DebitNote, debited_tax
from domain.errors import DomainError
from domain.fx import Rates
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order
from domain.payments import note_in_memo
from domain.ports import UnitOfWork
from domain.usecases.fx import shop_rates

A = Account


class BooksCurrencyChanged(DomainError):
    key = N_(
        "The journal is kept in {kept} and has entries; {wanted} as the base currency would mix two currencies "
        "in one journal."
    )


def books_currency_refused(kept: str | None, entries: int, currency: str) -> BooksCurrencyChanged | None:
    """Why ``currency`` may not become the base of a journal kept in ``kept`` with ``entries``."""
    if kept is not None and kept != currency and entries:
        return BooksCurrencyChanged(kept=kept, wanted=currency, entries=entries)
    return None


async def pin_books_currency(uow: UnitOfWork, currency: str) -> None:
    """The journal is kept in one currency, the base (``DEFAULT_CURRENCY``). The database
    remembers it: once entries exist, starting with another base currency is refused (it
    would silently add entries in a second currency); before any, the base may change."""
    async with uow:
        kept = await uow.journal.books_currency()
        if kept == currency:
            return
        refused = books_currency_refused(kept, await uow.journal.entry_count(), currency)
        if refused is not None:
            raise refused
        await uow.journal.keep_books_in(currency)  # a journal from before this check: its base is today's
        await uow.commit()


async def book_sale(uow: UnitOfWork, order: Order, at: datetime, *, debit: Account, memo: Memo) -> None:
    """Cash or receivable against sales, shipping income and the tax inside both, in the
    base currency at the order's own rate (see ``_in_parts``: the debit is the total
    converted whole, as its payment will be); ``memo`` says how it was paid."""
    shipping = order.shipping or Money.zero(order.currency)
    goods_tax, shipping_tax = order.included_tax(order.goods), order.included_tax(shipping)
    base = uow.base_currency
    credits = _in_parts(
        order.total,
        [
            (A.REVENUE, order.goods - goods_tax),
            (A.SHIPPING_INCOME, shipping - shipping_tax),
            (A.TAX_PAYABLE, goods_tax + shipping_tax),
        ],
        order.fx_rate,
        base,
    )
    # Tax is on the price paid, after discounts; the discount (without the tax it no longer
    # carries) is shown gross: sales at list price, and the discounts against them.
    given = discount_in_base(order, order.discount, base)
    pairs = [(debit, credit, amount) for credit, amount in credits] + [(A.DISCOUNTS, A.REVENUE, given)]
    memo = fx_note(memo, order.total, order.fx_rate, base)
    if order.promo_code:
        memo = memo.note(N_("code {code}"), code=order.promo_code)
    posted = entry(at, f"order:{order.code}", memo, base, *pairs)
    if posted is not None:
        await uow.journal.post(posted)


async def book_refund(
    uow: UnitOfWork,
    order: Order,
    refund: Money,
    at: datetime,
    *,
    source: str,
    memo: Memo,
    credit: Account = A.REFUNDS_PAYABLE,
    goods: Account = A.SALES_RETURNS,
    owed_before: Money | None = None,
    shipping: Money | None = None,
    goods_tax: Money | None = None,
    shipping_tax: Money | None = None,
    tax_in_base: int | None = None,
    shipping_in_base: int | None = None,
    note: CreditNote | None = None,
) -> None:
    """A refund owed: the sale it undoes (net, to sales returns, or ``goods``: 4950 for goodwill)
    and the tax inside it (back from tax payable, at the order's own tax rate) against refunds
    owed — or, for a credit note on an unpaid invoice, against the receivable — in the base
    currency at the order's own rate. As with a sale, the credit is the refund converted whole,
    as its payment will be;
    a credit note, what it takes off the invoice's ``owed_before`` (see ``_receivable_step``).
    ``shipping``, the part of the refund that is shipping never provided (a cancellation),
    takes back shipping income rather than counting as goods returned, each part's tax taken
    apart as the sale booked it. ``goods_tax`` and ``shipping_tax``, when given, are the tax inside
    each part (a return's or an edit's, taken so that an order's refunds take back exactly the tax
    its sale booked). ``tax_in_base``, when given, is that tax in the base currency as the books
    hold it (``tax_step``): an order in another currency takes back the tax its books hold, not
    the difference converted on its own, which could leave a unit in 2200. ``shipping_in_base``, likewise, the
    shipping income it takes back as the books hold it. ``note``: the credit note issued for it, which keeps the tax
    taken back here (``credited_tax``)."""
    base = uow.base_currency
    whole = _receivable_step(owed_before, -refund, order.fx_rate, base) if owed_before is not None else None
    carried = min(shipping, refund) if shipping is not None and shipping.amount > 0 else refund * 0
    goods_part = refund - carried
    if goods_tax is None or not 0 <= goods_tax.amount <= goods_part.amount:
        goods_tax = order.included_tax(goods_part)
    if shipping_tax is None or not 0 <= shipping_tax.amount <= carried.amount:
        shipping_tax = order.included_tax(carried)
    parts = [
        (goods, goods_part - goods_tax),
        (A.SHIPPING_INCOME, carried - shipping_tax),
        (A.TAX_PAYABLE, goods_tax + shipping_tax),
    ]
    fits = tax_in_base is not None and _fits(tax_in_base, refund, order.fx_rate, base)
    fixed = {A.TAX_PAYABLE: tax_in_base} if fits and tax_in_base is not None else {}
    if shipping_in_base is not None and _fits(shipping_in_base, carried, order.fx_rate, base):
        fixed[A.SHIPPING_INCOME] = shipping_in_base
    debits = _in_parts(refund, parts, order.fx_rate, base, whole, fixed)
    posted = entry(at, source, fx_note(memo, refund, order.fx_rate, base), base, *((d, credit, v) for d, v in debits))
    if posted is not None:
        await uow.journal.post(posted)
    if note is not None and note.id is not None:
        await uow.credit_notes.add_tax(note.id, credited_tax(order, goods_tax + shipping_tax, debits, base))


async def book_difference(
    uow: UnitOfWork,
    order: Order,
    amount: Money,
    at: datetime,
    *,
    debit: Account,
    memo: Memo,
    owed_before: Money | None = None,
    tax_before: Money | None = None,
    note: DebitNote | None = None,
) -> None:
    """More sold on an edited order (``amount``, tax inclusive): the debit (cash collected, or
    what it adds to the invoice's receivable, ``owed_before`` it) against sales and the tax
    inside, at the order's own rate. The tax is what the order holds now less what it held
    before the rise (``tax_before``; else what the order's books hold in 2200), so rises and
    falls one after another leave exactly the tax of what was finally sold (the tax of each
    difference rounded apart drifted a penny, and so did one estimated from the goods when the
    shipping changed with them). ``note``: the debit note issued for it, which keeps the tax added
    here (``debited_tax``)."""
    base, source = uow.base_currency, f"order:{order.code}"
    booked_tax = await uow.journal.credit_balance(source, A.TAX_PAYABLE.value, base)
    if tax_before is None:
        tax_before = _in_order_currency(booked_tax, order, base)
    else:
        booked_tax = to_base(tax_before, order.fx_rate, base)
    tax = order.tax - tax_before
    if not 0 <= tax.amount <= amount.amount:
        tax = order.included_tax(amount)
    # In the base currency, the tax the order holds now converted less what its books hold: read
    # back into the order's currency, the books' figure could be a unit off (148.74 ₽ for £1.48
    # booked from 148.24 ₽ at 100.50), and converting the difference on its own rounds apart.
    tax_base = to_base(order.tax, order.fx_rate, base) - booked_tax
    whole = _receivable_step(owed_before, amount, order.fx_rate, base) if owed_before is not None else None
    carried, shipping_base = await _shipping_rise(uow, order, source, amount - tax)
    parts = [(A.REVENUE, amount - tax - carried), (A.SHIPPING_INCOME, carried), (A.TAX_PAYABLE, tax)]
    fixed = {A.TAX_PAYABLE: tax_base} if _fits(tax_base, amount, order.fx_rate, base) else {}
    if shipping_base is not None and carried.amount:
        fixed[A.SHIPPING_INCOME] = shipping_base
    credits = _in_parts(amount, parts, order.fx_rate, base, whole, fixed)
    pairs = [(debit, credit, value) for credit, value in credits]
    # Sales at list price and the discount against them, as the sale booked them: an edit
    # that changed the discount moves 4800 by the change (it went to sales whole before).
    pairs.append(await _discount_change(uow, order, source, A.REVENUE))
    posted = entry(at, source, fx_note(memo, amount, order.fx_rate, base), base, *pairs)
    if posted is not None:
        await uow.journal.post(posted)
    if note is not None and note.id is not None:
        await uow.debit_notes.add_tax(note.id, debited_tax(order, tax, credits, base))


async def book_discount_change(
    uow: UnitOfWork, order: Order, at: datetime, memo: Memo, given: Money | None = None
) -> None:
    """Sales taken back by an edit's fall (fewer units, less off) or a cancellation: what it gave
    back went to sales returns at the price paid; they take the units back at list price and
    4800 moves by the discount's change, so 4800 holds what the order now gives off (``given``:
    the order's discount, nothing once it is cancelled). One convention for every way sales are
    taken back (a return does the same, ``book_discount_back``)."""
    source = f"order:{order.code}"
    pair = await _discount_change(uow, order, source, A.SALES_RETURNS, given)
    posted = entry(at, source, memo, uow.base_currency, pair)
    if posted is not None:
        await uow.journal.post(posted)


async def book_discount_back(uow: UnitOfWork, at: datetime, source: str, memo: Memo, amount: int) -> None:
    """A return's units taken back at list price: its refund went to sales returns at the price
    paid, and the discount they carried (``amount``, without its tax, in the base currency) moves
    from 4800 Sales discounts to sales returns, so 4800 holds the discount of what was kept."""
    pair = (A.SALES_RETURNS, A.DISCOUNTS, amount) if amount > 0 else (A.DISCOUNTS, A.SALES_RETURNS, -amount)
    posted = entry(at, source, memo, uow.base_currency, pair)
    if posted is not None:
        await uow.journal.post(posted)


async def book_dropped_discount(
    uow: UnitOfWork, order: Order, gone: Mapping[int, int], prior: Mapping[int, int], at: datetime, memo: Memo
) -> None:
    """Units dropped from an order (a short pick's part the customer gave up; product → units)
    taken back at list price, as a return takes them: their refund or credit note went to sales
    returns at the price paid, and the discount they carried (all dropped so far, ``gone``, less
    those before, ``prior``, so a line's drops add up to its discount) moves from 4800 to sales
    returns. Only once the sale booked its discount (cash on delivery books it at delivery), and
    not on a replacement, whose discount stays with the units kept (``book_discount_back``)."""
    source, base = f"order:{order.code}", uow.base_currency
    if "REPLACEMENT" in order.flags or await uow.journal.credit_balance(source, A.DISCOUNTS.value, base) >= 0:
        return
    back = discount_in_base(order, order.discount_of(gone), base)
    back -= discount_in_base(order, order.discount_of(prior), base)
    await book_discount_back(uow, at, source, memo, back)


async def _discount_change(
    uow: UnitOfWork, order: Order, source: str, sales: Account, given: Money | None = None
) -> tuple[A, A, int]:
    """The pair that takes 4800 Sales discounts to the order's discount now (``given``), against ``sales``."""
    base = uow.base_currency
    now = discount_in_base(order, order.discount if given is None else given, base)
    change = now + await uow.journal.credit_balance(source, A.DISCOUNTS.value, base)
    return (A.DISCOUNTS, sales, change) if change > 0 else (sales, A.DISCOUNTS, -change)


def discount_in_base(order: Order, discount: Money, base: str) -> int:
    """A discount of the order's, without the tax it no longer carries, in the base currency."""
    return to_base(discount - order.included_tax(discount), order.fx_rate, base)


async def _shipping_rise(uow: UnitOfWork, order: Order, source: str, net: Money) -> tuple[Money, int | None]:
    """Of a rise's ``net`` (without tax), the part that is shipping: what the order charges for
    shipping now, less its tax, over what its books already hold as shipping income (a pickup
    switched to a courier, a farther address). Booked as sales, it overstated sales and left
    shipping income short. With it, that rise in the base currency (the shipping converted less
    what the books hold) when it is the whole rise, else None."""
    base = uow.base_currency
    shipping = order.shipping or Money.zero(order.currency)
    held = await uow.journal.credit_balance(source, A.SHIPPING_INCOME.value, base)
    net_shipping = shipping - order.included_tax(shipping)
    rise = net_shipping - _in_order_currency(held, order, base)
    if rise.amount <= 0:
        return Money.zero(order.currency), None
    if rise <= net:
        return rise, to_base(net_shipping, order.fx_rate, base) - held
    return net, None


def _in_order_currency(booked: int, order: Order, base: str) -> Money:
    """A base-currency amount of an order's books, in the order's currency (at its own rate)."""
    held = Money(booked, base)
    if order.currency != base:
        held = Money.from_decimal(held.to_decimal() * Decimal(order.fx_rate), order.currency)
    return held


def _fits(part: int | None, whole: Money, fx_rate: str, base: str) -> bool:
    """A part given in the base currency that can be booked as it is: within the whole converted."""
    return part is not None and 0 <= part <= to_base(whole, fx_rate, base)


async def tax_held(uow: UnitOfWork, order: Order) -> tuple[Money, int]:
    """The tax the books hold for ``order`` (its own entries and its returns'): in its currency
    (at its own rate) and in the base currency. A refund that gives back all that was paid and
    kept (a goodwill refund took the rest) takes exactly this back, so 2200 holds nothing for an
    order its customer paid nothing for in the end (each part's tax rounded apart left a penny)."""
    base = uow.base_currency
    sources = [f"order:{order.code}"] + [f"return:{r.rma_code}" for r in await uow.returns.for_order(order.id or 0)]
    held = sum([await uow.journal.credit_balance(source, A.TAX_PAYABLE.value, base) for source in sources])
    return _in_order_currency(held, order, base), held


def tax_step(after: Money, before: Money, fx_rate: str, base: str) -> int:
    """What the tax held moves by in the base currency: each side converted, as booked."""
    return to_base(after, fx_rate, base) - to_base(before, fx_rate, base)


async def book_invoice_paid(
    uow: UnitOfWork,
    order: Order,
    paid: Money,
    owed_before: Money,
    at: datetime,
    memo: Memo | None = None,
    note: str = "",
) -> None:
    """A transfer against a business invoice that asked for ``owed_before`` (or a card charge
    against what a card order's customer owes, ``memo`` saying so): cash against the receivable
    by what it takes off it (``_receivable_step``), so paying in parts leaves nothing
    receivable, as paying whole does. ``note``, the payment's (a transfer's reference), is quoted
    in the memo, shortened: what the accountant matches the bank statement's line by."""
    base = uow.base_currency
    amount = _receivable_step(owed_before, -paid, order.fx_rate, base)
    if memo is None:
        whole = paid == owed_before
        memo = Memo.of(N_("invoice {code} paid") if whole else N_("invoice {code} paid in part"), code=order.code)
    if note:
        memo = memo.note(N_("note: {note}"), note=note_in_memo(note))
    posted = entry(
        at, f"order:{order.code}", fx_note(memo, paid, order.fx_rate, base), base, (A.CASH, A.RECEIVABLE, amount)
    )
    if posted is not None:
        await uow.journal.post(posted)


def _receivable_step(owed_before: Money, change: Money, fx_rate: str, base: str) -> int:
    """What a change moves an invoice's receivable by in the base currency: the owed amount
    converted after less before. Each change so booked, the receivable in the base currency is
    always the owed amount converted, and paying it leaves nothing: 889.44 RUB at 100.50 is
    8.85, less a credit note of 444.72 (4.43 on its own) leaves 444.72 to pay, 4.43, so the
    credit note takes 4.42 off."""
    return abs(to_base(owed_before + change, fx_rate, base) - to_base(owed_before, fx_rate, base))


def _in_parts(
    whole: Money,
    parts: list[tuple[Account, Money]],
    fx_rate: str,
    base: str,
    whole_base: int | None = None,
    fixed: Mapping[Account, int] | None = None,
) -> list[tuple[Account, int]]:
    """The parts of ``whole`` (an order's currency) in the base currency, adding up to ``whole``
    converted at once: what its payment, or the refund paid back, is booked at. Each part
    converted on its own could add up to a unit more or less (889.44 RUB at 100.50 is 8.85,
    its 741.20 net and 148.24 tax 7.38 and 1.48), which then stayed in the receivable or the
    refunds owed after they were settled; the largest part takes that unit. ``whole_base``,
    when given, is the base amount to add up to instead (a step of a receivable). ``fixed``:
    parts already known in the base currency (the tax the books hold), never adjusted."""
    fixed = fixed or {}
    converted = [
        (account, fixed[account] if account in fixed else to_base(money, fx_rate, base)) for account, money in parts
    ]
    free = [i for i, (account, _) in enumerate(converted) if account not in fixed] or list(range(len(converted)))
    targets = [to_base(whole, fx_rate, base)] if whole_base is None else [whole_base, to_base(whole, fx_rate, base)]
    for target in targets:  # a step that would take a part below zero (a unit's worth) is not taken
        left = target - sum(amount for _, amount in converted)
        if not left or not converted:
            return converted
        largest = max(free, key=lambda i: converted[i][1])
        if converted[largest][1] + left >= 0:
            converted[largest] = (converted[largest][0], converted[largest][1] + left)
            return converted
    return converted


def fx_note(memo: Memo, money: Money, fx_rate: str, base: str) -> Memo:
    """``memo``, noting the rate ``money`` was booked at when it is not in the base currency."""
    if money.currency == base:
        return memo
    return memo.note(N_("{money} at {rate} {pair}"), money=money, rate=fx_rate, pair=f"{money.currency}/{base}")


async def in_base(
    uow: UnitOfWork, money: Money, fx_rate: str | None = None, rates: Rates | None = None
) -> tuple[Money, str]:
    """``money`` in the base currency and the rate used: the given rate (an order's), else
    today's (``rates``, read when not given). Without any rate the amount stays in its own
    currency, and the trial balance (kept per currency) shows it apart rather than hiding it."""
    base = uow.base_currency
    if money.currency == base:
        return money, "1"
    if fx_rate is not None:
        return Money(to_base(money, fx_rate, base), base), fx_rate
    rates = rates or await shop_rates(uow)
    converted = rates.convert(money, base)
    return (converted, rates.rate_text(money.currency)) if converted is not None else (money, "")


async def book(
    uow: UnitOfWork,
    at: datetime,
    source: str,
    memo: Memo,
    money: Money,
    debit: Account,
    credit: Account,
    *,
    fx_rate: str | None = None,
) -> None:
    """One debit, one credit, in the base currency (see ``in_base`` for ``fx_rate``)."""
    amount, rate = await in_base(uow, money, fx_rate)
    posted = entry(
        at, source, fx_note(memo, money, rate, amount.currency), amount.currency, (debit, credit, amount.amount)
    )
    if posted is not None:
        await uow.journal.post(posted)


async def book_paid_back(
    uow: UnitOfWork, at: datetime, source: str, memo: Memo, money: Money, in_base: int, *, fx_rate: str
) -> None:
    """Refunds owed (``money``) paid back, booked at ``in_base``: what they were booked at in the
    base currency, which converting ``money`` whole could miss by a unit. Never at or below zero
    (a unit's worth against a total that is owed): then ``money`` converted whole."""
    base = uow.base_currency
    amount = in_base if in_base > 0 else to_base(money, fx_rate, base)
    posted = entry(at, source, fx_note(memo, money, fx_rate, base), base, (A.REFUNDS_PAYABLE, A.CASH, amount))
    if posted is not None:
        await uow.journal.post(posted)
