"""What a return or an exchange gives back: an unpaid invoice taken down first, the rest owed."""

from __future__ import annotations

from datetime import datetime

from domain.accounting import Account
from domain.credit_notes import Issued, credit_note_memo, issued, link
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order, PaymentMethod
from domain.payments import Payment, PaymentKind, invoice_owed, within_what_was_paid
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import book_refund, tax_held
from domain.usecases.credit_notes import credit_invoice


async def give_back(
    uow: UnitOfWork,
    order: Order,
    amount: Money,
    at: datetime,
    *,
    source: str,
    memo: Memo,
    reason: str,
    shipping: Money | None = None,
    goods_tax: Money | None = None,
    tax_in_base: int | None = None,
) -> tuple[Money, Money, list[Issued]]:
    """``amount`` given back on ``order``: what its business invoice still asks for is taken down
    by a credit note against the receivable (the customer never paid it, so nothing is owed to
    them for it), as a cancellation or a short pick settles it; the rest is a refund owed,
    booked. ``shipping``, the part of ``amount`` that is the order's shipping given back, comes
    off shipping income (the credit note's part first), not sales returns; ``goods_tax``, the tax
    inside the rest (the goods), is taken back whole, the owed part taking what the credit note's
    left of it; ``tax_in_base``, the whole tax in the base currency as the books hold it
    (``book_refund``), taken back as it is when no credit note takes a part. What is owed back
    (to be paid to the customer; after a goodwill refund, only from what it left) and what the
    credit note took off the invoice."""
    shipping = shipping if shipping is not None else amount * 0
    credit = asked = Money.zero(order.currency)
    if order.payment_method is PaymentMethod.INVOICE:
        asked = invoice_owed(order.total, await uow.payments.for_order(order.id or 0))
        credit = min(amount, asked)
    # A goodwill refund gave from what was paid: the rest is owed back only from what it left, and
    # the sales and tax it takes back are those of the money (the units' discount still moves).
    owed = within_what_was_paid(amount - credit, await uow.payments.for_order(order.id or 0))
    credited = await credit_invoice(uow, order, owed, credit, reason, at)
    notes, method = issued(order.code, credited), order.payment_method.value
    if credit.amount > 0:  # the invoice taken down, and below the refund owed: rows of the note, linked to it
        await uow.payments.add(
            Payment(order.id or 0, PaymentKind.CREDIT_NOTE, method, credit, at, credit_note_id=link(credited))
        )
        # Booked as the step it takes the invoice down by (as a short pick's credit note is), so
        # paying the rest clears the receivable in the base currency to the unit.
        await book_refund(
            uow,
            order,
            credit,
            at,
            source=source,
            memo=credit_note_memo(memo, notes),
            credit=Account.RECEIVABLE,
            owed_before=asked,
            shipping=min(shipping, credit),
            note=credited,
        )
        if goods_tax is not None:  # the credit note took the tax inside its goods; the rest is the owed part's
            goods_tax = max(goods_tax - order.included_tax(credit - min(shipping, credit)), goods_tax * 0)
    carried = shipping - min(shipping, credit)
    if owed != amount - credit:  # all that was paid is given back: the tax the books still hold
        held, tax_in_base = await tax_held(uow, order)
        goods_tax = held - order.included_tax(min(carried, owed))
    if owed.amount > 0:
        await uow.payments.add(
            Payment(order.id or 0, PaymentKind.REFUND_OWED, method, owed, at, credit_note_id=link(credited))
        )
        await book_refund(
            uow,
            order,
            owed,
            at,
            source=source,
            memo=memo.within(N_("refund owed, {rest}")),
            shipping=carried,
            goods_tax=goods_tax,
            tax_in_base=tax_in_base if credit.amount == 0 or owed != amount - credit else None,
            note=credited,
        )
    return owed, credit, notes
