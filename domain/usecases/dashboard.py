"""The staff dashboard's snapshot (each tile only for roles allowed it, as in chat) and its sign-in links."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.accounting import to_base
from domain.customers import StaffMember
from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money
from domain.orders import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.reports import given_back
from domain.return_figures import top_reasons
from domain.returns import ReturnReason
from domain.staff import Permission, WebSession, can
from domain.usecases.jobs import LATE_STATUSES, is_late
from domain.usecases.staff import require

LOGIN_TTL = timedelta(minutes=10)


class LoginLinkInvalid(DomainError):
    key = N_("This sign-in link is invalid, expired or already used. Send /dashboard for a new one.")


@dataclass(frozen=True, slots=True)
class DayFigures:
    orders: int
    revenue: dict[str, int]  # currency → minor units, not cancelled
    # Today's only, as /report's (``domain.reports.given_back``): the revenue in the base currency and,
    # in base minor units, the refunds owed on these orders that they no longer earn and the cash never
    # collected of their parts given up; None on the day a week ago.
    revenue_base: Money | None = None
    refunded: int = 0
    uncollected: int = 0

    @property
    def refunds(self) -> Money | None:
        return None if self.revenue_base is None else Money(self.refunded, self.revenue_base.currency)

    @property
    def uncollected_cash(self) -> Money | None:
        return None if self.revenue_base is None else Money(self.uncollected, self.revenue_base.currency)

    @property
    def net(self) -> Money | None:
        """What these orders earn once their refunds and the cash never collected are taken off."""
        if self.revenue_base is None:
            return None
        return Money(self.revenue_base.amount - self.refunded - self.uncollected, self.revenue_base.currency)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What one staff member may see now; a tile their role may not see is None."""

    role: str
    by_status: dict[str, int] | None = None  # VIEW_ORDERS
    today: DayFigures | None = None  # REPORTS: since midnight (shop time)…
    last_week: DayFigures | None = None  # …and the same weekday a week ago, up to the same hour
    low_stock: int | None = None  # VIEW_STOCK: products at or under their reorder point
    open_returns: int | None = None  # RETURNS
    return_reasons: list[tuple[ReturnReason, int]] | None = None  # RETURNS: the open ones' top reasons, how many
    picking: dict[str, dict[str, int]] | None = None  # VIEW_ORDERS: warehouse code → stage → orders
    hourly: Hourly | None = None  # VIEW_ORDERS (its revenue: REPORTS)


PICKING_STAGES = (OrderStatus.ALLOCATED, OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED)


@dataclass(frozen=True, slots=True)
class Hourly:
    """Today's orders per hour of the shop's day (0–23) and, for roles that see money, their
    revenue per hour in each currency and all of it in the base currency (minor units); None
    for roles that do not."""

    orders: tuple[int, ...]
    revenue: dict[str, tuple[int, ...]] | None
    base: str = ""
    # Each order at its own rate, rounded, then summed, as the sales report's series: minor
    # units of different currencies (a yen, a penny) are not added to one another.
    in_base: tuple[int, ...] | None = None


def by_hour(placed: list[tuple[datetime, str, int, str, bool]], zone: ZoneInfo, *, base: str | None) -> Hourly:
    """``base``: the shop's base currency for a role that sees money; None for one that does not.
    An exchange's replacement (``new`` False) is no order, only what it charged."""
    orders = [0] * 24
    revenue: dict[str, list[int]] = {}
    in_base = [0] * 24
    for at, currency, total, fx_rate, new in placed:
        hour = at.astimezone(zone).hour
        orders[hour] += 1 if new else 0
        revenue.setdefault(currency, [0] * 24)[hour] += total
        if base is not None:
            in_base[hour] += to_base(Money(total, currency), fx_rate, base)
    if base is None:
        return Hourly(tuple(orders), None)
    return Hourly(tuple(orders), {c: tuple(v) for c, v in sorted(revenue.items())}, base, tuple(in_base))


async def dashboard_member(uow: UnitOfWork, telegram_id: int) -> StaffMember:
    """Every staff role sees orders, so every one may open the dashboard; what else it shows
    follows the role."""
    return await require(uow, telegram_id, Permission.VIEW_ORDERS)


async def _day(uow: UnitOfWork, start: datetime, end: datetime) -> DayFigures:
    totals = await uow.orders.totals_between(start, end)
    return DayFigures(sum(n for n, _ in totals.values()), {c: minor for c, (_, minor) in totals.items()})


async def _today(
    uow: UnitOfWork, start: datetime, end: datetime, placed: list[tuple[datetime, str, int, str, bool]]
) -> DayFigures:
    """The day's figures from its orders (``placed``, as the chart reads them: read once) with
    what /report takes off them: its orders' refunds and cash never collected. Counted as
    ``totals_between`` counts: an exchange's replacement is no new order, only what it charged."""
    base = uow.base_currency
    revenue: dict[str, int] = {}
    for _, currency, total, _, _ in placed:
        revenue[currency] = revenue.get(currency, 0) + total
    in_base = sum(to_base(Money(total, currency), fx_rate, base) for _, currency, total, fx_rate, _ in placed)
    refunded, uncollected = given_back(await uow.jobs.refunded_figures(start, end), base)
    orders = sum(1 for *_, new in placed if new)
    return DayFigures(orders, dict(sorted(revenue.items())), Money(in_base, base), refunded, uncollected)


async def dashboard(uow: UnitOfWork, clock: Clock, *, staff_id: int, timezone: str) -> Dashboard:
    member = await dashboard_member(uow, staff_id)
    now = clock.now()
    local = now.astimezone(ZoneInfo(timezone))
    midnight = datetime.combine(local.date(), time(0), local.tzinfo)
    tomorrow = midnight + timedelta(days=1)
    result = Dashboard(role=member.role.value)
    async with uow.read_only():
        placed = await uow.orders.placed_between(midnight, tomorrow)  # the chart's and the today tile's
        if can(member, Permission.VIEW_ORDERS):
            counts = await uow.orders.count_by_status()
            result = replace(result, by_status={s.value: counts.get(s, 0) for s in OrderStatus})
            result = replace(result, picking=await _picking(uow))
            base = uow.base_currency if can(member, Permission.REPORTS) else None
            hourly = by_hour(placed, ZoneInfo(timezone), base=base)
            result = replace(result, hourly=hourly)
        if can(member, Permission.REPORTS):
            week = timedelta(days=7)
            today = await _today(uow, midnight, tomorrow, placed)
            # up to this moment of that day, inclusive (the windows' ends are exclusive), by the
            # shop's clock: a week back from the local time, so a clock change between is not an hour
            same_time = (local - week).astimezone(UTC)
            last_week = await _day(uow, midnight - week, same_time + timedelta(microseconds=1))
            result = replace(result, today=today, last_week=last_week)
        if can(member, Permission.VIEW_STOCK):
            low = sum(1 for r in await uow.inventory.reorder_levels(None) if r.is_low)
            result = replace(result, low_stock=low)
        if can(member, Permission.RETURNS):
            reasons = top_reasons(await uow.returns.open_by_reason())
            result = replace(result, open_returns=(await uow.returns.open(0))[1], return_reasons=reasons)
    return result


async def _picking(uow: UnitOfWork) -> dict[str, dict[str, int]]:
    """Each warehouse's orders at each stage from allocated to packed (every warehouse, even idle)."""
    counts = await uow.orders.count_by_warehouse(PICKING_STAGES)
    return {
        w.code: {stage.value: counts.get((w.id or 0, stage), 0) for stage in PICKING_STAGES}
        for w in sorted(await uow.warehouses.all(), key=lambda w: w.code)
    }


async def late_orders(uow: UnitOfWork, clock: Clock, *, staff_id: int, timezone: str) -> list[str]:
    """Codes of orders not shipped by the day they had to leave, or on hold (as the daily
    digest counts them). Whole orders are read: callers refresh it seldom (it changes by day)."""
    await dashboard_member(uow, staff_id)
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    async with uow.read_only():
        rates = await uow.carriers.all()
        return [o.code for o in await uow.orders.to_fulfil(LATE_STATUSES, None) if is_late(o, rates, today)]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_login_link(uow: UnitOfWork, clock: Clock, *, telegram_id: int) -> str:
    """A one-time token for the browser sign-in of a staff member (only its hash is stored)."""
    await dashboard_member(uow, telegram_id)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with uow:
        await uow.staff.add_web_login(_hash(token), telegram_id, now, now + LOGIN_TTL)
        await uow.commit()
    return token


async def use_login_link(uow: UnitOfWork, clock: Clock, *, token: str) -> StaffMember:
    """The staff member the link was made for, once, before it expires, while still staff."""
    if not 16 <= len(token) <= 128:
        raise LoginLinkInvalid()
    async with uow:
        telegram_id = await uow.staff.use_web_login(_hash(token), clock.now())
        await uow.commit()
    if telegram_id is None:
        raise LoginLinkInvalid()
    return await dashboard_member(uow, telegram_id)


MAX_AGENT = 200


async def sign_in(
    uow: UnitOfWork, clock: Clock, *, token: str, cookie_for: Callable[[int], str], hours: int, agent: str = ""
) -> tuple[StaffMember, str]:
    """Spend a sign-in link and open a browser session in one transaction: the staff member
    and the cookie ``cookie_for`` made for them (its hash is what the session row keeps)."""
    if not 16 <= len(token) <= 128:
        raise LoginLinkInvalid()
    now = clock.now()
    async with uow:
        telegram_id = await uow.staff.use_web_login(_hash(token), now)
        member = await uow.staff.get(telegram_id) if telegram_id is not None else None
        if member is None or not can(member, Permission.VIEW_ORDERS):
            raise LoginLinkInvalid()
        cookie = cookie_for(member.telegram_id)
        expires = now + timedelta(hours=hours)
        await uow.staff.add_web_session(WebSession(_hash(cookie), member.telegram_id, now, expires, agent[:MAX_AGENT]))
        await uow.commit()
    return member, cookie


async def session_owner(uow: UnitOfWork, clock: Clock, *, cookie: str) -> int | None:
    """Whose browser session this cookie is, while it lasts (not signed out, not expired, the
    staff member not removed)."""
    async with uow.read_only():
        return await uow.staff.web_session(_hash(cookie), clock.now())


async def sign_out(uow: UnitOfWork, *, telegram_id: int, cookie: str) -> None:
    async with uow:
        await uow.staff.end_web_sessions(telegram_id, _hash(cookie))
        await uow.commit()


async def my_sessions(uow: UnitOfWork, clock: Clock, *, telegram_id: int) -> list[WebSession]:
    """A staff member's open browser sessions, oldest first."""
    await dashboard_member(uow, telegram_id)
    async with uow.read_only():
        return await uow.staff.web_sessions(telegram_id, clock.now())


def _ticket_hash(ticket: str) -> str:
    # Kept beside the sign-in links, hashed apart from them: a ticket is no sign-in link, nor a link a ticket.
    return _hash(f"stream ticket {ticket}")


async def issue_stream_ticket(
    uow: UnitOfWork, clock: Clock, *, telegram_id: int, ticket_for: Callable[[int], str], seconds: int
) -> str:
    """A ticket for the dashboard's event stream (which cannot send headers), good for one
    connect within ``seconds``: kept in the database, so any process can spend it once."""
    await dashboard_member(uow, telegram_id)
    ticket = ticket_for(telegram_id)
    now = clock.now()
    async with uow:
        await uow.staff.add_web_login(_ticket_hash(ticket), telegram_id, now, now + timedelta(seconds=seconds))
        await uow.commit()
    return ticket


async def use_stream_ticket(uow: UnitOfWork, clock: Clock, *, ticket: str) -> int | None:
    """Whose ticket this is, on its first connect before it expires; None ever after."""
    async with uow:
        telegram_id = await uow.staff.use_web_login(_ticket_hash(ticket), clock.now())
        await uow.commit()
    return telegram_id


def session_hash(cookie: str) -> str:
    return _hash(cookie)
