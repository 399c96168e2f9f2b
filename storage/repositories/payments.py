"""Payments on orders: recorded payments and refunds, and which orders still owe back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money
from domain.owed_back import OWED_KINDS, RETURN_MARK
from domain.payments import Payment, PaymentKind
from storage import models as m
from storage.repositories.sql import _chunks


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, payment: Payment) -> bool:
        if payment.telegram_charge_id is not None:
            seen = await self.s.scalar(
                select(m.PaymentRow.id).where(m.PaymentRow.telegram_charge_id == payment.telegram_charge_id)
            )
            if seen is not None:
                return False
        self.s.add(
            m.PaymentRow(
                order_id=payment.order_id,
                kind=payment.kind.value,
                method=payment.method,
                amount_minor=payment.amount.amount,
                currency=payment.amount.currency,
                telegram_charge_id=payment.telegram_charge_id,
                provider_charge_id=payment.provider_charge_id,
                at=payment.at,
                credit_note_id=payment.credit_note_id,
                note=payment.note,
            )
        )
        await self.s.flush()
        # A payment is a change of its order, in its transaction: a channel polling changed_since (the
        # order's changed-at, ``updated_at``) learns of an invoice paid in part, its status unchanged.
        # Forward only: a charge recorded as of an earlier moment does not take a later change back.
        o = m.OrderRow
        await self.s.execute(
            update(o)
            .where(o.id == payment.order_id, o.updated_at < payment.at)
            .values(updated_at=payment.at)
            .execution_options(synchronize_session=False)
        )
        return True

    async def for_order(self, order_id: int) -> list[Payment]:
        return (await self.for_orders([order_id]))[order_id]

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Payment]]:
        """Each order's payments in the order they were recorded (every id present, if only
        with []), a few statements however many orders: the receivables report lists all."""
        found: dict[int, list[Payment]] = {order_id: [] for order_id in order_ids}
        p = m.PaymentRow
        for chunk in _chunks(list(found)):
            for r in await self.s.scalars(select(p).where(p.order_id.in_(chunk)).order_by(p.id)):
                found[r.order_id].append(
                    Payment(
                        r.order_id,
                        PaymentKind(r.kind),
                        r.method,
                        Money(r.amount_minor, r.currency),
                        r.at,
                        r.telegram_charge_id,
                        r.provider_charge_id,
                        r.id,
                        r.credit_note_id,
                        r.note,
                    )
                )
        return found

    async def owing(self, offset: int, limit: int) -> tuple[list[int], int]:
        """The orders that still owe back outside their returns (``domain.owed_back.owed_back``
        in SQL, so /refunds pages in the database), oldest first, a page of them, and how many in
        all. The two agree case by case: ``tests/contracts/test_payments.py``, both engines."""
        p, r = m.PaymentRow, m.ReturnRow
        owed = tuple(kind.value for kind in OWED_KINDS)
        here = (p.kind == PaymentKind.REFUNDED.value) & ~p.method.startswith(RETURN_MARK)
        signed = case((p.kind.in_(owed), p.amount_minor), (here, -p.amount_minor), else_=0)
        by_payments = select(p.order_id, func.sum(signed).label("owed")).group_by(p.order_id).subquery()
        returns = select(r.order_id, func.sum(r.refund_minor).label("back")).where(r.refund_minor > 0)
        by_returns = returns.group_by(r.order_id).subquery()
        left = by_payments.c.owed - func.coalesce(by_returns.c.back, 0)
        owing = (
            select(by_payments.c.order_id)
            .outerjoin(by_returns, by_returns.c.order_id == by_payments.c.order_id)
            .where(left > 0)
        )
        total = await self.s.scalar(select(func.count()).select_from(owing.subquery())) or 0
        page = owing.order_by(by_payments.c.order_id).offset(offset).limit(limit)
        return list(await self.s.scalars(page)), total
