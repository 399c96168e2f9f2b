"""Paying a purchase order's supplier (/po pay): the payable taken down against cash, exchange differences booked."""

from __future__ import annotations

from domain.accounting import Account, JournalEntry, entry
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money, allocated
from domain.ports import Clock, UnitOfWork
from domain.purchasing import (
    PO_PAYMENT_NOTE,
    PoNothingOwed,
    PoOverpayment,
    PoPayment,
    PoPaymentNotPositive,
    PurchaseOrder,
)
from domain.staff import Permission
from domain.usecases.bookkeeping import fx_note
from domain.usecases.fx import shop_rates
from domain.usecases.purchasing import load_po
from domain.usecases.staff import require

A = Account
MEMO_NOTE = 100  # characters of a payment's note kept in the journal's memo


async def pay_po(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, number: int, amount: str, note: str = ""
) -> PurchaseOrder:
    """A payment to the supplier (bank transfer, cash) for what a purchase order received:
    ``amount`` as typed, in the order's currency; a part of what is owed, or all of it, never
    more. Nothing received yet is nothing owed: no prepayments. Each payment is kept (when, how
    much, who, the note) for /po N and its PDF to list.

    Booked Dr 2000 Accounts payable / Cr 1000 Cash. In the base currency the payable is taken
    down by what the receipts put on, in proportion (the last payment takes exactly what is
    left), so the order's payable clears to zero; cash pays what the amount costs at today's
    rate. A rate that moved since the receipt parts the two: the difference is the exchange
    gain or loss, booked against "5500 Exchange gains and losses" (a realised difference on the
    payable, not a revaluation of stock)."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow:
        po = await load_po(uow, number, lock=True)  # two payments at once: the second reads the first's
        paid = Money.parse_typed(amount, po.currency)
        if paid.amount <= 0:
            raise PoPaymentNotPositive()
        owed = po.owed
        if owed.amount <= 0:
            raise PoNothingOwed(number=number, received=po.received_total, paid=po.paid)
        if owed < paid:
            raise PoOverpayment(number=number, owed=owed, amount=paid)
        po.paid_minor += paid.amount
        await uow.purchasing.save(po, f"staff:{staff_id}")
        kept = " ".join(note.split())[:PO_PAYMENT_NOTE]
        await uow.purchasing.add_payment(PoPayment(number, clock.now(), paid, staff_id, kept))
        said = f": {note.strip()[:MEMO_NOTE]}" if note.strip() else ""  # as typed, never translated
        memo = Memo.of(
            N_("PO {number} paid {paid}{note}") if paid == owed else N_("PO {number} paid in part {paid}{note}"),
            number=number,
            paid=paid,
            note=said,
        )
        await _book(uow, clock, po, paid, owed, memo)
        await uow.commit()
        return po


async def _book(uow: UnitOfWork, clock: Clock, po: PurchaseOrder, paid: Money, owed: Money, memo: Memo) -> None:
    """The payment in the journal: the payable it clears, the cash it took, the difference between them."""
    base, source, payable_account = uow.base_currency, f"po:{po.id}", A.PAYABLE.value
    # Received without a rate for its currency, the payable stayed in that currency (the trial
    # balance shows it apart): it is paid in it too.
    unconverted = await uow.journal.credit_balance(source, payable_account, po.currency)
    if po.currency == base:
        await _post(uow, entry(clock.now(), source, memo, base, (A.PAYABLE, A.CASH, paid.amount)))
        return
    # Receipts without a rate came before any with one (a rate is never taken away): the
    # oldest part, kept in the currency, is paid first, in it; the rest against the converted part.
    in_currency = min(max(unconverted, 0), paid.amount)
    await _post(uow, entry(clock.now(), source, memo, po.currency, (A.PAYABLE, A.CASH, in_currency)))
    rest, converted_owed = paid.amount - in_currency, owed.amount - max(unconverted, 0)
    if rest <= 0:
        return
    # The payable as the receipts converted it, less what payments took off it, cleared in
    # the share this payment is of what the converted receipts still owe (rounded, not down:
    # a penny short was booked as an exchange loss); the last payment takes what is left.
    payable = await uow.journal.credit_balance(source, payable_account, base)
    left, part = Money(converted_owed, po.currency), Money(rest, po.currency)
    cleared = allocated(Money(payable, base), left, part * 0, part).amount
    rates = await shop_rates(uow)
    cash = rates.convert(part, base)
    # What is left costs today what it was booked at: the rate has not moved, no difference to tell
    # (its parts converted apart could still differ by a penny). No rate today (none can be taken away;
    # kept for safety): none either.
    if cash is None or rates.convert(left, base) == Money(payable, base):
        cash = Money(cleared, base)
    memo = fx_note(memo, part, rates.rate_text(po.currency), base) if cash.amount != cleared else memo
    if cash.amount <= cleared:  # the currency fell: the supplier cost less than booked, a gain
        pairs = [(A.PAYABLE, A.CASH, cash.amount), (A.PAYABLE, A.EXCHANGE_DIFFERENCES, cleared - cash.amount)]
    else:  # it rose: the cash is more than the payable it clears, a loss
        pairs = [(A.PAYABLE, A.CASH, cleared), (A.EXCHANGE_DIFFERENCES, A.CASH, cash.amount - cleared)]
    await _post(uow, entry(clock.now(), source, memo, base, *pairs))


async def _post(uow: UnitOfWork, posted: JournalEntry | None) -> None:
    if posted is not None:
        await uow.journal.post(posted)
