"""A business's statement of account: its invoices still open, what they come to and how late, and its credit left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.accounting import to_base
from domain.customers import Customer
from domain.errors import DomainError
from domain.i18n import N_
from domain.issued_invoices import InvoiceNotes
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.payments import PaymentKind, invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.shop import merge
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.usecases.insight import find_customer
from domain.usecases.staff import require


class NotABusiness(DomainError):
    key = N_("{name} is not a business customer: they pay as they order, with no invoices to state.")


MOST_ORDERS = 10_000  # read as the credit limit's check reads them (``invoice_terms.unpaid_invoices``)


@dataclass(frozen=True, slots=True)
class PaidPart:
    """Money received on an open invoice: the shop's day, the amount, and the note staff typed with it (a transfer's
    reference), which the business's accountant matches it by."""

    day: date
    amount: Money
    note: str = ""


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    order: Order
    owed: Money  # its total less what was paid and credited, in the order's currency
    days_overdue: int  # 0 until the day after it is due
    notes: InvoiceNotes = field(default_factory=InvoiceNotes)  # what changed its invoice since, named beside it
    paid: tuple[PaidPart, ...] = ()  # what was received on it so far, oldest first


@dataclass(frozen=True, slots=True)
class Statement:
    customer: Customer
    today: date  # the shop's day it is drawn up on
    invoices: list[OpenInvoice]  # the latest first: by how late, then by due date
    owed: list[Money]  # what the open invoices come to, a sum per currency
    overdue: list[Money]  # the part of it past due, per currency (none: nothing is late)
    credit_limit: Money | None  # in the base currency; None: no limit
    credit_left: Money | None  # the limit less every open invoice converted to the base currency
    shop_tax_number: str | None = None  # the shop's VAT number or ИНН, for the buyer's accountant
    shop_bank: str | None = None  # where to pay by transfer


def _per_currency(amounts: list[Money]) -> list[Money]:
    sums: dict[str, Money] = {}
    for amount in amounts:
        sums[amount.currency] = sums.get(amount.currency, Money.zero(amount.currency)) + amount
    return [sums[currency] for currency in sorted(sums)]


async def notes_on(uow: UnitOfWork, orders: list[Order]) -> dict[int, InvoiceNotes]:
    """The credit and debit notes of each numbered invoice among ``orders``, in two reads (one without notes: absent);
    an invoice issued before numbers is named by its order's code, with no notes beside it."""
    numbered = [order.id or 0 for order in orders if order.invoice_number is not None]
    credits, debits = await uow.credit_notes.for_orders(numbered), await uow.debit_notes.for_orders(numbered)
    return {
        order_id: InvoiceNotes(tuple(credits.get(order_id, [])), tuple(debits.get(order_id, [])))
        for order_id in credits.keys() | debits.keys()
    }


async def statement(uow: UnitOfWork, clock: Clock, *, customer: Customer) -> Statement:
    """The customer's open invoices, read in one transaction so the totals agree with the lines."""
    today = shop_day(clock.now(), uow.timezone)
    async with uow.read_only():
        orders, _ = await uow.orders.for_customer(customer.id or 0, 0, MOST_ORDERS)
        invoices = [
            o for o in orders if o.payment_method is PaymentMethod.INVOICE and o.status is not OrderStatus.CANCELLED
        ]
        payments = await uow.payments.for_orders([o.id or 0 for o in invoices])
        notes = await notes_on(uow, invoices)
        shop = merge(await uow.shop.identity(), "")
    open_invoices = []
    for order in invoices:
        made = payments.get(order.id or 0, [])
        owed = invoice_owed(order.total, made)
        if owed.amount > 0:
            late = max((today - (order.invoice_due or today)).days, 0)
            paid = tuple(
                PaidPart(shop_day(p.at, uow.timezone), p.amount, p.note)
                for p in sorted(made, key=lambda p: (p.at, p.id or 0))
                if p.kind is PaymentKind.PAYMENT
            )
            open_invoices.append(OpenInvoice(order, owed, late, notes.get(order.id or 0, InvoiceNotes()), paid))
    open_invoices.sort(key=lambda i: (-i.days_overdue, i.order.invoice_due or today, i.order.code))
    base = uow.base_currency
    in_base = sum(to_base(i.owed, i.order.fx_rate, base) for i in open_invoices)
    limit = None if customer.credit_limit is None else Money(customer.credit_limit, base)
    return Statement(
        customer,
        today,
        open_invoices,
        _per_currency([i.owed for i in open_invoices]),
        _per_currency([i.owed for i in open_invoices if i.days_overdue]),
        limit,
        None if limit is None else Money(max(limit.amount - in_base, 0), base),
        shop.tax_number,
        shop.bank,
    )


async def customer_statement(uow: UnitOfWork, clock: Clock, *, staff_id: int, reference: str) -> Statement:
    """``/ar CUSTOMER``: a business's statement as the business reads it, for the manager chasing it."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow.read_only():
        customer = await find_customer(uow, reference)
    if not customer.is_business:
        raise NotABusiness(name=customer.display_name[:64])
    return await statement(uow, clock, customer=customer)
