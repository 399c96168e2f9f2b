"""What scheduled jobs find due in the data, the claims that make them run once, and reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, bindparam, case, func, literal, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import Customer
from domain.feedback import Review
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.payments import PaymentKind
from domain.reports import PlacedOrder, RefundedOrder, ShippedOrder, SoldLine
from domain.stock import Reservation, ReservationKind
from storage import models as m
from storage.repositories.customers import SqlCustomers
from storage.repositories.order_figures import refunds_taken_off, uncollected
from storage.repositories.orders import SqlOrders
from storage.repositories.sql import fetch
from storage.repositories.stock import SqlStock


class SqlJobs:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def expired_holds(self, now: datetime, limit: int) -> list[Reservation]:
        r = m.ReservationRow
        rows = await self.s.scalars(
            select(r)
            .where(r.kind == ReservationKind.HOLD.value, r.expires_at <= now)
            .order_by(r.expires_at, r.id)
            .limit(limit)
        )
        return [SqlStock._reservation(row) for row in rows]

    async def idle_carts(self, idle_since: datetime) -> list[Customer]:
        """Customers whose cart has not changed since ``idle_since`` and who were not
        reminded after its last change."""
        c, cl = m.CustomerRow, m.CartLineRow
        last_change = (
            select(cl.customer_id, func.max(cl.updated_at).label("changed")).group_by(cl.customer_id).subquery()
        )
        rows = await self.s.scalars(
            select(c)
            .join(last_change, last_change.c.customer_id == c.id)
            .where(
                last_change.c.changed <= idle_since,
                c.unreachable.is_(False),
                (c.cart_reminded_at.is_(None)) | (c.cart_reminded_at < last_change.c.changed),
            )
            .order_by(c.id)
        )
        return [SqlCustomers._to_domain(row, []) for row in rows]

    async def mark_cart_reminded(self, customer_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.CustomerRow)
            .where(m.CustomerRow.id == customer_id)
            .values(cart_reminded_at=at)
            .execution_options(synchronize_session=False)
        )

    async def delivered_not_followed_up(self, delivered_before: datetime) -> list[Order]:
        o, h = m.OrderRow, m.OrderHistoryRow
        # From the few orders delivered and not followed up, each checked by its own history
        # (index on order, status, time): ``id IN (every delivery before …)`` read the
        # deliveries of the shop's whole history on each tick, with the bot's loop waiting.
        delivered = (
            select(h.id)
            .where(h.order_id == o.id, h.to_status == OrderStatus.DELIVERED.value, h.at <= delivered_before)
            .exists()
        )
        rows = await self.s.scalars(
            select(o)
            .where(o.status == OrderStatus.DELIVERED.value, o.followed_up_at.is_(None), delivered)
            .order_by(o.id)
        )
        return await SqlOrders(self.s)._load(rows.all())

    async def mark_followed_up(self, order_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(followed_up_at=at)
            .execution_options(synchronize_session=False)
        )

    async def save_review(self, review: Review) -> None:
        row = await self.s.get(m.ReviewRow, review.order_id)
        if row is None:
            row = m.ReviewRow(order_id=review.order_id, customer_id=review.customer_id)
            self.s.add(row)
        row.stars, row.text, row.created_at = review.stars, review.text, review.created_at
        await self.s.flush()

    async def review(self, order_id: int) -> Review | None:
        row = await self.s.get(m.ReviewRow, order_id)
        return Review(row.order_id, row.customer_id, row.stars, row.text, row.created_at) if row else None

    async def latest_reviews(self, limit: int) -> list[Review]:
        rv, o = m.ReviewRow, m.OrderRow
        rows = await self.s.execute(
            select(rv, o.code).join(o, o.id == rv.order_id).order_by(rv.created_at.desc()).limit(limit)
        )
        return [Review(r.order_id, r.customer_id, r.stars, r.text, r.created_at, code) for r, code in rows]

    async def unpaid_invoices(self, due_by: date) -> list[tuple[Order, int]]:
        """Invoice orders due by ``due_by``, not cancelled, with less paid (or credited) than their total;
        each with how many reminders it has had."""
        o, pay = m.OrderRow, m.PaymentRow
        paid = (
            select(func.coalesce(func.sum(pay.amount_minor), 0))
            .where(pay.order_id == o.id, pay.kind.in_([PaymentKind.PAYMENT.value, PaymentKind.CREDIT_NOTE.value]))
            .scalar_subquery()
        )
        rows = (
            await self.s.scalars(
                select(o)
                .where(
                    o.payment_method == PaymentMethod.INVOICE.value,
                    o.invoice_due <= due_by,
                    o.status != OrderStatus.CANCELLED.value,
                    paid < o.total_minor,
                )
                .order_by(o.invoice_due, o.id)
            )
        ).all()
        orders = await SqlOrders(self.s)._load(rows)
        return [(order, row.dunning_stage) for order, row in zip(orders, rows, strict=True)]

    async def set_dunning_stage(self, order_id: int, stage: int) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(dunning_stage=stage)
            .execution_options(synchronize_session=False)
        )

    async def claim_daily_run(self, name: str, day: date) -> bool:
        """True once per ``day``: the job's run for that day is recorded."""
        t = m.JobRunRow
        return await self._claim(t, name, t.last_run_on < day, last_run_on=day)

    async def placed_between(self, start: datetime, end: datetime) -> list[Order]:
        o = m.OrderRow
        rows = (await self.s.scalars(select(o).where(o.created_at >= start, o.created_at < end).order_by(o.id))).all()
        return await SqlOrders(self.s)._load(rows)

    async def moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> int:
        h = m.OrderHistoryRow
        found = await self.s.scalar(
            select(func.count(func.distinct(h.order_id))).where(h.to_status == status.value, h.at >= start, h.at < end)
        )
        return int(found or 0)

    async def orders_moved_between(self, status: OrderStatus, start: datetime, end: datetime) -> list[Order]:
        h, o = m.OrderHistoryRow, m.OrderRow
        moved = select(h.order_id).where(h.to_status == status.value, h.at >= start, h.at < end)
        rows = (await self.s.scalars(select(o).where(o.id.in_(moved)).order_by(o.id))).all()
        return await SqlOrders(self.s)._load(rows)

    async def placed_figures(self, start: datetime, end: datetime) -> list[PlacedOrder]:
        rows = await fetch(self.s, _PLACED, {"start": start, "end": end})
        return [
            PlacedOrder(r.created_at, r.currency, r.total_minor, r.fx_rate, r.status == _CANCELLED, bool(r.replacement))
            for r in rows
        ]

    async def sold_lines(self, start: datetime, end: datetime, base: str) -> list[SoldLine]:
        """Lines in another currency one by one (base revenue is rounded per line); in the
        base currency summed per SKU in the database, with the latest order they are on."""
        params = {"start": start, "end": end, "base": base}
        rows = await fetch(self.s, _SOLD, params)
        # A line earned what it was charged: its units at list price less its discounts.
        # A replacement's units are no sale (domain.reports, REPLACEMENTS_ARE_NO_SALE): only what it charged.
        lines = [
            SoldLine(
                r.sku,
                r.name,
                0 if r.replacement else r.quantity,
                r.unit_price_minor,
                r.currency,
                r.fx_rate,
                r.id,
                r.quantity * r.unit_price_minor - r.discount_minor,
            )
            for r in rows
            if not r.replacement or r.quantity * r.unit_price_minor - r.discount_minor
        ]
        for r in await fetch(self.s, _SOLD_IN_BASE, params):
            lines.append(SoldLine(r.sku, "", int(r.quantity), 0, base, "1", r.order_id, int(r.amount)))
        return lines

    async def refunded_figures(self, start: datetime, end: datetime) -> list[RefundedOrder]:
        """The orders placed in the period (not cancelled) with refunds owed they no longer earn
        (``refunds_taken_off``) or cash never collected (``uncollected``): only those orders and their
        payments are read."""
        rows = await fetch(self.s, _REFUNDED, {"start": start, "end": end})
        return [RefundedOrder(r.currency, r.fx_rate, int(r.taken), bool(r.uncollected)) for r in rows if r.taken]

    async def line_name(self, sku: str, order_id: int) -> str:
        """The name on an order's line of ``sku`` (its latest, should there be two)."""
        return str(await self.s.scalar(_LINE_NAME, {"sku": sku, "order_id": order_id}) or sku)

    async def shipped_figures(self, start: datetime, end: datetime) -> list[ShippedOrder]:
        rows = await fetch(self.s, _SHIPPED, {"start": start, "end": end})
        return [
            ShippedOrder(r.created_at, r.shipped_at, r.delivery_method is not None, r.carrier, r.service, r.eta)
            for r in rows
        ]

    async def take_lock(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lock: ours if free, expired (or ended: ``end_lock``) or already ours."""
        t = m.JobLockRow
        return await self._claim(t, name, (t.holder == holder) | (t.expires_at <= now), holder=holder, expires_at=until)

    async def end_lock(self, name: str, holder: str, now: datetime) -> bool:
        """End the lock now if ``holder`` still has it (whether it did)."""
        t = m.JobLockRow
        done = await self.s.execute(
            update(t)
            .where(t.name == name, t.holder == holder, t.expires_at > now)
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def _claim(
        self, table: type[m.JobRunRow] | type[m.JobLockRow], name: str, free: ColumnElement[bool], **values: object
    ) -> bool:
        """Claim the row ``name`` where ``free`` holds, or create it: the row count of the
        conditional UPDATE decides, and of two processes creating it only one INSERT wins."""
        result = await self.s.execute(
            update(table).where(table.name == name, free).values(**values).execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        if await self.s.get(table, name) is not None:
            return False
        try:
            async with self.s.begin_nested():
                self.s.add(table(name=name, **values))
        except IntegrityError:
            return False
        return True


# The report's statements, built once. Each reads a period through an index on its time
# (migration 0017) and only the columns its figures need.
_CANCELLED = OrderStatus.CANCELLED.value
_o, _l, _h = m.OrderRow, m.OrderLineRow, m.OrderHistoryRow
_IN_PERIOD = (_o.created_at >= bindparam("start"), _o.created_at < bindparam("end"))
_REPLACEMENT = _o.flags.contains("REPLACEMENT")  # an exchange's replacement: no new sale
_PLACED = select(
    _o.created_at, _o.currency, _o.total_minor, _o.fx_rate, _o.status, _REPLACEMENT.label("replacement")
).where(*_IN_PERIOD)
_OWED, _TAKEN_OFF = refunds_taken_off()
_SHORT = uncollected()
# A cash order's parts its customer gave up were never collected: taken off as a card order's
# refund of them is, so /report's net is what the books and a customer's lifetime value count.
_REFUNDED = union_all(
    select(_o.currency, _o.fx_rate, _TAKEN_OFF.label("taken"), literal(False).label("uncollected"))
    .join(_OWED, _OWED.c.order_id == _o.id)
    .where(*_IN_PERIOD, _o.status != _CANCELLED),
    select(_o.currency, _o.fx_rate, _SHORT.c.short.label("taken"), literal(True).label("uncollected"))
    .join(_SHORT, _SHORT.c.order_id == _o.id)
    .where(*_IN_PERIOD, _o.status != _CANCELLED),
)
_SOLD = (
    select(
        _l.sku,
        _l.name,
        _l.quantity,
        _l.unit_price_minor,
        _l.discount_minor,
        _o.currency,
        _o.fx_rate,
        _o.id,
        _REPLACEMENT.label("replacement"),
    )
    .join(_o, _o.id == _l.order_id)
    .where(*_IN_PERIOD, _o.status != _CANCELLED, _o.currency != bindparam("base"))
    .order_by(_o.id, _l.id)  # a SKU's name is the one on its latest line, as on the order
)
# Performance rule: a month of a big shop is ~150,000 lines, nearly all in the base currency,
# whose base revenue is their plain sum (no rounding per line): summed per SKU in the database
# (one row a SKU, not a Python object a line). ``tests/storage/test_report_figures.py`` checks
# the figures equal those computed from whole orders, in three currencies, on both engines.
_SOLD_IN_BASE = (
    select(
        _l.sku,
        func.sum(case((_REPLACEMENT, 0), else_=_l.quantity)).label("quantity"),
        func.sum(_l.quantity * _l.unit_price_minor - _l.discount_minor).label("amount"),  # charged, after discounts
        func.max(_o.id).label("order_id"),
    )
    .join(_o, _o.id == _l.order_id)
    .where(*_IN_PERIOD, _o.status != _CANCELLED, _o.currency == bindparam("base"))
    .group_by(_l.sku)
    # a SKU only a free replacement carried was not sold
    .having(
        or_(
            func.sum(case((_REPLACEMENT, 0), else_=_l.quantity)) > 0,
            func.sum(_l.quantity * _l.unit_price_minor - _l.discount_minor) != 0,
        )
    )
)
_LINE_NAME = (
    select(_l.name)
    .where(_l.order_id == bindparam("order_id"), _l.sku == bindparam("sku"))
    .order_by(_l.id.desc())
    .limit(1)
)
_SHIPPED_VALUE = OrderStatus.SHIPPED.value
_first_shipped = select(func.min(_h.at)).where(_h.order_id == _o.id, _h.to_status == _SHIPPED_VALUE).scalar_subquery()
_SHIPPED = select(
    _o.created_at, _first_shipped.label("shipped_at"), _o.delivery_method, _o.carrier, _o.service, _o.eta
).where(
    _o.id.in_(
        select(_h.order_id).where(_h.to_status == _SHIPPED_VALUE, _h.at >= bindparam("start"), _h.at < bindparam("end"))
    )
)
