"""Scheduled work. Each job is a plain use case that takes a clock, finds what is due in the
data, does it, and records that it did — so running it twice changes nothing the second
time, and tests drive it with a fake clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from domain.errors import NotFound
from domain.feedback import LOW_RATING, MAX_REVIEW_LENGTH, NotRateable, Review
from domain.notifications import Notification, for_customer
from domain.orders import Order, OrderStatus, normalize_order_code
from domain.payments import invoice_owed
from domain.ports import Clock, UnitOfWork
from domain.reports import new_orders, revenue_by_currency
from domain.shipping import CarrierRate, ship_by_date
from domain.shop_days import shop_day
from domain.staff import Permission
from domain.text import typed
from domain.usecases.sales import period_sales
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
        holds = await uow.jobs.expired_holds(now, SWEEP_BATCH)
        for hold in sorted(holds, key=lambda h: (h.product_id, h.warehouse_id)):  # the lock order
            await uow.stock.release(hold.product_id, hold.warehouse_id, hold.quantity)
            await uow.stock.delete_reservation(hold)
            released += 1
        for customer in await uow.jobs.idle_carts(now - remind_after):
            if (reminder := for_customer(customer, "cart_reminder", {})) is not None:
                await uow.outbox.add(reminder, now)
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
            if (ask := for_customer(customer, "order_followup", {"code": order.code})) is not None:
                await uow.outbox.add(ask, now)
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
        review = Review(order.id, customer_id, previous.stars, typed(text, MAX_REVIEW_LENGTH), clock.now(), order.code)
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


async def resign_scheduler(uow: UnitOfWork, clock: Clock, *, holder: str) -> bool:
    """A process that stops ends its lock at once (whether it held it): another process takes
    the jobs over at its next tick instead of when the lock would have expired."""
    async with uow:
        ended = await uow.jobs.end_lock(SCHEDULER_LOCK, holder, clock.now())
        await uow.commit()
        return ended


DUNNING_OFFSETS = (0, 3, 10)  # reminders on the due date, then 3 and 10 days after it


async def dun_invoices(uow: UnitOfWork, clock: Clock, *, staff_chat_id: int | None) -> int:
    """Business invoices past due get reminders (due date, +3, +10 days); from the second one
    on, the staff chat is told too. A paid invoice is no longer found, so reminders stop."""
    now = clock.now()
    today = shop_day(now, uow.timezone)
    sent = 0
    async with uow:
        found = await uow.jobs.unpaid_invoices(today)
        payments = await uow.payments.for_orders([order.id or 0 for order, _ in found])
        for order, stage in sorted(found, key=lambda f: f[0].id or 0):  # written by id: the lock order (/vip)
            if stage >= len(DUNNING_OFFSETS) or order.invoice_due is None:
                continue
            if (today - order.invoice_due).days < DUNNING_OFFSETS[stage]:
                continue
            overdue = (today - order.invoice_due).days
            customer = await uow.customers.get(order.customer_id)
            params = {
                "code": order.code,
                "invoice": order.invoice_label,  # its number, as the invoice prints it (None: from before numbering)
                "total_minor": invoice_owed(order.total, payments.get(order.id or 0, [])).amount,  # less parts dropped
                "currency": order.currency,
                "due": order.invoice_due.isoformat(),
                "overdue_days": overdue,
                "reference": order.reference,  # the buyer's PO number: what their accounts payable find it by
                "customer": customer.display_name if customer is not None else "",  # whom the staff chase
            }
            if (reminder := for_customer(customer, "invoice_reminder", params)) is not None:
                await uow.outbox.add(reminder, now)
            if stage >= 1 and staff_chat_id is not None:
                await uow.outbox.add(Notification(staff_chat_id, "staff_invoice_overdue", "", params), now)
            await uow.jobs.set_dunning_stage(order.id or 0, stage + 1)
            sent += 1
        await uow.commit()
    return sent


@dataclass(frozen=True, slots=True)
class DailyDigest:
    day: date
    orders: int
    revenue: dict[str, int]  # currency → minor units, orders placed that day and not cancelled
    shipped: int
    returns: int  # return requests made that day
    low_stock: int
    late: list[str]  # not shipped by the day they had to leave, or on hold


LATE_STATUSES = (
    OrderStatus.ALLOCATED,
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKED,
    OrderStatus.ON_HOLD,
)


# Late orders the daily report names; the rest are counted (/dashboard lists them): thousands
# late made the report several messages of codes.
LATE_CODES_TOLD = 30


def is_late(order: Order, rates: list[CarrierRate], today: date) -> bool:
    """On hold (e.g. for a shortage), or not shipped although the day it had to leave to
    arrive on its promised date has passed."""
    if order.status is OrderStatus.ON_HOLD:
        return True
    delivery = order.delivery
    if delivery is None:
        return False
    ship_by = ship_by_date(delivery.eta, delivery.carrier, delivery.service, rates)
    return ship_by is not None and ship_by < today


async def daily_digest(
    uow: UnitOfWork, clock: Clock, *, staff_chat_id: int | None, timezone: str, hour: int
) -> DailyDigest | None:
    """Once a day at ``hour`` (shop time): yesterday's orders, revenue per currency,
    shipments, low-stock count and the late orders, to the staff chat."""
    if staff_chat_id is None:
        return None
    zone = ZoneInfo(timezone)
    local = clock.now().astimezone(zone)
    if local.hour < hour:
        return None
    today = local.date()
    start = datetime.combine(today - timedelta(days=1), time(0), zone)
    end = datetime.combine(today, time(0), zone)
    async with uow:
        if not await uow.jobs.claim_daily_run("daily_digest", today):
            return None
        # The day from the sales summary when it is trusted, else its columns (not its
        # ~1,500 orders loaded whole).
        sales = await period_sales(uow, start, end, timezone, lines=False)
        placed = [o for o in sales.placed if not o.cancelled]
        revenue = revenue_by_currency(placed, sales.days)
        orders = new_orders(placed) + sum(day.orders for day in sales.days)
        shipped = await uow.jobs.moved_between(OrderStatus.SHIPPED, start, end)
        returns = await uow.returns.requested_between(start, end)
        low = len(await uow.inventory.reorder_levels(None, low_only=True))
        rates = await uow.carriers.all()
        late = [o.code for o in await uow.orders.to_fulfil(LATE_STATUSES, None) if is_late(o, rates, today)]
        digest = DailyDigest(today - timedelta(days=1), orders, revenue, shipped, returns, low, late)
        await uow.outbox.add(
            Notification(
                staff_chat_id,
                "staff_daily_digest",
                "",
                {
                    "day": digest.day.isoformat(),
                    "orders": digest.orders,
                    "revenue": [[currency, minor] for currency, minor in sorted(revenue.items())],
                    "shipped": shipped,
                    "returns": returns,
                    "low_stock": low,
                    "late": late[:LATE_CODES_TOLD],
                    "late_more": max(len(late) - LATE_CODES_TOLD, 0),
                },
            ),
            clock.now(),
        )
        await uow.commit()
        return digest
