"""A credit note or a debit note issued as its rule says (``domain.credit_notes.invoice_reduction``,
``domain.debit_notes.invoice_rise``), in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from domain.credit_notes import CreditNote, invoice_reduction
from domain.debit_notes import DebitNote, invoice_rise
from domain.money import Money
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.usecases.invoice_terms import number_invoice


async def credit_invoice(
    uow: UnitOfWork, order: Order, owed_back: Money, taken_off: Money, reason: str, at: datetime
) -> CreditNote | None:
    """The next numbered note for what ``order``'s invoice fell by: the part owed back and the part
    taken off what it still asked, one document; none when it fell by nothing. The payment rows of
    those parts are written with it linked (``domain.credit_notes.link``)."""
    amount = invoice_reduction(owed_back, taken_off)
    if amount.amount <= 0:
        return None
    return await uow.credit_notes.issue(order.id or 0, amount, reason, at)


async def debit_invoice(
    uow: UnitOfWork, order: Order, added: Money, at: datetime, *, free_before: bool = False
) -> DebitNote | None:
    """The next numbered debit note for what ``order``'s issued invoice rose by; none when it did not rise, or its
    invoice has no number (one issued before numbers, or none issued). A replacement that asked nothing before
    (``free_before``: a delivery note, ``Order.no_charge_replacement``) now sells something: its invoice is issued,
    numbered, for the rise, and no note. Taken after the order's locks, before the rise is booked (its entry keeps
    its tax in it, ``book_difference``): its counter is held until the transaction ends (ARCHITECTURE.md, "Lock
    order")."""
    if free_before and added.amount > 0:
        await number_invoice(uow, order, at)
        return None
    amount = invoice_rise(order.invoice_number is not None, added)
    if amount is None:
        return None
    return await uow.debit_notes.issue(order.id or 0, amount, at)
