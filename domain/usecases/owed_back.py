"""Staff confirm that what an order owes back (outside its returns) was paid to the customer."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.memos import Memo
from domain.money import Money
from domain.notifications import for_customer
from domain.orders import Order, normalize_order_code
from domain.owed_back import PAID_BACK, owed_back, owed_back_in_base
from domain.payments import Payment, PaymentKind
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.bookkeeping import book_paid_back
from domain.usecases.staff import require


class NothingOwedBack(DomainError):
    key = N_("Order {code} owes nothing back now: it was paid back already.")


class OwedBackChanged(DomainError):
    key = N_("What order {code} owes back is {amount} now: open it again with /order {code}.")


async def owed_back_on(uow: UnitOfWork, order: Order) -> Money:
    """Inside an open unit of work: what ``order`` still owes back outside its returns."""
    payments = await uow.payments.for_order(order.id or 0)
    return owed_back(order.currency, payments, await uow.returns.for_order(order.id or 0))


@dataclass(frozen=True, slots=True)
class OwedBackPage:
    """A page of the orders that owe their customers money back, each with what it owes."""

    entries: list[tuple[Order, Money]]
    page: int  # from 0; the last one when the page asked for is past the end
    pages: int
    total: int  # orders in all


async def owed_back_page(uow: UnitOfWork, *, staff_id: int, page: int, page_size: int) -> OwedBackPage:
    """What is owed back outside returns, order by order, oldest first (``/refunds``)."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow.read_only():
        ids, total = await uow.payments.owing(max(page, 0) * page_size, page_size)
        pages = max(-(-total // page_size), 1)
        if page >= pages:  # orders paid back since the button was made: the last page
            page = pages - 1
            ids, total = await uow.payments.owing(page * page_size, page_size)
        # The page's orders, payments and returns each in one read, however many orders it shows.
        orders, payments, returns = (
            await uow.orders.by_ids(ids),
            await uow.payments.for_orders(ids),
            await uow.returns.for_orders(ids),
        )
        entries = [
            (order, owed_back(order.currency, payments[order_id], returns[order_id]))
            for order_id in ids
            if (order := orders.get(order_id)) is not None
        ]
        return OwedBackPage(entries, max(page, 0), pages, total)


async def confirm_paid_back(
    uow: UnitOfWork, clock: Clock, *, staff_id: int, code: str, seen: int
) -> tuple[Order, Money]:
    """Staff paid back (card, cash, bank) the ``seen`` amount the order owed: recorded once,
    booked against refunds owed at the order's rate, the customer told. Refused when nothing is
    owed any more (paid back meanwhile) or the amount is no longer what staff saw."""
    await require(uow, staff_id, Permission.RECORD_PAYMENTS)
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        # Two staff (or a double tap) at once: the second waits here, then finds it paid back.
        await uow.parcels.lock_order(order.id)
        payments = await uow.payments.for_order(order.id)
        returns = await uow.returns.for_order(order.id)
        owed = owed_back(order.currency, payments, returns)
        if owed.amount <= 0:
            raise NothingOwedBack(code=order.code)
        if owed.amount != seen:
            raise OwedBackChanged(code=order.code, amount=owed)
        now = clock.now()
        await uow.payments.add(Payment(order.id, PaymentKind.REFUNDED, PAID_BACK, owed, now))
        memo = Memo.of(N_("refund paid, order {code}"), code=order.code)
        # What the refunds owed were booked at, not the total converted anew: 2100 ends at zero.
        in_base = owed_back_in_base(payments, returns, order.fx_rate, uow.base_currency)
        await book_paid_back(uow, now, f"order:{order.code}", memo, owed, in_base, fx_rate=order.fx_rate)
        params = {"code": order.code, "amount_minor": owed.amount, "currency": owed.currency}
        if (told := for_customer(await uow.customers.get(order.customer_id), "order_refund_paid", params)) is not None:
            await uow.outbox.add(told, now)
        await uow.commit()
        return order, owed
