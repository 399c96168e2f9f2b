"""An edited card order's difference paid by card: the invoice's payload, checked before the charge, recorded once."""

from __future__ import annotations

from domain.editing import balance_due, check_channel_paid
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.orders import Order, OrderStatus, normalize_order_code
from domain.payments import Payment, PaymentKind
from domain.ports import Clock, UnitOfWork
from domain.usecases.backorder_fill import charged_total
from domain.usecases.card_charges import book_balance_charge
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.editing import find_order
from domain.usecases.payments import record_duplicate, record_excess

EDIT_PAYLOAD_PREFIX = "edit:"


class NothingToPay(DomainError):
    key = N_("Nothing is left to pay on order {code}.")


class DifferenceChanged(DomainError):
    key = N_("Order {code} has changed since this invoice was sent. Please open the order again.")


def difference_payload(order: Order) -> str:
    """The invoice for a difference names the order's version: an edit after it was sent
    makes it unpayable (the amount may have changed)."""
    return f"{EDIT_PAYLOAD_PREFIX}{order.code}:{order.version}"


def _parse_payload(payload: str) -> tuple[str, int]:
    code, _, version = payload.removeprefix(EDIT_PAYLOAD_PREFIX).partition(":")
    if not payload.startswith(EDIT_PAYLOAD_PREFIX) or not version.isdecimal():
        raise NotFound()
    return normalize_order_code(code), int(version)


async def difference_to_pay(
    uow: UnitOfWork, *, code: str, customer_id: int, support: bool = True
) -> tuple[Order, Money]:
    """An edited, paid card order's difference still to pay; refused on an order another channel took payment for
    (a button sent before such a change was refused, an exchange's replacement of one): only that channel takes it."""
    async with uow.read_only():
        order = await find_order(uow, code, customer_id)
        due = balance_due(order, await uow.payments.for_order(order.id or 0), await charged_total(uow, order))
        paid_at = await paid_at_channel(uow, order)
    if order.status is OrderStatus.CANCELLED or order.status is OrderStatus.AWAITING_PAYMENT or due.amount <= 0:
        raise NothingToPay(code=order.code)
    check_channel_paid(order.code, paid_at, due, by_customer=True, support=support)
    return order, due


async def check_difference_pre_checkout(
    uow: UnitOfWork, *, payload: str, amount: int, currency: str, support: bool = True
) -> Order:
    code, version = _parse_payload(payload)
    async with uow.read_only():
        order = await uow.orders.get_by_code(code)
        if order is None or order.status is OrderStatus.CANCELLED:
            raise NothingToPay(code=code)
        due = balance_due(order, await uow.payments.for_order(order.id or 0), await charged_total(uow, order))
        paid_at = await paid_at_channel(uow, order)
    # An invoice sent before that rule: not charged.
    check_channel_paid(order.code, paid_at, due, by_customer=True, support=support)
    if order.version != version or Money(amount, currency) != due:
        raise DifferenceChanged(code=order.code)
    return order


async def record_difference_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    payload: str,
    amount: int,
    currency: str,
    telegram_charge_id: str,
    provider_charge_id: str | None,
) -> tuple[Order, bool]:
    """Recorded and booked once, whatever Telegram redelivers (keyed on the charge id)."""
    code, _ = _parse_payload(payload)
    async with uow:
        order = await uow.orders.get_by_code(code)
        if order is None or order.id is None:
            raise NotFound()
        money = Money(amount, currency)
        # One charge at a time per order (see ``record_card_payment``): the same difference
        # paid twice is recorded once, the second charge owed back. A lock, then the order as
        # it is now: writing back the flags read above undid a waiting part filled meanwhile.
        await uow.parcels.lock_order(order.id)
        order = await uow.orders.get_by_id(order.id) or order
        assert order.id is not None
        due = balance_due(order, await uow.payments.for_order(order.id), await charged_total(uow, order))
        if due.amount <= 0:
            if await record_duplicate(uow, clock, order, money, telegram_charge_id, provider_charge_id, None):
                await uow.commit()
            return order, False
        # An edit lowered the order after this invoice was sent (a rise still unpaid, then a fall): what it asks
        # now is the payment; the rest of the charge is money received too much, owed back as a duplicate is.
        taken = due if due < money else money
        paid = Payment(
            order.id or 0, PaymentKind.PAYMENT, "card", taken, clock.now(), telegram_charge_id, provider_charge_id
        )
        if not await uow.payments.add(paid):
            return order, False
        await book_balance_charge(
            uow, order, taken, paid.at, Memo.of(N_("edit of {code} paid (card)"), code=order.code)
        )
        if taken < money:
            await record_excess(uow, clock, order, money - taken, taken, provider_charge_id)
        await uow.commit()
        return order, True
