"""Payment links: a Telegram invoice link for what an order still owes, sent to the customer."""

from __future__ import annotations

from dataclasses import dataclass

from domain.contention import again_on_contention
from domain.customers import Customer
from domain.editing import ChannelPaidRiseStaff, check_channel_paid
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.money import Money
from domain.notifications import Notification, for_customer
from domain.orders import Order, normalize_order_code
from domain.payments import InvoiceSpec
from domain.ports import Clock, UnitOfWork
from domain.ports.payments import InvoiceLinks
from domain.staff import Permission
from domain.usecases.backorder_fill import due_on
from domain.usecases.channel_paid import paid_at_channel
from domain.usecases.edit_difference import difference_payload
from domain.usecases.payments import invoice_payload, payable
from domain.usecases.staff import require

MAX_DESCRIPTION = 255


class CardPaymentsOff(DomainError):
    key = N_("Card payments are not set up (PAYMENT_PROVIDER_TOKEN), so there is no link to send.")


class NotPayableByLink(DomainError):
    key = N_("Order {code} is not waiting for a card payment.")


class NothingToPay(DomainError):
    key = N_("Order {code} has nothing left to pay.")


class ChannelPaidNoLink(DomainError):
    """What an order another channel took payment for still owes (an edit from before such edits were refused):
    Telegram's invoice would be refused at its pre-checkout, so no link is made."""

    key = N_(
        "Order {code} was paid at {channel}: the {amount} it still owes can only be paid there, so no payment link "
        "was made. Have {channel} take it from the customer."
    )


class UnnamedChannelPaidNoLink(ChannelPaidNoLink):
    """``ChannelPaidNoLink`` of an order whose history names no API key: no channel's name to say."""

    key = N_(
        "Order {code} was paid at a sales channel: the {amount} it still owes can only be paid there, so no payment "
        "link was made. Have that channel take it from the customer."
    )


@dataclass(frozen=True, slots=True)
class PaymentLink:
    order: Order
    url: str
    due: Money
    sent: bool  # told in the customer's chat (False: they have no chat with the bot)


def line_summary(order: Order, language: str) -> str:
    """What an invoice says it is for: each line as sold, named in ``language`` (``OrderLine.named_in``)."""
    return ", ".join(f"{line.named_in(language)} ×{line.quantity}" for line in order.lines)


def link_invoice(order: Order, due: Money, language: str) -> InvoiceSpec:
    """The whole order while nothing is paid (goods and shipping as Telegram shows them),
    else the balance the order's rise left."""
    if due == order.total:
        prices: tuple[tuple[str, int], ...] = ((N_("Goods"), order.subtotal.amount),)
        if order.discount.amount:  # as the chat's invoice says it: without it Telegram charged the list price
            prices += ((N_("Discounts"), -order.discount.amount),)
        if order.shipping and order.shipping.amount:
            prices += ((N_("Shipping"), order.shipping.amount),)
    else:  # paid already, then edited: the difference, paid as the edit's own invoice is
        prices = ((N_("Balance to pay"), due.amount),)
    return InvoiceSpec(
        payload=invoice_payload(order) if due == order.total else difference_payload(order),
        currency=order.currency,
        title_key=N_("Order {code}"),
        title_params={"code": order.code},
        description=line_summary(order, language)[:MAX_DESCRIPTION],
        prices=prices,
        language=language,
    )


async def payment_link(
    uow: UnitOfWork,
    clock: Clock,
    links: InvoiceLinks | None,
    *,
    code: str,
    staff_id: int | None = None,
    tell_customer: bool = True,
) -> PaymentLink:
    """Create a link to pay what ``code`` still owes and, with ``tell_customer``, send it to
    the customer's chat (through the outbox). ``staff_id``: a staff member asks (``/paylink``).

    Paying it twice records one payment: the second charge finds nothing due
    (``record_card_payment``). The link is made outside any transaction (it is a call to
    Telegram), once; the message that carries it is written in one, run again on its own while
    the database gives it up (``Contention``): it follows an order already committed (the Mini
    App's and the API's checkout, a staff member's in chat) and a request already sent, so
    neither may be done again, and the customer is told the one link made."""
    if staff_id is not None:
        await require(uow, staff_id, Permission.PAYMENT_LINKS)
    if links is None:
        raise CardPaymentsOff()
    order, customer, due, paid_at = await again_on_contention(lambda: _owed(uow, code))
    if not payable(order):
        raise NotPayableByLink(code=order.code)
    if due.amount == 0:
        raise NothingToPay(code=order.code)
    try:  # the rule an edit's difference follows; said as a link's, not a change's
        check_channel_paid(order.code, paid_at, due, by_customer=False)
    except ChannelPaidRiseStaff as refused:
        raise (ChannelPaidNoLink if paid_at else UnnamedChannelPaidNoLink)(**refused.params) from None
    language = customer.notification_language if customer else ""
    url = await links.create(link_invoice(order, due, language))
    told = for_customer(
        customer, "payment_link", {"code": order.code, "url": url, "amount_minor": due.amount, "currency": due.currency}
    )
    if told is not None and tell_customer:
        await again_on_contention(lambda: _tell(uow, clock, told))
    return PaymentLink(order, url, due, told is not None and tell_customer)


async def _owed(uow: UnitOfWork, code: str) -> tuple[Order, Customer | None, Money, str | None]:
    """The order ``code``, its customer, what it still owes and the channel that took its money, read in one
    transaction."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.id is None:
            raise NotFound()
        customer = await uow.customers.get(order.customer_id)
        due = await due_on(uow, order, await uow.payments.for_order(order.id))
        return order, customer, due, await paid_at_channel(uow, order)


async def _tell(uow: UnitOfWork, clock: Clock, told: Notification) -> None:
    async with uow:
        await uow.outbox.add(told, clock.now())
        await uow.commit()
