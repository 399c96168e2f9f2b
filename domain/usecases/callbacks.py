"""Status callbacks of the intake API channels: a channel's URL set (its secret shown once), its
orders' events written with their changes, and the due ones delivered (``bot/scheduler.py``'s tick)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from domain.callbacks import (
    MAX_ATTEMPTS,
    RUN_BUDGET,
    CallbackFailed,
    ChannelCallback,
    DueCallback,
    OrderEvent,
    callback_body,
    callback_headers,
    check_url,
    new_secret,
    wait_after,
)
from domain.errors import NotFound
from domain.orders import Channel, HistoryEntry, Order
from domain.ports import Clock, UnitOfWork
from domain.returns import ReturnRequest, first_replaced

# POSTs a body to a URL with these headers; raises CallbackFailed unless the receiver took it.
Post = Callable[[str, dict[str, str], bytes], Awaitable[None]]
BATCH = 100  # events a run reads at once; a run goes on while a batch was full


class NoSuchChannel(NotFound):
    """No active API key has this name: a callback belongs to a channel."""


async def set_callback(uow: UnitOfWork, clock: Clock, *, channel: str, url: str) -> str:
    """The channel's callback URL; a new signing secret, returned to be shown once."""
    url, channel = check_url(url), channel.strip()
    async with uow:
        if not any(key.name == channel and key.active for key in await uow.api.keys()):
            raise NoSuchChannel()
        secret = new_secret()
        await uow.callbacks.set_url(channel, url, secret, clock.now())
        await uow.commit()
    return secret


async def remove_callback(uow: UnitOfWork, *, channel: str) -> int | None:
    """The channel's URL removed and, in the same transaction, the events waiting for it dropped: a URL set
    later is told what happens from then on. How many were dropped; None if it had no URL."""
    async with uow:
        dropped = await uow.callbacks.remove(channel.strip())
        await uow.commit()
        return dropped


async def channel_callback(uow: UnitOfWork, channel: str) -> ChannelCallback | None:
    async with uow.read_only():
        return await uow.callbacks.of_channel(channel)


async def order_placed(uow: UnitOfWork, order: Order, clock: Clock) -> None:
    """In the placing transaction, once the order is the channel's (``ApiRepository.settle``)."""
    await uow.callbacks.record(order.id or 0, OrderEvent.placed(order, clock.now()))


async def replacement_placed(uow: UnitOfWork, order: Order, replacement: Order, at: datetime) -> None:
    """In the exchange's transaction, the replacement placed: a replacement of a channel's order (or of a
    replacement of one) is the channel's too, its first event naming the channel's order it was first sent for."""
    if _channels(order) and await uow.api.adopt(order.id or 0, replacement.id or 0, at):
        original = await original_code(uow, order) or order.code
        await uow.callbacks.record(replacement.id or 0, OrderEvent.placed(replacement, at, original))


async def order_moved(uow: UnitOfWork, order: Order, entry: HistoryEntry) -> None:
    """In the move's transaction: the channel that placed the order is told, if it asked to be."""
    if _channels(order):  # a chat's order has no channel to tell: not a statement more
        event = OrderEvent.moved(order, entry, await original_code(uow, order))
        await uow.callbacks.record(order.id or 0, event)


async def return_moved(uow: UnitOfWork, request: ReturnRequest, at: datetime, *, paid: bool = False) -> None:
    """In the return's transaction: the channel that placed its order is told (a return is rare: the
    order is read to know)."""
    order = await uow.orders.get_by_id(request.order_id)
    if order is not None and _channels(order):
        original = await original_code(uow, order)
        event = OrderEvent.of_return(order, request.rma_code, request.status.value, at, paid=paid, original=original)
        await uow.callbacks.record(order.id or 0, event)


def _channels(order: Order) -> bool:
    """Whether the order may be a channel's: one it placed, or a replacement (``replacement_placed``, of a
    channel's order or not: ``uow.callbacks.record`` knows)."""
    return order.channel is Channel.API or "REPLACEMENT" in order.flags


async def original_code(uow: UnitOfWork, order: Order) -> str | None:
    """A replacement's: the code of the order it was first sent for, through replacements of replacements
    (None for an order that replaces none). Replacements are rare: their returns are read to know."""
    if "REPLACEMENT" not in order.flags:
        return None
    first = first_replaced(await uow.returns.for_customer(order.customer_id), order.id or 0)
    found = await uow.orders.get_by_id(first) if first is not None else None
    return found.code if found is not None else None


@dataclass(slots=True)
class DeliveryRun:
    delivered: int = 0
    retried: int = 0
    given_up: list[tuple[DueCallback, str]] = field(default_factory=list)  # the event, its last error


async def deliver_callbacks(uow: UnitOfWork, clock: Clock, post: Post) -> DeliveryRun:
    """POST each due event, signed, to its channel's URL; a failure waits longer each time
    (``domain.callbacks.wait_after``) and is given up after ``MAX_ATTEMPTS`` tries. No
    transaction is open while a receiver answers; an event delivered but not yet marked (a crash
    between) is sent again: at least once, the receiver de-duplicating by its id. After a failure
    the channel's other events wait for the next run, untried: a dead receiver costs a run one
    timeout, not one an event (the jobs' tick waits for it). No delivery is begun after ``RUN_BUDGET``: a
    slow receiver's backlog waits for the next runs, in its order, rather than holding this one."""
    run, failing, started = DeliveryRun(), set[str](), clock.now()
    while True:
        async with uow.read_only():
            due = await uow.callbacks.due(clock.now(), BATCH, skip=failing)
        for event in due:
            if clock.now() - started >= RUN_BUDGET:
                return run
            if event.channel in failing:
                continue
            body = callback_body(event)
            headers = callback_headers(event, body, int(clock.now().timestamp()))
            error = ""
            try:
                await post(event.url, headers, body)
            except CallbackFailed as failure:
                error = str(failure) or "failed"
                failing.add(event.channel)
            now = clock.now()
            async with uow:
                if not error:
                    await uow.callbacks.delivered(event.id, now)
                    run.delivered += 1
                elif event.attempts + 1 >= MAX_ATTEMPTS:
                    await uow.callbacks.failed(event.id, error, now, None)
                    run.given_up.append((event, error))
                else:
                    await uow.callbacks.failed(event.id, error, now, now + wait_after(event.attempts + 1))
                    run.retried += 1
                await uow.commit()
        if len(due) < BATCH:
            return run
