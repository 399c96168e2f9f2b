"""The orders' figures the reports read: totals and counts of a period, orders by status and by
warehouse, and what each customer's orders are worth less the refunds owed on them (goodwill among them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, case, cast, func, outerjoin, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from domain.accounting import to_base
from domain.money import Money, currency_exponent
from domain.orders import OrderStatus, PaymentMethod
from domain.payments import PaymentKind
from storage import models as m
from storage.repositories.sql import _chunks

# What an order gives back: refunds owed (an edit, a return, a part not sent) and goodwill refunds
# (``/refund``), money given back with no return that the order no longer earns.
GIVEN_BACK = (PaymentKind.REFUND_OWED.value, PaymentKind.GOODWILL.value)


def _same(amount: Any) -> ColumnElement[Any]:
    return cast(amount, Integer)


def refunds_taken_off() -> tuple[Subquery, ColumnElement[Any]]:
    """Each refunded order's refunds owed and goodwill refunds (a subquery to join on ``order_id``), and what of them
    the order (``OrderRow``) no longer earns (``taken_off``)."""
    pay = m.PaymentRow
    owed = (
        select(pay.order_id, func.sum(pay.amount_minor).label("owed"))
        .where(pay.kind.in_(GIVEN_BACK))
        .group_by(pay.order_id)
        .subquery()
    )
    return owed, taken_off(owed.c.owed)


def uncollected() -> Subquery:
    """Each cash-on-delivery order whose customer gave up parts (``order_id``, ``short``): what those
    parts are worth, never collected, at most its total — ``domain.usecases.backorder_fill.not_collected``,
    which the courier (``deliver_order``) and the counter (``hand_over``) take off what they ask for.
    The one rule for /report, /top customers and the customer card: an order not delivered yet is
    worth what its customer will pay, and one handed over before the counter took those parts off
    (its payment row says the whole total) what they did pay. Each given-up unit is worth its
    line's share after the line's discount, ⌊net·k/n⌋ for k of n, taken from the order's lines of
    that product in turn (``Order.net_of``).
    Performance rule: only orders with a part given up have a row, and they are few: the statement
    starts from their backorder rows, never from every order or payment."""
    part, line, o = m.BackorderRow, m.OrderLineRow, m.OrderRow
    gone = (
        select(part.order_id, part.product_id, func.sum(part.cancelled).label("units"))
        .where(part.cancelled > 0)
        .group_by(part.order_id, part.product_id)
        .subquery()
    )
    earlier = aliased(line)
    before = (  # units of the product on the order's earlier lines, which the given-up units are taken from first
        select(func.coalesce(func.sum(earlier.quantity), 0))
        .where(earlier.order_id == line.order_id, earlier.product_id == line.product_id, earlier.id < line.id)
        .scalar_subquery()
    )
    left = gone.c.units - before
    taken = case((left >= line.quantity, line.quantity), (left > 0, left), else_=0)
    worth = (line.quantity * line.unit_price_minor - line.discount_minor) * taken // line.quantity
    parts = (
        select(line.order_id, func.sum(worth).label("worth"))
        .join(gone, (gone.c.order_id == line.order_id) & (gone.c.product_id == line.product_id))
        .where(line.quantity > 0)
        .group_by(line.order_id)
        .subquery()
    )
    short = case((parts.c.worth > o.total_minor, o.total_minor), else_=parts.c.worth)
    return (
        select(o.id.label("order_id"), short.label("short"))
        .join(parts, parts.c.order_id == o.id)
        .where(o.payment_method == PaymentMethod.COD.value, parts.c.worth > 0)
        .subquery()
    )


def _paid_on_order(*kinds: str) -> ColumnElement[Any]:
    pay, o = m.PaymentRow, m.OrderRow
    return (
        select(func.coalesce(func.sum(pay.amount_minor), 0))
        .where(pay.kind.in_(kinds), pay.order_id == o.id)
        .scalar_subquery()
    )


def taken_off(owed: ColumnElement[Any]) -> ColumnElement[Any]:
    """Of ``owed``, an order's (``OrderRow``) refunds owed, what it no longer earns: those beyond
    what was paid over its total. An edit that lowered a paid order lowered its total and owes
    the difference back: that is not taken off again (£5.90 paid, edited to £2.95: it earns
    £2.95); a return's refund, or a part's never sent, is."""
    o = m.OrderRow
    paid = _paid_on_order(PaymentKind.PAYMENT.value)
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
    came to, less the refunds owed on them and the cash a delivered cash order never collected
    (``uncollected``), and how many orders — ranked in the database,
    which reads the orders once through a covering index (migration 0021) and only the
    refunded orders' payments, through theirs, and hands back only the top rows. Ranked by
    what that is worth in ``base``, each order at its own rate and rounded to minor units as
    money is (``to_base``): minor units of two currencies (a kopeck, a penny) are not compared
    with one another (a shop that only ever sold in ``base`` is ranked from the covering index
    alone; one that sold in others reads the orders of the few candidates a float picked).

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
    short = uncollected()
    refunded = union_all(
        select(o.customer_id, o.currency, taken.label("taken"), convert(taken).label("taken_base"))
        .join(owed, owed.c.order_id == o.id)
        .where(live),
        select(o.customer_id, o.currency, short.c.short, convert(short.c.short))
        .join(short, short.c.order_id == o.id)
        .where(live),
    ).subquery()
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
    joined = totals.outerjoin(
        refunds, (refunds.c.customer_id == totals.c.customer_id) & (refunds.c.currency == totals.c.currency)
    )
    figures = select(totals.c.customer_id, totals.c.currency, value, totals.c.orders).select_from(joined)
    if in_base is None:  # every order in ``base``: the worth is exact minor units, ranked as it is
        rows = await s.execute(figures.order_by(worth.desc(), totals.c.customer_id, totals.c.currency).limit(limit))
        return [(c, cur, int(v or 0), int(n)) for c, cur, v, n in rows]
    # Performance rule: the worth in ``base`` is a float in SQL (orders at their own rates), which
    # only picks the candidates; they are ranked exactly in Python, as each order's worth
    # converted at its rate and rounded to minor units (``to_base``), ties by customer and currency.
    # It relies on the float being off by less than ``SLACK``: each term (an order's figure times
    # a power of ten over its rate) is off by a few ulps, a sum of n terms by n ulps of the sum of
    # their sizes (1e-9 of it for ten million orders: ``FLOAT_ERROR`` is a thousand times that),
    # and rounding each order moves the exact worth by half a minor unit an order. A row whose
    # best case is below the ``limit``-th row's worst case cannot be among the first ``limit``.
    size = totals.c.total_base + func.coalesce(refunds.c.refunded_base, 0)
    slack = size * FLOAT_ERROR + totals.c.orders * 0.5
    worst = (worth - slack).label("worst")
    threshold = await s.scalar(
        select(worst).select_from(joined).order_by(worst.desc()).offset(max(limit - 1, 0)).limit(1)
    )
    candidates = (await s.execute(figures if threshold is None else figures.where(worth + slack >= threshold))).all()
    exact = await _worth_in_base(s, sorted({c for c, _, _, _ in candidates}), base)
    ranked = sorted(candidates, key=lambda row: (-exact.get((row[0], row[1]), 0), row[0], row[1]))[:limit]
    return [(c, cur, int(v or 0), int(n)) for c, cur, v, n in ranked]


FLOAT_ERROR = 1e-6  # relative: see ``value_by_customer``


async def _worth_in_base(s: AsyncSession, customers: list[int], base: str) -> dict[tuple[int, str], int]:
    """What these customers' orders (not cancelled) are worth in ``base``, less the refunds they
    no longer earn and the cash never collected, per (customer, currency): each order converted at
    its rate and rounded to minor units (``domain.accounting.to_base``), exact integers."""
    o = m.OrderRow
    taken = taken_off(_paid_on_order(*GIVEN_BACK))
    short = uncollected()
    worth: dict[tuple[int, str], int] = {}
    for chunk in _chunks(customers):
        rows = await s.execute(
            select(o.customer_id, o.currency, o.fx_rate, o.total_minor - taken - func.coalesce(short.c.short, 0))
            .select_from(outerjoin(o, short, short.c.order_id == o.id))
            .where(o.customer_id.in_(chunk), o.status != OrderStatus.CANCELLED.value)
        )
        for customer_id, currency, fx_rate, amount in rows:
            key = (customer_id, currency)
            worth[key] = worth.get(key, 0) + to_base(Money(int(amount), currency), fx_rate, base)
    return worth


async def taken_off_for(s: AsyncSession, customer_id: int) -> dict[int, int]:
    """What a customer's orders no longer earn, order id → minor units, for those that have any: the
    refunds owed they no longer earn (``taken_off``) and a cash order's parts never collected
    (``uncollected``), as ``value_by_customer`` takes them off."""
    o = m.OrderRow
    owed = _paid_on_order(*GIVEN_BACK)  # each of the customer's orders by the payments' index
    short = uncollected()
    rows = await s.execute(
        select(o.id, taken_off(owed) + func.coalesce(short.c.short, 0))
        .select_from(outerjoin(o, short, short.c.order_id == o.id))
        .where(o.customer_id == customer_id)
    )
    return {order_id: int(taken) for order_id, taken in rows if taken}


async def _in_base(s: AsyncSession, base: str) -> Callable[[Any], ColumnElement[Any]] | None:
    """An amount of an order's currency (minor units) as minor units of ``base`` at the
    order's rate; None where no other currency ever had a rate (every order is in ``base``).
    A float: it only picks the candidates ``value_by_customer`` ranks exactly."""
    o, fx = m.OrderRow, m.FxRateRow
    quoted = set(await s.scalars(select(fx.quote).where(fx.base == base, fx.quote != base).distinct()))
    if not quoted:
        return None
    shift = {c: 10.0 ** (currency_exponent(base) - currency_exponent(c)) for c in quoted | {base}}
    scale = case(shift, value=o.currency, else_=10.0 ** (currency_exponent(base) - 2))

    def converted(amount: Any) -> ColumnElement[Any]:  # ``base`` as it is, as ``to_base`` takes it
        return case(
            (o.currency == base, cast(amount, Float)), else_=cast(amount, Float) * scale / cast(o.fx_rate, Float)
        )

    return converted
