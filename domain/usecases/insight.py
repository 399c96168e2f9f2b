"""Who the customers are, for staff: one customer's profile with their figures, the most
valuable customers, and simple segments (new, repeat, VIP, at risk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customers import Customer, is_email, is_telegram_id, normalize_phone
from domain.errors import DomainError, NotFound
from domain.money import Money
from domain.orders import Order, OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.returns import ReturnRequest
from domain.staff import Permission
from domain.usecases.invoice_terms import unpaid_invoices
from domain.usecases.staff import require

AT_RISK_AFTER = timedelta(days=90)  # no order for this long: at risk of leaving
NEW_FOR = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    customer: Customer
    orders: list[Order]
    returns: list[ReturnRequest]
    # per currency, orders not cancelled less the refunds they no longer earn and the cash never collected
    lifetime_value: list[Money]
    average_order: list[Money]
    last_order_at: datetime | None
    segments: list[str]
    invoice_days: int = 0  # a business's: when its invoices fall due
    unpaid_invoices: Money | None = None  # a business's, in the base currency
    credit_limit: Money | None = None


def segments_of(customer: Customer, orders: list[Order], now: datetime) -> list[str]:
    live = [o for o in orders if o.status is not OrderStatus.CANCELLED and o.created_at is not None]
    found = []
    if customer.is_vip:
        found.append("vip")
    if len(live) >= 2:
        found.append("repeat")
    elif customer.created_at is not None and now - customer.created_at <= NEW_FOR:
        found.append("new")
    last = max((o.created_at for o in live if o.created_at), default=None)
    if last is not None and now - last > AT_RISK_AFTER:
        found.append("at risk")
    return found


async def find_customer(uow: UnitOfWork, reference: str) -> Customer:
    """A Telegram id, an @username, a phone number, or an email address."""
    text = reference.strip()
    customer = None
    if is_email(text):  # before the username: "anna@example.com" is no one's username
        customer = await uow.customers.get_by_email(text)
    elif text.startswith("@"):
        customer = await uow.customers.get_by_username(text[1:])
    elif text.startswith("+") or (" " in text and any(ch.isdigit() for ch in text)):
        try:
            customer = await uow.customers.get_by_phone(normalize_phone(text))
        except DomainError:
            customer = None
    elif is_telegram_id(text):
        customer = await uow.customers.get_by_telegram_id(int(text))
    else:
        customer = await uow.customers.get_by_username(text)
    if customer is None or customer.id is None:
        raise NotFound()
    full = await uow.customers.get(customer.id)
    assert full is not None
    return full


async def customer_profile(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, reference: str, invoice_net_days: int = 14
) -> CustomerProfile:
    """``invoice_net_days``: the shop's payment terms, for a business without its own."""
    await require(uow, staff_id, Permission.VIEW_CUSTOMERS)
    async with uow.read_only():
        customer = await find_customer(uow, reference)
        orders, _ = await uow.orders.for_customer(customer.id or 0, 0, 1000)
        taken_off = await uow.orders.taken_off_for(customer.id or 0)
        returns = await uow.returns.for_customer(customer.id or 0)
        unpaid = (
            Money(await unpaid_invoices(uow, customer.id or 0), uow.base_currency) if customer.is_business else None
        )
        limit = Money(customer.credit_limit, uow.base_currency) if customer.credit_limit is not None else None
    live = [o for o in orders if o.status is not OrderStatus.CANCELLED]
    totals: dict[str, int] = {}
    counts: dict[str, int] = {}
    for order in live:
        # less the refunds it no longer earns and the cash never collected, as /top customers counts it
        worth = order.total.amount - taken_off.get(order.id or 0, 0)
        totals[order.currency] = totals.get(order.currency, 0) + worth
        counts[order.currency] = counts.get(order.currency, 0) + 1
    return CustomerProfile(
        customer,
        orders,
        returns,
        [Money(v, c) for c, v in sorted(totals.items())],
        [Money(totals[c], c).split(counts[c]) for c in sorted(totals)],
        max((o.created_at for o in live if o.created_at), default=None),
        segments_of(customer, orders, clock.now()),
        invoice_net_days if customer.payment_terms_days is None else customer.payment_terms_days,
        unpaid,
        limit,
    )


@dataclass(frozen=True, slots=True)
class RankedCustomer:
    customer: Customer
    value: Money  # orders less what they no longer earn: refunds owed, a cash order's parts given up
    orders: int


async def top_customers(uow: UnitOfWork, *, staff_id: int, limit: int = 10) -> list[RankedCustomer]:
    """The most valuable customers: what their orders came to, less refunds (per currency),
    ranked by what that is worth in the base currency at each order's rate."""
    await require(uow, staff_id, Permission.MANAGE_CUSTOMERS)
    async with uow.read_only():
        figures = await uow.orders.value_by_customer(limit, uow.base_currency)  # ranked: most valuable first
        ranked = []
        for customer_id, currency, value, count in figures:
            customer = await uow.customers.get(customer_id)
            if customer is not None:
                ranked.append(RankedCustomer(customer, Money(value, currency), count))
        return ranked
