"""A business's invoices: when one is due, what its unpaid ones come to, and its credit limit kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.accounting import to_base
from domain.customers import CreditLimitExceeded, Customer
from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.payments import invoice_owed
from domain.ports import UnitOfWork
from domain.tax_numbers import as_placed

if TYPE_CHECKING:  # (checkout imports this module)
    from domain.usecases.checkout import CheckoutPolicy


async def number_invoice(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """The added order's invoice is issued: it takes the next number of the shop's gapless invoice
    sequence, in the transaction that books the sale on account, and is kept as issued (its lines, tax,
    totals, due date and buyer), which its PDF prints whatever the order becomes. Taken after every other lock the
    transaction takes (ARCHITECTURE.md, "Lock order"), so a placement holding it waits for no one."""
    order.invoice_number = await uow.orders.number_invoice(order.id or 0)
    customer = await uow.customers.get(order.customer_id)  # made out to them, as they were named then
    buyer = customer.display_name if customer is not None else ""
    tax_number = as_placed(order.buyer_tax_number, customer.tax_number if customer is not None else None)
    await uow.orders.keep_invoice(IssuedInvoice.of(order, buyer, tax_number or "", at))


def invoice_days(customer: Customer, policy: CheckoutPolicy) -> int:
    """A business's own payment terms, else the shop's."""
    return policy.invoice_net_days if customer.payment_terms_days is None else customer.payment_terms_days


def invoice_due_date(now: datetime, policy: CheckoutPolicy, customer: Customer) -> date:
    return (now.astimezone(ZoneInfo(policy.timezone)) + timedelta(days=invoice_days(customer, policy))).date()


async def unpaid_invoices(uow: UnitOfWork, customer_id: int) -> int:
    """What a customer's invoices not yet paid come to, in base-currency minor units (each
    order converted at its own rate)."""
    orders, _ = await uow.orders.for_customer(customer_id, 0, 10_000)
    invoices = [
        o for o in orders if o.payment_method is PaymentMethod.INVOICE and o.status is not OrderStatus.CANCELLED
    ]
    payments = await uow.payments.for_orders([o.id or 0 for o in invoices])
    return sum(
        max(to_base(invoice_owed(o.total, payments.get(o.id or 0, [])), o.fx_rate, uow.base_currency), 0)
        for o in invoices
    )


async def check_credit(uow: UnitOfWork, customer: Customer, order: Order) -> None:
    """Inside the order's transaction: an invoice order must not take the customer's unpaid
    invoices over their credit limit (all in the base currency)."""
    if customer.credit_limit is None or order.payment_method is not PaymentMethod.INVOICE:
        return
    # Writing the customer's row first makes a concurrent invoice order of theirs (another
    # channel, another process) wait for this one's commit on PostgreSQL, so the two cannot
    # both see room under the limit. SQLite's write transactions are serialized already.
    await uow.customers.update(customer)
    over = _over_limit(
        customer, await unpaid_invoices(uow, customer.id or 0), order.total, order.fx_rate, uow.base_currency
    )
    if over is not None:
        raise over


async def invoice_over_limit(
    uow: UnitOfWork, customer: Customer, total: Money, fx_rate: str
) -> CreditLimitExceeded | None:
    """Before the payment is chosen: the refusal an invoice for ``total`` (the order's currency, at ``fx_rate``)
    would meet at Confirm, as ``check_credit`` decides it (None: it fits, or there is no limit), so checkout
    does not offer an invoice it would refuse. Confirm checks again, under the customer's lock."""
    (over,) = await invoices_over_limit(uow, customer, [total], fx_rate)
    return over


async def invoices_over_limit(
    uow: UnitOfWork, customer: Customer, totals: Sequence[Money], fx_rate: str
) -> list[CreditLimitExceeded | None]:
    """``invoice_over_limit`` for each of ``totals`` (what the order comes to by each way it may be delivered, as
    the Mini App's checkout offers them all at once), the unpaid invoices read once."""
    if customer.credit_limit is None or customer.id is None:
        return [None for _ in totals]
    async with uow.read_only():
        unpaid = await unpaid_invoices(uow, customer.id)
    return [_over_limit(customer, unpaid, total, fx_rate, uow.base_currency) for total in totals]


def _over_limit(customer: Customer, unpaid: int, total: Money, fx_rate: str, base: str) -> CreditLimitExceeded | None:
    """``unpaid`` (base minor units) and ``total`` together over the customer's credit limit: why, else None."""
    if customer.credit_limit is None or unpaid + to_base(total, fx_rate, base) <= customer.credit_limit:
        return None
    return CreditLimitExceeded(total=total, open=Money(unpaid, base), limit=Money(customer.credit_limit, base))
