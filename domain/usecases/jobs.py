"""Scheduled work. Each job is a plain use case that takes a clock, finds what is due in the
data, does it, and records that it did — so running it twice changes nothing the second
time, and tests drive it with a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from domain.errors import NotFound
from domain.feedback import LOW_RATING, MAX_REVIEW_LENGTH, NotRateable, Review
from domain.notifications import Notification
from domain.orders import OrderStatus, normalize_order_code
from domain.ports import Clock, UnitOfWork
from domain.staff import Permission
from domain.usecases.staff import require

SWEEP_BATCH = 500
SCHEDULER_LOCK = "scheduler"


class SweepReport(NamedTuple):
    released: int
    reminded: int


async def sweep_holds(uow: UnitOfWork, clock: Clock, *, remind_after: timedelta) -> SweepReport:
    """Expired cart holds go back to stock; a customer whose cart has sat untouched for
    ``remind_after`` is reminded once (until they change the cart again)."""
    now = clock.now()
    released = reminded = 0
    async with uow:
        for hold in await uow.jobs.expired_holds(now, SWEEP_BATCH):
            await uow.stock.release(hold.product_id, hold.warehouse_id, hold.quantity)
            await uow.stock.delete_reservation(hold.id or 0)
            released += 1
        for customer in await uow.jobs.idle_carts(now - remind_after):
            await uow.outbox.add(
                Notification(customer.telegram_id, "cart_reminder", customer.notification_language, {}), now
            )
            await uow.jobs.mark_cart_reminded(customer.id or 0, now)
            reminded += 1
        await uow.commit()
    return SweepReport(released, reminded)


async def follow_up_deliveries(uow: UnitOfWork, clock: Clock, *, after: timedelta) -> int:
    """``after`` a delivery, ask the customer to rate the order (buttons 1–5), and say how to
    reach support and start a return. Once per order."""
    now = clock.now()
    async with uow:
        orders = await uow.jobs.delivered_not_followed_up(now - after)
        for order in orders:
            customer = await uow.customers.get(order.customer_id)
            if customer is not None and not customer.unreachable:
                await uow.outbox.add(
                    Notification(
                        customer.telegram_id, "order_followup", customer.notification_language, {"code": order.code}
                    ),
                    now,
                )
            await uow.jobs.mark_followed_up(order.id or 0, now)
        await uow.commit()
    return len(orders)


async def rate_order(
    uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, stars: int, staff_chat_id: int | None
) -> Review:
    """The customer's rating (pressing again changes it). A low one alerts the staff chat."""
    if not 1 <= stars <= 5:
        raise NotRateable()
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.customer_id != customer_id or order.id is None:
            raise NotFound()
        if order.status not in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            raise NotRateable()
        previous = await uow.jobs.review(order.id)
        review = Review(order.id, customer_id, stars, previous.text if previous else "", clock.now(), order.code)
        await uow.jobs.save_review(review)
        if stars <= LOW_RATING and staff_chat_id is not None and (previous is None or previous.stars > LOW_RATING):
            await uow.outbox.add(
                Notification(staff_chat_id, "staff_low_rating", "", {"code": order.code, "stars": stars}), clock.now()
            )
        await uow.commit()
        return review


async def write_review(uow: UnitOfWork, clock: Clock, *, customer_id: int, code: str, text: str) -> Review:
    """A few words after the rating; HTML is escaped when shown."""
    async with uow:
        order = await uow.orders.get_by_code(normalize_order_code(code))
        if order is None or order.customer_id != customer_id or order.id is None:
            raise NotFound()
        previous = await uow.jobs.review(order.id)
        if previous is None:
            raise NotRateable()
        review = Review(
            order.id, customer_id, previous.stars, text.strip()[:MAX_REVIEW_LENGTH], clock.now(), order.code
        )
        await uow.jobs.save_review(review)
        await uow.commit()
        return review


async def latest_reviews(uow: UnitOfWork, *, staff_id: int, limit: int = 20) -> list[Review]:
    await require(uow, staff_id, Permission.VIEW_ORDERS)
    async with uow.read_only():
        return await uow.jobs.latest_reviews(limit)


async def lead_scheduler(uow: UnitOfWork, clock: Clock, *, holder: str, ttl: timedelta) -> bool:
    """Whether this process runs the jobs now: it holds (or takes, or renews) a lock with an
    expiry, so with several processes exactly one runs them, and another takes over within
    ``ttl`` if that one dies."""
    now: datetime = clock.now()
    async with uow:
        leading = await uow.jobs.take_lock(SCHEDULER_LOCK, holder, now, now + ttl)
        await uow.commit()
        return leading
