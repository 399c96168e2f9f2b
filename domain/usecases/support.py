"""Support conversations: open, relay (both ways), close, rate, and the figures staff read."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.customers import Customer, StaffMember
from domain.errors import NotFound
from domain.notifications import for_customer
from domain.orders import OPEN_STATUSES, normalize_order_code
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.support import (
    BadRating,
    Conversation,
    ConversationClosed,
    ConversationStatus,
    Direction,
    SupportMessage,
    SupportTimes,
    support_times,
)
from domain.usecases.staff import require

HISTORY = 5  # conversations shown on /customer
WAITING_SHOWN = 30  # open conversations /conversations lists (one message's worth)
TEXT_KEPT = 500  # characters of a message kept for history and "Search instead"


@dataclass(frozen=True, slots=True)
class Where:
    """Where a customer's next message goes: their open conversation, or a new one (in the
    forum topic of their last one, ``topic``, reopened; or a new topic)."""

    conversation: Conversation | None
    topic: int | None
    customer: Customer
    open_orders: tuple[str, ...]  # codes, newest first: the header of a new conversation lists them
    # The order the customer came from ("Contact us" under it), when it is theirs: callback data is
    # the client's to write, and staff read "came from order …" as who the customer is.
    order_code: str | None = None


@dataclass(frozen=True, slots=True)
class Relayed:
    """A message copied: the ids on both sides."""

    customer_message_id: int
    staff_message_id: int
    kind: str
    text: str


async def where_to(uow: UnitOfWork, *, customer: Customer, chat_id: int, order_code: str | None = None) -> Where:
    assert customer.id is not None
    async with uow.read_only():
        came_from = await uow.orders.get_by_code(order_code) if order_code else None
        theirs = came_from.code if came_from is not None and came_from.customer_id == customer.id else None
        conversation = await uow.support.open_for_customer(customer.id)
        if conversation is not None:  # its topic deleted by hand, a new one is opened from this
            return Where(conversation, conversation.thread_id, customer, (), theirs)
        topic = await uow.support.last_topic(customer.id, chat_id)
        orders, _total = await uow.orders.for_customer(customer.id, 0, 20)
    codes = tuple(order.code for order in orders if order.status in OPEN_STATUSES)
    return Where(None, topic, customer, codes, theirs)


async def own_order_code(uow: UnitOfWork, customer: Customer, code: str) -> str:
    """``code`` as stored when it is the customer's order, else "": a conversation is about their own orders only."""
    async with uow.read_only():
        order = await uow.orders.get_by_code(normalize_order_code(code)) if code else None
    return order.code if order is not None and order.customer_id == customer.id else ""


async def has_open_conversation(uow: UnitOfWork, customer_id: int) -> bool:
    async with uow.read_only():
        return await uow.support.open_for_customer(customer_id) is not None


async def start_conversation(
    uow: UnitOfWork,
    clock: Clock,
    *,
    customer_id: int,
    chat_id: int,
    thread_id: int | None,
    header_message_id: int,
    order_code: str | None,
    first: Relayed,
    replacing: int | None = None,
) -> Conversation:
    """A new conversation with its first message, in one transaction (``replacing``, one
    whose topic is gone, is closed on the way). If another one opened meanwhile (a second
    process), the message joins that one instead."""
    now = clock.now()
    async with uow:
        if replacing is not None:
            await uow.support.close(replacing, now)
        conversation = await uow.support.open_for_customer(customer_id)
        if conversation is None:
            conversation = await uow.support.add(
                Conversation(
                    customer_id=customer_id,
                    chat_id=chat_id,
                    thread_id=thread_id,
                    order_code=order_code,
                    status=ConversationStatus.OPEN,
                    opened_at=now,
                    header_message_id=header_message_id,
                )
            )
        assert conversation.id is not None
        await uow.support.add_message(_message(conversation.id, Direction.IN, first, now))
        await uow.commit()
    return conversation


async def record_incoming(uow: UnitOfWork, clock: Clock, *, conversation_id: int, relayed: Relayed) -> None:
    async with uow:
        await uow.support.add_message(_message(conversation_id, Direction.IN, relayed, clock.now()))
        await uow.commit()


@dataclass(frozen=True, slots=True)
class StaffTarget:
    conversation: Conversation
    customer: Customer
    member: StaffMember


async def staff_target(
    uow: UnitOfWork, *, chat_id: int, thread_id: int | None, reply_to: int | None, staff_telegram_id: int
) -> StaffTarget | None:
    """The conversation a message in the support chat answers: its forum topic's, or (in a
    plain group) the one whose message it replies to. None: not a support conversation's.
    Refused to people without the support permission; refused when it is closed."""
    async with uow.read_only():
        conversation = await _find(uow, chat_id, thread_id, reply_to)
    if conversation is None:
        return None
    member = await require(uow, staff_telegram_id, Permission.SUPPORT)
    if conversation.status is not ConversationStatus.OPEN:
        raise ConversationClosed()
    async with uow.read_only():
        customer = await uow.customers.get(conversation.customer_id)
    if customer is None:
        return None
    return StaffTarget(conversation, customer, member)


async def _find(uow: UnitOfWork, chat_id: int, thread_id: int | None, reply_to: int | None) -> Conversation | None:
    if thread_id is not None:
        found = await uow.support.by_topic(chat_id, thread_id)
        if found is not None:
            return found
    if reply_to is not None:
        mapped = await uow.support.by_staff_message(chat_id, reply_to)
        if mapped is not None:
            return mapped[1]
        return await uow.support.by_header(chat_id, reply_to)
    return None


async def record_reply(
    uow: UnitOfWork, clock: Clock, *, conversation_id: int, relayed: Relayed, staff_name: str
) -> None:
    async with uow:
        message = _message(conversation_id, Direction.OUT, relayed, clock.now())
        await uow.support.add_message(replace(message, staff_name=staff_name))
        await uow.commit()


async def copy_of_customer_message(
    uow: UnitOfWork, *, customer_id: int, customer_message_id: int
) -> tuple[SupportMessage, Conversation] | None:
    """A customer's message relayed earlier (they edited it, or tap "Search instead")."""
    async with uow.read_only():
        return await uow.support.by_customer_message(customer_id, customer_message_id)


async def copy_of_staff_message(
    uow: UnitOfWork, *, chat_id: int, staff_message_id: int
) -> tuple[SupportMessage, Customer] | None:
    """A message staff wrote (they edited it) and the customer who has its copy."""
    async with uow.read_only():
        found = await uow.support.by_staff_message(chat_id, staff_message_id)
        if found is None:
            return None
        customer = await uow.customers.get(found[1].customer_id)
    return (found[0], customer) if customer is not None else None


async def close_conversation(
    uow: UnitOfWork, clock: Clock, *, chat_id: int, thread_id: int | None, reply_to: int | None, staff_telegram_id: int
) -> Conversation:
    """``/close`` in the conversation: closed once (a second /close is told), and the
    customer is asked, through the outbox, to rate it."""
    await require(uow, staff_telegram_id, Permission.SUPPORT)
    async with uow:
        conversation = await _find(uow, chat_id, thread_id, reply_to)
        if conversation is None or conversation.id is None:
            raise NotFound()
        if not await uow.support.close(conversation.id, clock.now()):
            raise ConversationClosed()
        customer = await uow.customers.get(conversation.customer_id)
        note = for_customer(customer, "support_closed", {"conversation_id": conversation.id})
        if note is not None:
            await uow.outbox.add(note, clock.now())
        await uow.commit()
    return conversation


async def rate_conversation(uow: UnitOfWork, *, customer_id: int, conversation_id: int, stars: int) -> None:
    if not 1 <= stars <= 5:
        raise BadRating()
    async with uow:
        if not await uow.support.rate(conversation_id, customer_id, stars):
            raise NotFound()
        await uow.commit()


async def customer_conversations(uow: UnitOfWork, customer_id: int, limit: int = HISTORY) -> list[Conversation]:
    async with uow.read_only():
        return await uow.support.for_customer(customer_id, limit)


async def support_figures(uow: UnitOfWork, start: datetime, end: datetime) -> SupportTimes:
    """First-reply and resolution times of the conversations opened in [start, end)."""
    async with uow.read_only():
        return support_times(await uow.support.opened_between(start, end))


async def open_conversations(
    uow: UnitOfWork, *, staff_id: int, limit: int = WAITING_SHOWN
) -> tuple[list[tuple[Conversation, Customer | None]], int]:
    """``/conversations``: what is open in the support chat — nobody answered yet first, oldest
    first (what waited overnight is at the top in the morning) — with each customer; and how many."""
    await require(uow, staff_id, Permission.SUPPORT)
    async with uow.read_only():
        found, total = await uow.support.open_ones(limit)
        return [(c, await uow.customers.get(c.customer_id)) for c in found], total


def _message(conversation_id: int, direction: Direction, relayed: Relayed, at: datetime) -> SupportMessage:
    return SupportMessage(
        conversation_id=conversation_id,
        direction=direction,
        customer_message_id=relayed.customer_message_id,
        staff_message_id=relayed.staff_message_id,
        kind=relayed.kind,
        text=relayed.text[:TEXT_KEPT],
        created_at=at,
    )
