"""An edit's difference in money booked: the refund owed, the credit or debit note, the tax given back."""

from __future__ import annotations

from datetime import datetime

from domain.accounting import Account, to_base
from domain.credit_notes import ORDER_CHANGED, Issued, credit_note_memo, issued, link
from domain.debit_notes import debit_note_memo
from domain.editing import Settlement
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order
from domain.payments import Payment, PaymentKind
from domain.ports import UnitOfWork
from domain.usecases.bookkeeping import book_difference, book_discount_change, book_refund, tax_held, tax_step
from domain.usecases.credit_notes import credit_invoice, debit_invoice


async def settle_edit(
    uow: UnitOfWork, order: Order, settlement: Settlement, now: datetime, owed: Money, before: Order
) -> tuple[list[Issued], list[Issued]]:
    """A charge is booked when it is paid (``record_difference_payment``); the rest now. ``owed``:
    what an invoice asked before the edit. The tax taken back is what the order held before
    (``before``) less what it holds now, so edits one unit at a time take back exactly the tax
    the sale booked on what they took off (each refund's tax rounded apart drifted a penny).
    The credit note of what is owed back and taken off the invoice (``invoice_reduction``), or the debit note of
    what a numbered invoice rose by (``invoice_rise``), if any."""
    source = f"order:{order.code}"
    refund, note = settlement.refund, settlement.credit_note
    (refund_shipping, refund_shipping_tax, refund_tax), (note_shipping, note_shipping_tax, note_tax) = _fall_parts(
        before, order, refund, note
    )
    refund_tax_base, note_tax_base = _fall_tax_in_base(
        uow.base_currency, before, order, refund, (note_shipping, note_shipping_tax, note_tax)
    )
    if settlement.emptied and not note.amount:  # all that was paid goes back: the tax the books still hold
        held, refund_tax_base = await tax_held(uow, order)
        refund_shipping, refund_shipping_tax, refund_tax = None, None, held
    # What is owed back and what the invoice no longer asks: one credit note of all it fell by, issued before either
    # part is booked so that it keeps the tax each takes back (``credited_tax``), its rows linked to it.
    credited = await credit_invoice(uow, order, refund, note, ORDER_CHANGED, now)
    notes = issued(order.code, credited)
    if refund.amount:
        memo = Memo.of(N_("{code} edited"), code=order.code).within(N_("refund owed, {rest}"))
        await book_refund(
            uow,
            order,
            refund,
            now,
            source=source,
            memo=memo,
            shipping=refund_shipping,
            goods_tax=refund_tax,
            shipping_tax=refund_shipping_tax,
            tax_in_base=refund_tax_base if refund_tax is not None else None,
            note=credited,
        )
        kind, method = PaymentKind.REFUND_OWED, order.payment_method.value
        await uow.payments.add(Payment(order.id or 0, kind, method, refund, now, credit_note_id=link(credited)))
    if note.amount:
        memo = credit_note_memo(Memo.of(N_("invoice {code} edited"), code=order.code), notes)
        await book_refund(
            uow,
            order,
            note,
            now,
            source=source,
            memo=memo,
            credit=Account.RECEIVABLE,
            owed_before=owed,
            shipping=note_shipping,
            goods_tax=note_tax,
            shipping_tax=note_shipping_tax,
            tax_in_base=note_tax_base if note_tax is not None else None,
            note=credited,
        )
    if refund.amount or note.amount or settlement.emptied:  # units back at list price, even with no money
        await book_discount_change(uow, order, now, Memo.of(N_("discount of {code} edited"), code=order.code))
    debits: list[Issued] = []
    if settlement.receivable.amount:
        more = settlement.receivable
        # Its document first, as a credit note's is taken before the fall is booked, so the entry names it.
        debited = await debit_invoice(uow, order, more, now, free_before=before.no_charge_replacement)
        debits = [] if debited is None else [(order.code, debited.number)]
        memo = debit_note_memo(Memo.of(N_("invoice {code} edited: more sold"), code=order.code), debits)
        taxed = before.tax if more == order.total - before.total else None  # the whole rise on account: its tax before
        await book_difference(
            uow, order, more, now, debit=Account.RECEIVABLE, memo=memo, owed_before=owed, tax_before=taxed, note=debited
        )
    return notes, debits


Part = tuple[Money | None, Money | None, Money | None]  # of a fall given back: shipping, its tax, the goods' tax


def _fall_parts(before: Order, order: Order, refund: Money, note: Money) -> tuple[Part, Part]:
    """How an edit's fall, given back as a refund owed and/or a credit note, is booked: the
    shipping it no longer charges (a lighter parcel, a pickup instead) takes back shipping
    income, the refund's first, not sales (it went to sales returns); and the tax given back
    is what the order held before less what it holds now, on the shipping as on the goods, so
    edits one unit at a time take back exactly the tax the sale booked on what they took off.
    Not the whole fall: as before."""
    if refund + note != before.total - order.total:
        return (None, None, None), (None, None, None)
    zero = Money.zero(order.currency)
    shipped_before, shipped = before.shipping or zero, order.shipping or zero
    fallen = shipped_before - shipped if shipped < shipped_before else zero
    refund_shipping = fallen if fallen < refund else refund
    note_shipping = fallen - refund_shipping if fallen - refund_shipping < note else note
    shipping_tax = before.included_tax(shipped_before) - order.included_tax(shipped)
    note_shipping_tax = shipping_tax if not refund_shipping.amount else order.included_tax(note_shipping)
    refund_shipping_tax = shipping_tax - note_shipping_tax
    tax = before.tax - order.tax
    note_tax = tax if not refund.amount else order.included_tax(note)
    refund_tax = tax - note_tax
    return (
        (refund_shipping, refund_shipping_tax, refund_tax - refund_shipping_tax),
        (note_shipping, note_shipping_tax, note_tax - note_shipping_tax),
    )


def _fall_tax_in_base(base: str, before: Order, order: Order, refund: Money, note: Part) -> tuple[int, int]:
    """The tax a fall takes back in the base currency, the refund's and the credit note's: what
    the order held before converted less what it holds now converted, as its books hold them (the
    difference converted on its own could leave a unit in 2200 on an order in another currency).
    The credit note's share is its own tax converted when a refund takes the rest."""
    whole = tax_step(before.tax, order.tax, order.fx_rate, base)
    if not refund.amount:
        return 0, whole
    _, note_shipping_tax, note_tax = note
    note_base = (
        to_base(note_tax + note_shipping_tax, order.fx_rate, base)
        if note_tax is not None and note_shipping_tax is not None
        else 0
    )
    return whole - note_base, note_base
