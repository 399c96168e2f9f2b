"""Orders, their lines and history."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import IllegalTransition
from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import (
    Channel,
    Delivery,
    DeliveryMethod,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    reference_key,
)
from domain.queue_rank import PRIORITY_FLAGS, QUEUE_RANK, RankKey
from storage import models as m
from storage.repositories import order_figures
from storage.repositories.document_numbers import next_number
from storage.repositories.issued_invoices import issued_invoice, keep_invoice
from storage.repositories.sql import _chunks, _table, fetch, run

_ORDERS = _table(m.OrderRow)
_ORDER_LINES = _table(m.OrderLineRow)
_ORDER_HISTORY = _table(m.OrderHistoryRow)
_ADD_ORDER = insert(_ORDERS)
_ADD_ORDER_LINE = insert(_ORDER_LINES)
_ADD_HISTORY = insert(_ORDER_HISTORY)
_ORDER_BY_ID = select(_ORDERS).where(_ORDERS.c.id == bindparam("id"))
_ORDERS_BY_IDS = select(_ORDERS).where(_ORDERS.c.id.in_(bindparam("ids", expanding=True)))
_ORDER_BY_CODE = select(_ORDERS).where(_ORDERS.c.code == bindparam("code"))
_ORDER_BY_INVOICE = select(_ORDERS).where(_ORDERS.c.invoice_number == bindparam("number"))
_CODES_BY_REFERENCE = (
    select(_ORDERS.c.code)
    .where(_ORDERS.c.reference_key == bindparam("reference_key"))
    .order_by(_ORDERS.c.created_at.desc(), _ORDERS.c.id.desc())
    .limit(bindparam("limit"))
)
_SET_REFERENCE = (
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"))
    .values(
        reference=bindparam("new_reference"),
        reference_key=bindparam("new_reference_key"),
        updated_at=bindparam("at"),
    )
)
_SET_INVOICE_NUMBER = (
    update(_ORDERS).where(_ORDERS.c.id == bindparam("order_id")).values(invoice_number=bindparam("number"))
)
_ORDER_BY_CHECKOUT_KEY = select(_ORDERS).where(_ORDERS.c.checkout_key == bindparam("checkout_key"))
_LINES_OF_ORDERS = select(_ORDER_LINES).where(_ORDER_LINES.c.order_id.in_(bindparam("ids", expanding=True)))
_HISTORY_OF_ORDERS = (
    select(_ORDER_HISTORY)
    .where(_ORDER_HISTORY.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_ORDER_HISTORY.c.id)
)
# Compare-and-set on the previous status, so two staff pressing buttons at once cannot
# both move the order.
_MOVE_ORDER = (
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"), _ORDERS.c.status == bindparam("from_status"))
    .values(
        status=bindparam("new_status"),
        held_from=bindparam("new_held_from"),
        updated_at=bindparam("at"),
        tracking_number=bindparam("new_tracking_number"),
        carrier=bindparam("new_carrier"),
        service=bindparam("new_service"),
    )
)


# The queue's rule (domain/queue_rank.py), key by key, as the database computes it: flags are
# stored comma-joined, so a flag is matched between commas; a promised date counts only with a
# delivery, as ``Order.delivery`` reads it.
_FLAGS = literal(",") + _ORDERS.c.flags + ","
_RANK_SQL: dict[RankKey, ColumnElement[Any]] = {
    RankKey.FLAGGED: case((or_(*(_FLAGS.like(f"%,{f},%") for f in sorted(PRIORITY_FLAGS))), 0), else_=1),
    RankKey.UNPROMISED: case((and_(_ORDERS.c.delivery_method.is_not(None), _ORDERS.c.eta.is_not(None)), 0), else_=1),
    RankKey.PROMISED: case((_ORDERS.c.delivery_method.is_not(None), _ORDERS.c.eta)),  # else NULL, a tie
    RankKey.PLACED: _ORDERS.c.created_at,
    RankKey.ID: _ORDERS.c.id,
}
_QUEUE_ORDER = [_RANK_SQL[key] for key in QUEUE_RANK]


def _names_json(line: OrderLine) -> str:
    return json.dumps(dict(sorted(line.names.items())), ensure_ascii=False) if line.names else "{}"


def _line_row(order_id: int, line: OrderLine) -> dict[str, object]:
    """An order line's row, as placed or as an edit adds it."""
    return {
        "order_id": order_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price_minor": line.unit_price.amount,
        "discount_minor": line.discount_minor,
        "names": _names_json(line),
        "replaces_line_id": line.replaces_line_id,
        "paid_minor": line.paid_minor,
        "list_price_minor": line.list_price_minor,
    }


class SqlOrders:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, order: Order) -> Order:
        now = order.created_at
        values = {
            "code": order.code,
            "customer_id": order.customer_id,
            "status": order.status.value,
            "held_from": order.held_from.value if order.held_from else None,
            "currency": order.currency,
            "subtotal_minor": order.subtotal.amount,
            "shipping_minor": order.shipping.amount if order.shipping else 0,
            "total_minor": order.total.amount,
            "discount_minor": order.discount.amount,
            "promo_code": order.promo_code,
            "reference": order.reference,
            "reference_key": reference_key(order.reference),
            "buyer_tax_number": order.buyer_tax_number,
            "seller_tax_number": order.seller_tax_number,
            "invoice_number": order.invoice_number,
            "discounts": json.dumps([list(d) for d in order.discounts], ensure_ascii=False),
            "fx_rate": order.fx_rate,
            "tax_rate": order.tax_rate,
            "flags": ",".join(sorted(order.flags)),
            "created_at": now,
            "updated_at": now,
            **self._details(order),
        }
        order.id = (await run(self.s, _ADD_ORDER, values)).inserted_primary_key[0]  # type: ignore[index]
        lines = [_line_row(order.id, line) for line in order.lines]
        if lines:
            await run(self.s, _ADD_ORDER_LINE, lines)
        if order.history:
            await run(self.s, _ADD_HISTORY, [self._history_row(order.id, entry) for entry in order.history])
        return order

    @staticmethod
    def _details(order: Order) -> dict[str, object]:
        d = order.delivery
        return {
            "channel": order.channel.value,
            "payment_method": order.payment_method.value,
            "delivery_method": d.method.value if d else None,
            "address": d.address if d else "",
            "latitude": d.latitude if d else None,
            "longitude": d.longitude if d else None,
            "pickup_warehouse_id": d.pickup_warehouse_id if d else None,
            "carrier": d.carrier if d else "",
            "service": d.service if d else "",
            "eta": d.eta if d else None,
            "ready_by": d.ready_by if d else None,
            "contact_phone": order.contact_phone,
            "invoice_due": order.invoice_due,
            "routing": json.dumps(order.routing, ensure_ascii=False),
            "checkout_key": order.checkout_key,
            "tracking_number": order.tracking_number,
            "gift_message": order.gift_message,
        }

    @staticmethod
    def _delivery(row: Any) -> Delivery | None:  # ORM or Core row
        if row.delivery_method is None:
            return None
        return Delivery(
            DeliveryMethod(row.delivery_method),
            row.address,
            row.latitude,
            row.longitude,
            row.pickup_warehouse_id,
            row.carrier,
            row.service,
            row.eta,
            row.ready_by,
        )

    async def get_by_checkout_key(self, key: str) -> Order | None:
        return await self._first(_ORDER_BY_CHECKOUT_KEY, checkout_key=key)

    async def _first(self, statement: Executable, **params: object) -> Order | None:
        row = next(iter(await fetch(self.s, statement, params)), None)
        return (await self._load([row]))[0] if row else None

    async def get_by_tracking(self, tracking: str) -> Order | None:
        if not tracking:
            return None
        o = m.OrderRow
        row = await self.s.scalar(select(o).where(o.tracking_number == tracking).order_by(o.id.desc()).limit(1))
        return (await self._load([row]))[0] if row else None

    async def for_customer(self, customer_id: int, offset: int, limit: int) -> tuple[list[Order], int]:
        o = m.OrderRow
        total = await self.s.scalar(select(func.count()).select_from(o).where(o.customer_id == customer_id)) or 0
        rows = (
            await self.s.scalars(
                select(o)
                .where(o.customer_id == customer_id)
                .order_by(o.created_at.desc(), o.id.desc())
                .offset(offset)
                .limit(limit)
            )
        ).all()
        return await self._load(rows), total

    async def totals_between(self, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
        return await order_figures.totals_between(self.s, start, end)

    async def open_unpaid(self, customer_id: int) -> int:
        o = m.OrderRow
        settled = [s.value for s in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.CANCELLED)]
        unpaid = or_(
            o.status == OrderStatus.AWAITING_PAYMENT.value,
            and_(o.payment_method == PaymentMethod.COD.value, o.status.not_in(settled)),
        )
        counted = select(func.count()).select_from(o).where(o.customer_id == customer_id, unpaid)
        return int(await self.s.scalar(counted) or 0)

    async def count_by_status(self) -> dict[OrderStatus, int]:
        return await order_figures.count_by_status(self.s)

    async def count_by_warehouse(self, statuses: Sequence[OrderStatus]) -> dict[tuple[int, OrderStatus], int]:
        return await order_figures.count_by_warehouse(self.s, statuses)

    async def placed_between(self, start: datetime, end: datetime) -> list[tuple[datetime, str, int, str, bool]]:
        return await order_figures.placed_between(self.s, start, end)

    @staticmethod
    def _history_row(order_id: int, entry: HistoryEntry) -> dict[str, object]:
        return {
            "order_id": order_id,
            "at": entry.at,
            "actor": entry.actor,
            "from_status": entry.from_status.value if entry.from_status else None,
            "to_status": entry.to_status.value,
            "reason": entry.reason,
            "amount_minor": entry.amount.amount if entry.amount is not None else None,
        }

    async def to_fulfil(self, statuses: Sequence[OrderStatus], warehouse_id: int | None) -> list[Order]:
        """Orders in these statuses, with an allocation in the warehouse when one is given."""
        o, r = m.OrderRow, m.ReservationRow
        query = select(o).where(o.status.in_([s.value for s in statuses])).order_by(o.created_at, o.id)
        if warehouse_id is not None:
            allocated = select(r.order_id).where(r.warehouse_id == warehouse_id, r.order_id.is_not(None))
            query = query.where(o.id.in_(allocated))
        return await self._load((await self.s.scalars(query)).all())

    async def queue(
        self, statuses: Sequence[OrderStatus], warehouse_id: int, offset: int, limit: int | None
    ) -> tuple[list[Order], int]:
        """Ranked and paged in the database: only the page's orders are loaded whole."""
        o, r = m.OrderRow, m.ReservationRow
        allocated = select(r.order_id).where(r.warehouse_id == warehouse_id, r.order_id.is_not(None))
        where = (o.status.in_([s.value for s in statuses]), o.id.in_(allocated))
        total = await self.s.scalar(select(func.count()).select_from(o).where(*where)) or 0
        page = select(o).where(*where).order_by(*_QUEUE_ORDER).offset(offset).limit(limit)
        return await self._load((await self.s.scalars(page)).all()), total

    async def value_by_customer(self, limit: int, base: str) -> list[tuple[int, str, int, int]]:
        return await order_figures.value_by_customer(self.s, limit, base)

    async def taken_off_for(self, customer_id: int) -> dict[int, int]:
        return await order_figures.taken_off_for(self.s, customer_id)

    async def set_flags(self, order_id: int, flags: frozenset[str]) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(flags=",".join(sorted(flags)))
            .execution_options(synchronize_session=False)
        )

    async def set_routing(self, order_id: int, routing: list[str]) -> None:
        await self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(routing=json.dumps(routing, ensure_ascii=False))
            .execution_options(synchronize_session=False)
        )

    async def get_by_id(self, order_id: int) -> Order | None:
        return await self._first(_ORDER_BY_ID, id=order_id)

    async def get_by_code(self, code: str) -> Order | None:
        return await self._first(_ORDER_BY_CODE, code=code)

    async def get_by_invoice_number(self, number: int) -> Order | None:
        return await self._first(_ORDER_BY_INVOICE, number=number)

    async def number_invoice(self, order_id: int) -> int:
        number = await next_number(self.s, "invoice", order_id)
        await run(self.s, _SET_INVOICE_NUMBER, {"order_id": order_id, "number": number})
        return number

    async def keep_invoice(self, invoice: IssuedInvoice) -> None:
        await keep_invoice(self.s, invoice)

    async def issued_invoice(self, order_id: int) -> IssuedInvoice | None:
        return await issued_invoice(self.s, order_id)

    async def codes_by_reference(self, reference: str, limit: int) -> list[str]:
        key = reference_key(reference)
        if not key:  # every order without a reference carries the empty key
            return []
        return [row.code for row in await fetch(self.s, _CODES_BY_REFERENCE, {"reference_key": key, "limit": limit})]

    async def set_reference(self, order: Order, entry: HistoryEntry) -> None:
        assert order.id is not None
        values = {"order_id": order.id, "new_reference": order.reference, "at": entry.at}
        await run(self.s, _SET_REFERENCE, {**values, "new_reference_key": reference_key(order.reference)})
        await run(self.s, _ADD_HISTORY, self._history_row(order.id, entry))

    async def by_ids(self, order_ids: Sequence[int]) -> dict[int, Order]:
        """The orders there are of these ids, in three statements a chunk of them (a page's)."""
        rows: list[Any] = []
        for chunk in _chunks(list(dict.fromkeys(order_ids))):
            rows += await fetch(self.s, _ORDERS_BY_IDS, {"ids": list(chunk)})
        return {order.id or 0: order for order in await self._load(rows)}

    async def _load(self, rows: Sequence[Any]) -> list[Order]:
        """Orders (ORM or Core rows) with their lines and history in two queries a chunk of
        orders (a late-orders scan reads every open one: PostgreSQL's limit of parameters)."""
        lines: dict[int, list[Any]] = defaultdict(list)
        history: dict[int, list[Any]] = defaultdict(list)
        for chunk in _chunks([row.id for row in rows]):
            for line in await fetch(self.s, _LINES_OF_ORDERS, {"ids": list(chunk)}):
                lines[line.order_id].append(line)
            for entry in await fetch(self.s, _HISTORY_OF_ORDERS, {"ids": list(chunk)}):
                history[entry.order_id].append(entry)
        return [self._order(row, lines[row.id], history[row.id]) for row in rows]

    def _order(self, row: Any, lines: list[Any], history: list[Any]) -> Order:
        return Order(
            code=row.code,
            customer_id=row.customer_id,
            currency=row.currency,
            lines=[
                OrderLine(
                    x.product_id,
                    x.sku,
                    x.name,
                    x.quantity,
                    Money(x.unit_price_minor, row.currency),
                    x.id,
                    x.discount_minor,
                    json.loads(x.names) if x.names != "{}" else {},
                    x.replaces_line_id,
                    x.paid_minor,
                    x.list_price_minor,
                )
                for x in sorted(lines, key=lambda x: x.id)
            ],
            status=OrderStatus(row.status),
            shipping=Money(row.shipping_minor, row.currency),
            fx_rate=row.fx_rate,
            tax_rate=row.tax_rate,
            flags=frozenset(f for f in row.flags.split(",") if f),
            held_from=OrderStatus(row.held_from) if row.held_from else None,
            created_at=row.created_at,
            history=[
                HistoryEntry(
                    h.at,
                    h.actor,
                    OrderStatus(h.from_status) if h.from_status else None,
                    OrderStatus(h.to_status),
                    h.reason,
                    Money(h.amount_minor, row.currency) if h.amount_minor is not None else None,
                )
                for h in history
            ],
            channel=Channel(row.channel),
            payment_method=PaymentMethod(row.payment_method),
            delivery=self._delivery(row),
            contact_phone=row.contact_phone,
            invoice_due=row.invoice_due,
            routing=list(json.loads(row.routing or "[]")),
            checkout_key=row.checkout_key,
            tracking_number=row.tracking_number,
            gift_message=row.gift_message,
            promo_code=row.promo_code,
            reference=row.reference,
            buyer_tax_number=row.buyer_tax_number,
            seller_tax_number=row.seller_tax_number,
            invoice_number=row.invoice_number,
            discounts=tuple((str(label), int(minor)) for label, minor in json.loads(row.discounts or "[]")),
            id=row.id,
            version=row.version,
        )

    async def record_transition(self, order: Order, entry: HistoryEntry) -> None:
        """Compare-and-set on the previous status, so two staff pressing buttons at once
        cannot both move the order."""
        assert order.id is not None and entry.from_status is not None  # a new order is added, not moved
        values = {
            "order_id": order.id,
            "from_status": entry.from_status.value,
            "new_status": order.status.value,
            "new_held_from": order.held_from.value if order.held_from else None,
            "at": entry.at,
            "new_tracking_number": order.tracking_number,
            "new_carrier": order.delivery.carrier if order.delivery else "",
            "new_service": order.delivery.service if order.delivery else "",
        }
        if not (await run(self.s, _MOVE_ORDER, values)).rowcount:
            current = await self.s.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id))
            raise IllegalTransition(current=current or "?", target=entry.to_status.value)
        await run(self.s, _ADD_HISTORY, self._history_row(order.id, entry))

    async def claim_edit(self, order_id: int, version: int, statuses: Sequence[OrderStatus]) -> bool:
        """Compare-and-set on the version and the status: the one edit that wins bumps the
        version; on PostgreSQL the row stays locked until the edit commits."""
        o = m.OrderRow
        done = await self.s.execute(
            update(o)
            .where(o.id == order_id, o.version == version, o.status.in_([s.value for s in statuses]))
            .values(version=o.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def save_edit(self, order: Order, entry: HistoryEntry) -> None:
        """An edited order's lines, totals, delivery and routing, and its history row; a kept
        line keeps its id."""
        assert order.id is not None
        o, line_row = m.OrderRow, m.OrderLineRow
        values = {
            "subtotal_minor": order.subtotal.amount,
            "shipping_minor": order.shipping.amount if order.shipping else 0,
            "total_minor": order.total.amount,
            "discount_minor": order.discount.amount,
            "promo_code": order.promo_code,
            "discounts": json.dumps([list(d) for d in order.discounts], ensure_ascii=False),
            "updated_at": entry.at,
            **self._details(order),
        }
        await self.s.execute(
            update(o).where(o.id == order.id).values(**values).execution_options(synchronize_session=False)
        )
        kept = [line for line in order.lines if line.id is not None]
        await self.s.execute(
            delete(line_row)
            .where(line_row.order_id == order.id, line_row.id.not_in([line.id for line in kept]))
            .execution_options(synchronize_session=False)
        )
        for line in kept:
            await self.s.execute(
                update(line_row)
                .where(line_row.id == line.id)
                # A line sent in exchange keeps what its units left were paid (``domain.editing``).
                .values(quantity=line.quantity, discount_minor=line.discount_minor, paid_minor=line.paid_minor)
                .execution_options(synchronize_session=False)
            )
        added = [_line_row(order.id, line) for line in order.lines if line.id is None]
        if added:
            await run(self.s, _ADD_ORDER_LINE, added)
        await run(self.s, _ADD_HISTORY, self._history_row(order.id, entry))
