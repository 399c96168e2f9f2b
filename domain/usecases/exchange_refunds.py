"""What a replacement's units sent in exchange were paid, owed back when they will not be sent."""

from __future__ import annotations

from datetime import datetime

from domain.credit_notes import EXCHANGE_DIFFERENCE, Issued
from domain.editing import exchange_given_back
from domain.errors import NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import Order, OrderLine
from domain.payments import invoice_owed
from domain.ports import UnitOfWork
from domain.usecases.return_money import give_back


async def give_back_exchanged(
    uow: UnitOfWork, replacement: Order, before: list[OrderLine], after: list[OrderLine], now: datetime, cancelled: bool
) -> tuple[Money, list[Issued]]:
    """Units sent in exchange taken off a replacement (``before`` → ``after``; ``after`` empty: it
    was cancelled): what they were paid beyond what the replacement itself charged is owed back
    on the order they were returned from, where it was paid (and where the exchange's own
    difference is owed), so the replacement's amount due is not raised by it. What is owed
    (an unpaid invoice's part taken off it instead), and the credit note of all the invoice fell
    by (``invoice_reduction``), issued on the order it was paid on."""
    amount = Money(exchange_given_back(before, after), replacement.currency)
    if not amount.amount:
        return amount, []
    origin = await _origin(uow, replacement)
    if origin is None or origin.id is None:
        raise NotFound()
    # An unpaid invoice is taken down first (it was never paid, so nothing is owed for it), as a
    # return settles it.
    memo = Memo.of(
        N_("replacement {code} cancelled: units sent in exchange not sent")
        if cancelled
        else N_("replacement {code} edited: units sent in exchange not sent"),
        code=replacement.code,
    )
    source = f"order:{replacement.code}"
    owed, credit, notes = await give_back(
        uow, origin, amount, now, source=source, memo=memo, reason=EXCHANGE_DIFFERENCE
    )
    if credit.amount > 0:  # the customer hears what the invoice asks now, as after a return
        left = invoice_owed(origin.total, await uow.payments.for_order(origin.id))
        params = {"code": origin.code, "replacement": replacement.code, "credit_minor": credit.amount}
        params |= {"owed_minor": left.amount, "currency": origin.currency}
        if not owed.amount:  # no refund message to carry the note: this one does
            params["credit_notes"] = notes
        if (told := for_customer(await uow.customers.get(origin.customer_id), "invoice_reduced", params)) is not None:
            await uow.outbox.add(told, now)
    return owed, notes


async def lock_origin(uow: UnitOfWork, replacement: Order) -> None:
    """The order ``replacement`` was sent for, locked right after the replacement's own row and before any stock
    counter or document number (ARCHITECTURE.md, "Lock order"): a cancel or an edit may owe what its units were paid
    back on it, as an exchange of another of its returns takes it before the counters it reserves."""
    if "REPLACEMENT" in replacement.flags and (origin := await _origin(uow, replacement)) is not None:
        await uow.parcels.lock_order(origin.id or 0)


async def _origin(uow: UnitOfWork, replacement: Order) -> Order | None:
    returns = await uow.returns.for_customer(replacement.customer_id)
    made = [r for r in returns if r.replacement_order_id == replacement.id]
    return await uow.orders.get_by_id(made[0].order_id) if made else None
