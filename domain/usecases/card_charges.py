"""A card charge for less than its order asks (an invoice paid after an edit raised the order): booked as charged."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.accounting import Account
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import book_difference, book_invoice_paid, book_sale

A = Account


async def book_first_charge(uow: UnitOfWork, order: Order, charged: Money, due: Money, at: datetime) -> None:
    """An order's first card charge: its sale. A charge for less than is due (the invoice was
    sent before an edit raised the order, and paid after it) sells the order as it stands all
    the same, but only what was charged is cash: the rest is owed by the customer (1100) until
    the balance is paid (``book_balance_charge``). The whole order was booked as cash, and the
    balance paid later as cash again."""
    if not Money.zero(order.currency) < charged < due:
        await book_sale(uow, order, at, debit=A.CASH, memo=Memo.of(N_("sale {code} (card)"), code=order.code))
        return
    await book_sale(uow, order, at, debit=A.RECEIVABLE, memo=Memo.of(N_("sale {code} (card)"), code=order.code))
    memo = Memo.of(N_("card payment of {code}: {paid} of {total}"), code=order.code, paid=charged, total=order.total)
    await book_invoice_paid(uow, order, charged, order.total, at, memo=memo)


async def book_balance_charge(uow: UnitOfWork, order: Order, charged: Money, at: datetime, memo: Memo) -> None:
    """A card charge for an order's balance: first what the customer owes for the order as it
    was sold (``book_first_charge``'s receivable), then anything beyond it as more sold (an
    edit's rise, ``book_difference``)."""
    base, source = uow.base_currency, f"order:{order.code}"
    owed = -await uow.journal.credit_balance(source, A.RECEIVABLE.value, base)
    if owed <= 0:
        await book_difference(uow, order, charged, at, debit=A.CASH, memo=memo)
        return
    covered = Money(owed, base)  # what the books hold as owed, in the order's currency
    if order.currency != base:
        covered = Money.from_decimal(covered.to_decimal() * Decimal(order.fx_rate), order.currency)
    part = charged if charged < covered else covered
    await book_invoice_paid(uow, order, part, covered, at, memo=memo.within(N_("{rest}: the rest of its sale")))
    if part < charged:
        await book_difference(uow, order, charged - part, at, debit=A.CASH, memo=memo)
