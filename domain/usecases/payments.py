"""Telegram Payments: checking a pre-checkout query, recording a successful payment once."""

from __future__ import annotations

from domain.accounting import Account
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.money import Money
from domain.orders import Order, OrderStatus, PaymentMethod, normalize_order_code
from domain.payments import Payment, PaymentKind, amount_paid
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.bookkeeping import book, book_sale
from domain.usecases.orders import apply_transition
from domain.usecases.staff import require

INVOICE_PAYLOAD_PREFIX = "order:"


class PaymentRefused(DomainError):
    key = N_("This order cannot be paid any more. Please check /orders.")


class AmountChanged(DomainError):
    key = N_("The amount to pay has changed. Please open the order again.")


def invoice_payload(order: Order) -> str:
    return f"{INVOICE_PAYLOAD_PREFIX}{order.code}"


def order_code_from_payload(payload: str) -> str:
    if not payload.startswith(INVOICE_PAYLOAD_PREFIX):
        raise NotFound()
    return normalize_order_code(payload.removeprefix(INVOICE_PAYLOAD_PREFIX))


async def order_to_pay(uow: UnitOfWork, *, customer_id: int, code: str) -> Order:
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
    if order is None or order.customer_id != customer_id:
        raise NotFound()
    if order.status is not OrderStatus.AWAITING_PAYMENT:
        raise PaymentRefused()
    return order


async def check_pre_checkout(uow: UnitOfWork, *, payload: str, amount: int, currency: str) -> Order:
    """Telegram asks before charging: the order must still await payment with its stock
    allocated, for exactly this amount and currency."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(order_code_from_payload(payload))
        if order is None or order.status is not OrderStatus.AWAITING_PAYMENT:
            raise PaymentRefused()
        if not await uow.stock.order_reservations(order.id or 0):
            raise PaymentRefused()
    if Money(amount, currency) != order.total:
        raise AmountChanged()
    return order


async def record_card_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    payload: str,
    amount: int,
    currency: str,
    telegram_charge_id: str,
    provider_charge_id: str | None,
) -> tuple[Order, bool]:
    """Mark the order paid and ready to fulfil. Idempotent on the Telegram charge id:
    a redelivered update returns ``(order, False)`` and changes nothing."""
    async with uow:
        order = await uow.orders.get_by_code(order_code_from_payload(payload))
        if order is None:
            raise NotFound()
        paid = Payment(
            order.id or 0,
            PaymentKind.PAYMENT,
            PaymentMethod.CARD.value,
            Money(amount, currency),
            clock.now(),
            telegram_charge_id,
            provider_charge_id,
        )
        if not await uow.payments.add(paid):
            return order, False
        await book_sale(uow, order, paid.at, debit=Account.CASH, how="card")
        if order.status is OrderStatus.AWAITING_PAYMENT:
            await apply_transition(
                uow, order, OrderStatus.PAID, clock=clock, actor="system", reason=telegram_charge_id, notify=False
            )
            await apply_transition(uow, order, OrderStatus.ALLOCATED, clock=clock, actor="system", notify=False)
        await uow.commit()
        return order, True


async def record_invoice_payment(uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str) -> Order:
    """A business customer paid their invoice (bank transfer): staff record it; reminders stop."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        if order.payment_method is not PaymentMethod.INVOICE or order.status is OrderStatus.CANCELLED:
            raise NotAnInvoice(code=order.code)
        paid = amount_paid(await uow.payments.for_order(order.id), order.currency)
        if paid.amount >= order.total.amount:
            raise InvoiceAlreadyPaid(code=order.code)
        await uow.payments.add(
            Payment(order.id, PaymentKind.PAYMENT, PaymentMethod.INVOICE.value, order.total, clock.now())
        )
        await book(
            uow,
            clock.now(),
            f"order:{order.code}",
            f"invoice {order.code} paid",
            order.total,
            Account.CASH,
            Account.RECEIVABLE,
            fx_rate=order.fx_rate,
        )
        await uow.commit()
        return order


class NotAnInvoice(DomainError):
    key = N_("Order {code} is not an open invoice.")


class InvoiceAlreadyPaid(DomainError):
    key = N_("The invoice for order {code} is already paid.")
