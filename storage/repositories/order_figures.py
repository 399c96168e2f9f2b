"""The orders' figures the reports read: totals and counts of a period, orders by status and by
warehouse, and what each customer's orders are worth less the refunds owed on them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from domain.money import currency_exponent
from domain.orders import OrderStatus
from domain.payments import PaymentKind
from storage import models as m


def _same(amount: Any) -> ColumnElement[Any]:
    return cast(amount, Integer)


def refunds_taken_off() -> tuple[Subquery, ColumnElement[Any]]:
    """Each refunded order's refunds owed (a subquery to join on ``order_id``), and what of them
    the order (``OrderRow``) no longer earns (``taken_off``)."""
    pay = m.PaymentRow
    owed = (
        select(pay.order_id, func.sum(pay.amount_minor).label("owed"))
        .where(pay.kind == PaymentKind.REFUND_OWED.value)
        .group_by(pay.order_id)
        .subquery()
    )
    return owed, taken_off(owed.c.owed)


def _paid_on_order(kind: PaymentKind) -> ColumnElement[Any]:
    pay, o = m.PaymentRow, m.OrderRow
    return (
        select(func.coalesce(func.sum(pay.amount_minor), 0))
        .where(pay.kind == kind.value, pay.order_id == o.id)
        .scalar_subquery()
    )


def taken_off(owed: ColumnElement[Any]) -> ColumnElement[Any]:
    """Of ``owed``, an order's (``OrderRow``) refunds owed, what it no longer earns: those beyond
    what was paid over its total. An edit that lowered a paid order lowered its total and owes
    the difference back: that is not taken off again (£5.90 paid, edited to £2.95: it earns
    £2.95); a return's refund, or a part's never sent, is."""
    o = m.OrderRow
    paid = _paid_on_order(PaymentKind.PAYMENT)
    overpaid = case((paid > o.total_minor, paid - o.total_minor), else_=0)
    return case((owed > overpaid, owed - overpaid), else_=0)


async def totals_between(s: AsyncSession, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    o = m.OrderRow
    rows = (
        await s.execute(
            # an exchange's replacement is no new order, only what it charged (domain.reports)
            select(o.currency, func.sum(case((o.flags.contains("REPLACEMENT"), 0), else_=1)), func.sum(o.total_minor))
            .where(o.created_at >= start, o.created_at < end, o.status != OrderStatus.CANCELLED.value)
            .group_by(o.currency)
        )
    ).all()
    return {currency: (int(n), int(total or 0)) for currency, n, total in rows}


async def count_by_status(s: AsyncSession) -> dict[OrderStatus, int]:
    o = m.OrderRow
    rows = (await s.execute(select(o.status, func.count()).group_by(o.status))).all()
    return {OrderStatus(status): int(n) for status, n in rows}


async def count_by_warehouse(s: AsyncSession, statuses: Sequence[OrderStatus]) -> dict[tuple[int, OrderStatus], int]:
    o, r = m.OrderRow, m.ReservationRow
    rows = (
        await s.execute(
            select(r.warehouse_id, o.status, func.count(func.distinct(o.id)))
            .join(r, r.order_id == o.id)
            .where(o.status.in_([s.value for s in statuses]))
            .group_by(r.warehouse_id, o.status)
        )
    ).all()
    return {(int(warehouse), OrderStatus(status)): int(n) for warehouse, status, n in rows}


async def placed_between(s: AsyncSession, start: datetime, end: datetime) -> list[tuple[datetime, str, int, str, bool]]:
    """The last field: a new order (False: an exchange's replacement, no new sale)."""
    o = m.OrderRow
    rows = await s.execute(
        select(o.created_at, o.currency, o.total_minor, o.fx_rate, o.flags.contains("REPLACEMENT")).where(
            o.created_at >= start, o.created_at < end, o.status != OrderStatus.CANCELLED.value
        )
    )
    return [(at, currency, int(total), fx_rate, not bool(swap)) for at, currency, total, fx_rate, swap in rows]


async def value_by_customer(s: AsyncSession, limit: int, base: str) -> list[tuple[int, str, int, int]]:
    """The ``limit`` most valuable (customer, currency): what their orders (not cancelled)
    came to, less the refunds owed on them, and how many orders — ranked in the database,
    which reads the orders once through a covering index (migration 0021) and only the
    refunded orders' payments, through theirs, and hands back only the top rows. Ranked by
    what that is worth in ``base``, each order at its own rate: minor units of two
    currencies (a kopeck, a penny) are not compared with one another (a shop that only ever
    sold in ``base`` is ranked from the covering index alone).

    A refund owed for what was paid beyond an order's total is not taken off again: an edit
    that lowered a paid order lowered its total and owes the difference back (£5.90 paid,
    edited to £2.95: worth £2.95, not £0.00); a refund beyond that (a return, a part never
    sent) is what the order no longer earns."""
    o = m.OrderRow
    live = o.status != OrderStatus.CANCELLED.value
    in_base = await _in_base(s, base)
    totals = (
        select(
            o.customer_id,
            o.currency,
            func.sum(o.total_minor).label("total"),
            func.count().label("orders"),
            func.sum(in_base(o.total_minor) if in_base else o.total_minor).label("total_base"),
        )
        .where(live)
        .group_by(o.customer_id, o.currency)
        .subquery()
    )
    owed, taken = refunds_taken_off()
    convert = in_base or _same
    refunded = (
        select(o.customer_id, o.currency, taken.label("taken"), convert(taken).label("taken_base"))
        .join(owed, owed.c.order_id == o.id)
        .where(live)
        .subquery()
    )
    refunds = (
        select(
            refunded.c.customer_id,
            refunded.c.currency,
            func.sum(refunded.c.taken).label("refunded"),
            func.sum(refunded.c.taken_base).label("refunded_base"),
        )
        .group_by(refunded.c.customer_id, refunded.c.currency)
        .subquery()
    )
    value = (totals.c.total - func.coalesce(refunds.c.refunded, 0)).label("value")
    worth = totals.c.total_base - func.coalesce(refunds.c.refunded_base, 0)
    rows = await s.execute(
        select(totals.c.customer_id, totals.c.currency, value, totals.c.orders)
        .outerjoin(
            refunds,
            (refunds.c.customer_id == totals.c.customer_id) & (refunds.c.currency == totals.c.currency),
        )
        .order_by(worth.desc(), totals.c.customer_id, totals.c.currency)
        .limit(limit)
    )
    return [(c, cur, int(v or 0), int(n)) for c, cur, v, n in rows]


async def refunds_taken_off_for(s: AsyncSession, customer_id: int) -> dict[int, int]:
    """A customer's orders with refunds owed they no longer earn (``taken_off``): order id → minor units."""
    o = m.OrderRow
    owed = _paid_on_order(PaymentKind.REFUND_OWED)  # each of the customer's orders by the payments' index
    rows = await s.execute(select(o.id, taken_off(owed)).where(o.customer_id == customer_id, owed > 0))
    return {order_id: int(taken) for order_id, taken in rows if taken}


async def _in_base(s: AsyncSession, base: str) -> Callable[[Any], ColumnElement[Any]] | None:
    """An amount of an order's currency (minor units) as minor units of ``base`` at the
    order's rate; None where no other currency ever had a rate (every order is in ``base``).
    A float: it only ranks, the figures shown stay exact."""
    o, fx = m.OrderRow, m.FxRateRow
    quoted = set(await s.scalars(select(fx.quote).where(fx.base == base, fx.quote != base).distinct()))
    if not quoted:
        return None
    shift = {c: 10.0 ** (currency_exponent(base) - currency_exponent(c)) for c in quoted | {base}}
    scale = case(shift, value=o.currency, else_=10.0 ** (currency_exponent(base) - 2))

    def converted(amount: Any) -> ColumnElement[Any]:
        return cast(amount, Float) * scale / cast(o.fx_rate, Float)

    return converted
