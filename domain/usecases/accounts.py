"""What managers ask the books: the journal for a period (CSV), the trial balance, and the
aging of what business customers owe."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.accounting import JournalEntry, aging_bucket
from domain.errors import DomainError
from domain.i18n import N_
from domain.issued_invoices import InvoiceNotes
from domain.money import Money
from domain.orders import Order, normalize_order_code
from domain.payments import invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.purchasing import PurchaseOrder, Supplier
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.usecases.staff import require
from domain.usecases.statements import notes_on

FAR_FUTURE = date(9999, 1, 1)
JOURNAL_PAGE = 2_000  # entries per page of a streamed export


async def journal(uow: UnitOfWork, *, start: datetime, end: datetime) -> list[JournalEntry]:
    """For the CLI export (no chat user behind it)."""
    async with uow.read_only():
        return await uow.journal.entries(start, end)


async def journal_for_staff(uow: UnitOfWork, *, staff_id: int, start: datetime, end: datetime) -> list[JournalEntry]:
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    return await journal(uow, start=start, end=end)


async def order_journal_for_staff(
    uow: UnitOfWork, *, staff_id: int, reference: str
) -> tuple[Order, list[JournalEntry]]:
    """``/journal CODE``: every entry of one order, its own (``order:CODE``) and its returns', whenever booked,
    and those of its exchanges' replacements (and theirs): units sent in exchange and not sent are owed back on
    the order they were paid on but booked under the replacement (``exchange_refunds``). The order named by its
    code, its invoice's number (INV-…), a credit note's (CN-…) or a debit note's (DN-…)."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow.read_only():
        order = await _order_named(uow, reference.strip())
        if order is None or order.id is None:
            raise NoSuchDocument(reference=reference.strip()[:40])
        return order, await uow.journal.of_sources(await _sources_of(uow, order))


async def _sources_of(uow: UnitOfWork, order: Order) -> list[str]:
    """``order:CODE`` and ``return:RMA`` of ``order``, its returns, and along its chain of replacements."""
    sources: list[str] = []
    seen: set[int] = set()
    pending = [order]
    while pending:
        current = pending.pop(0)
        if current.id is None or current.id in seen:
            continue
        seen.add(current.id)
        sources.append(f"order:{current.code}")
        for request in await uow.returns.for_order(current.id):
            sources.append(f"return:{request.rma_code}")
            made = request.replacement_order_id
            if made is not None and made not in seen and (replacement := await uow.orders.get_by_id(made)):
                pending.append(replacement)
    return sources


async def _order_named(uow: UnitOfWork, reference: str) -> Order | None:
    if number := document_number(reference, "INV"):
        return await uow.orders.get_by_invoice_number(number)
    if number := document_number(reference, "CN"):
        note = await uow.credit_notes.get_by_number(number)
        if note is not None:
            return await uow.orders.get_by_id(note.order_id)
    if number := document_number(reference, "DN"):
        debit = await uow.debit_notes.get_by_number(number)
        if debit is not None:
            return await uow.orders.get_by_id(debit.order_id)
    # An order's code may read as a note's number (CN234567): C and N are of its letters, as digits are.
    return await uow.orders.get_by_code(normalize_order_code(reference))


def document_number(reference: str, prefix: str) -> int | None:
    """42 of ``INV-000042`` (or ``inv-42``) with ``prefix`` INV; None when it is not one."""
    found = re.fullmatch(rf"{prefix}-?0*(\d{{1,9}})", reference.strip(), re.IGNORECASE)
    return int(found.group(1)) if found else None


class NoSuchDocument(DomainError):
    key = N_(
        "Nothing in the books is called {reference}: give an order code, an invoice number (INV-000001), a "
        "credit note number (CN-000001) or a debit note number (DN-000001)."
    )


async def journal_pages(
    uow: UnitOfWork, *, start: datetime, end: datetime, size: int = JOURNAL_PAGE
) -> AsyncIterator[list[JournalEntry]]:
    """The journal of a period in pages of ``size`` entries, in one read-only transaction:
    the CLI export streams years of entries in memory that does not grow with the period."""
    async with uow.read_only():
        after: tuple[datetime, int] | None = None
        while page := await uow.journal.entries(start, end, after=after, limit=size):
            yield page
            last = page[-1]
            assert last.id is not None
            after = (last.at, last.id)


@dataclass(frozen=True, slots=True)
class TrialBalance:
    rows: list[tuple[str, Money, Money]]  # account, debits, credits

    def totals(self) -> list[tuple[Money, Money]]:
        """Debits and credits per currency: equal when the books balance."""
        by_currency: dict[str, tuple[Money, Money]] = {}
        for _, debit, credit in self.rows:
            d, c = by_currency.get(debit.currency, (Money.zero(debit.currency), Money.zero(debit.currency)))
            by_currency[debit.currency] = (d + debit, c + credit)
        return [by_currency[k] for k in sorted(by_currency)]


async def trial_balance(uow: UnitOfWork, *, staff_id: int, until: datetime) -> TrialBalance:
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow.read_only():
        balances = await uow.journal.balances(until)
    return TrialBalance(
        [(account, Money(d, cur), Money(c, cur)) for (account, cur), (d, c) in sorted(balances.items())]
    )


@dataclass(frozen=True, slots=True)
class Receivable:
    order: Order
    owed: Money
    days_overdue: int
    bucket: str
    customer: str = ""  # whose it is, by name: whom to chase
    notes: InvoiceNotes = field(default_factory=InvoiceNotes)  # what changed its invoice since, named beside it


async def receivables(uow: UnitOfWork, clock: Clock, *, staff_id: int) -> list[Receivable]:
    """Open business invoices with how late they are (AR aging)."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    today = shop_day(clock.now(), uow.timezone)
    async with uow.read_only():
        found = await uow.jobs.unpaid_invoices(FAR_FUTURE)
        payments = await uow.payments.for_orders([order.id or 0 for order, _ in found])
        notes = await notes_on(uow, [order for order, _ in found])
        names: dict[int, str] = {}
        for customer_id in sorted({order.customer_id for order, _ in found}):  # the few businesses owing
            customer = await uow.customers.get(customer_id)
            names[customer_id] = customer.display_name if customer is not None else ""
        result = []
        for order, _ in found:
            due = order.invoice_due or today
            late = max((today - due).days, 0)
            owed = invoice_owed(order.total, payments[order.id or 0])
            noted = notes.get(order.id or 0, InvoiceNotes())
            result.append(Receivable(order, owed, late, aging_bucket(late), names[order.customer_id], noted))
    return sorted(result, key=lambda r: (-r.days_overdue, r.order.code))


async def payables(
    uow: UnitOfWork, *, staff_id: int, limit: int
) -> tuple[list[PurchaseOrder], int, dict[int, Supplier]]:
    """Purchase orders whose suppliers are owed for goods received (``/ap``), oldest first, at
    most ``limit``; how many there are in all; and their suppliers."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow.read_only():
        owing = await uow.purchasing.owing(limit)
        count = await uow.purchasing.owing_count() if len(owing) == limit else len(owing)
        suppliers = {s.id or 0: s for s in await uow.purchasing.suppliers()} if owing else {}
    return owing, count, suppliers
