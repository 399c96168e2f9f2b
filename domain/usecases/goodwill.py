"""A goodwill refund: money given back on an order that stands, with no return (a late delivery, a damaged box kept)."""

from __future__ import annotations

from domain.accounting import Account
from domain.credit_notes import MAX_REASON
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.issued_invoices import note_tax
from domain.memos import Memo
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import HistoryEntry, Order, normalize_order_code
from domain.payments import Payment, PaymentKind, paid_and_kept
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.text import without_direction_controls
from domain.usecases.bookkeeping import book_refund
from domain.usecases.staff import require

REASON_LIMIT = 200  # kept on the order's timeline and in the journal's memo
TIMELINE_MARK = "goodwill: "  # how its timeline entry's reason begins (the reason follows, for staff only)


class GoodwillNeedsReason(DomainError):
    key = N_(
        "Say why, for the timeline and the books: /refund CODE AMOUNT reason (e.g. /refund {code} 5 late delivery)."
    )


class GoodwillNotPositive(DomainError):
    key = N_("A goodwill refund is more than zero; nothing was recorded.")


class NothingToGiveBack(DomainError):
    key = N_("Order {code} has nothing paid that is not refunded already: there is nothing to give back.")


class GoodwillTooLarge(DomainError):
    key = N_(
        "At most {most} can be given back on order {code}: what was paid less what was refunded already. "
        "Nothing was recorded."
    )


def goodwill_reason(text: str) -> str:
    """The reason as kept: one line without direction controls (as other typed text, ``domain.text``),
    at most ``REASON_LIMIT`` characters."""
    return " ".join(without_direction_controls(text).split())[:REASON_LIMIT]


async def give_goodwill(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, amount_text: str, reason: str
) -> tuple[Order, Money]:
    """``/refund CODE AMOUNT reason``: ``AMOUNT`` of the order's currency owed back to its customer
    without a return, at most what was paid less what is refunded already. Recorded as owed back
    (a manager marks it paid from /order, as any refund owed), booked to goodwill (4950) and the
    tax inside it against refunds owed (2100), on the order's timeline with who gave it and why,
    and the customer told. Bad input, or more than may be given, changes nothing."""
    await require(uow, staff_id, Permission.RETURNS)
    why = goodwill_reason(reason)
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        if not why:
            raise GoodwillNeedsReason(code=order.code)
        amount = Money.parse_typed(amount_text, order.currency)
        if amount.amount <= 0:
            raise GoodwillNotPositive()
        # Two people giving at once: the second waits here, then sees the first's in what is left.
        await uow.parcels.lock_order(order.id)
        room = paid_and_kept(await uow.payments.for_order(order.id), order.currency)
        if room.amount <= 0:
            raise NothingToGiveBack(code=order.code)
        if amount > room:
            raise GoodwillTooLarge(code=order.code, most=room)
        now = clock.now()
        # The invoice is corrected by a document of its own, numbered in the shop's credit-note sequence: the
        # goodwill's row names it.
        note = await uow.credit_notes.issue(order.id, amount, why[:MAX_REASON], now)
        await uow.payments.add(Payment(order.id, PaymentKind.GOODWILL, "goodwill", amount, now, credit_note_id=note.id))
        memo = Memo.of(N_("goodwill refund owed, {code}: {why}"), code=order.code, why=why)
        memo = memo.note(N_("credit note {note}"), note=note.label)  # the entry names its document
        # Its share of the invoice's tax (``note_tax``), which its credit note keeps as booked (``credited_tax``).
        tax = note_tax(
            order, await uow.orders.issued_invoice(order.id), await uow.credit_notes.for_order(order.id), note
        )
        source = f"order:{order.code}"
        await book_refund(
            uow, order, amount, now, source=source, memo=memo, goods=Account.GOODWILL, goods_tax=tax, note=note
        )
        entry = HistoryEntry(now, f"staff:{staff_id}", order.status, order.status, TIMELINE_MARK + why, amount)
        await uow.orders.record_transition(order, entry)
        order.history.append(entry)
        params = {
            "code": order.code,
            "amount_minor": amount.amount,
            "currency": amount.currency,
            "credit_note": note.number,
        }
        if (told := for_customer(await uow.customers.get(order.customer_id), "order_goodwill", params)) is not None:
            await uow.outbox.add(told, now)
        await uow.commit()
        return order, amount
