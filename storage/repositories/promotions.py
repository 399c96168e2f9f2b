"""Promotions and promo codes; a code's use counted by a conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money
from domain.promotion_weeks import CodeSale
from domain.promotions import DiscountKind, PromoCode, Promotion, Target
from storage import models as m
from storage.models.promotions import PromoCodeRow as C
from storage.models.promotions import PromoCodeUseRow as U
from storage.models.promotions import PromotionRow as P
from storage.repositories.sql import _chunks, fetch

_PROMOTIONS: Table = P.__table__  # type: ignore[assignment]
# Read by every cart and checkout screen: built once (``storage.repositories.sql.fetch``).
_NOT_ENDED = (
    select(_PROMOTIONS)
    .where(
        _PROMOTIONS.c.ends_at > bindparam("now"),
        _PROMOTIONS.c.ended_at.is_(None) | (_PROMOTIONS.c.ended_at > bindparam("now")),
    )
    .order_by(_PROMOTIONS.c.starts_at, _PROMOTIONS.c.id)
)


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(x) for x in text.split(",") if x)


def _money(minor: int | None, currency: str | None) -> Money | None:
    return Money(minor, currency) if minor is not None and currency else None


def _promotion(row: P | Any) -> Promotion:
    """From an ORM row or a Core row of the whole table (the same names)."""
    currency = row.currency
    return Promotion(
        name=row.name,
        kind=DiscountKind(row.kind),
        target=Target(row.target),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        percent=Decimal(row.percent),
        amount=_money(row.amount_minor, currency),
        buy=row.buy,
        threshold=_money(row.threshold_minor, currency),
        category_id=row.category_id,
        product_ids=_ids(row.product_ids),
        families=frozenset(c for c in (row.families or "").split(",") if c),
        target_text=row.target_text,
        ended_at=row.ended_at,
        created_by=row.created_by,
        id=row.id,
    )


def _code(row: C) -> PromoCode:
    return PromoCode(
        code=row.code,
        kind=DiscountKind(row.kind),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        percent=Decimal(row.percent),
        amount=_money(row.amount_minor, row.currency),
        minimum=_money(row.minimum_minor, row.currency),
        max_uses=row.max_uses,
        per_customer=row.per_customer,
        first_order_only=row.first_order_only,
        groups=frozenset(g for g in row.groups.split(",") if g),
        category_id=row.category_id,
        product_ids=_ids(row.product_ids),
        families=frozenset(c for c in (row.families or "").split(",") if c),
        target_text=row.target_text,
        uses=row.uses,
        ended_at=row.ended_at,
        created_by=row.created_by,
        id=row.id,
    )


class SqlPromotions:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_promotion(self, promotion: Promotion) -> Promotion:
        money = promotion.amount or promotion.threshold
        row = P(
            name=promotion.name,
            kind=promotion.kind.value,
            target=promotion.target.value,
            percent=str(promotion.percent),
            amount_minor=promotion.amount.amount if promotion.amount else None,
            buy=promotion.buy,
            threshold_minor=promotion.threshold.amount if promotion.threshold else None,
            currency=money.currency if money else None,
            category_id=promotion.category_id,
            product_ids=",".join(str(i) for i in sorted(promotion.product_ids)),
            families=",".join(sorted(promotion.families)),
            target_text=promotion.target_text,
            starts_at=promotion.starts_at,
            ends_at=promotion.ends_at,
            ended_at=promotion.ended_at,
            created_by=promotion.created_by,
        )
        self.s.add(row)
        await self.s.flush()
        return _promotion(row)

    async def promotions(self, now: datetime) -> list[Promotion]:
        """Running or still to come (not ended), oldest first."""
        return [_promotion(row) for row in await fetch(self.s, _NOT_ENDED, {"now": now})]

    async def promotions_between(self, since: datetime, until: datetime) -> list[Promotion]:
        """By their stored ends (``ends_at`` is indexed); one ended early or before it began is
        then kept only if it ran into the span."""
        rows = await self.s.scalars(select(P).where(P.starts_at < until, P.ends_at > since).order_by(P.starts_at, P.id))
        found = [_promotion(row) for row in rows]
        return [p for p in found if p.until > max(since, p.starts_at)]

    async def code_sales(self, first: date, end: date, product_ids: Sequence[int] | None = None) -> list[CodeSale]:
        # The orders first (a code's uses are few), then their shipments' demand rows by their
        # source, "shipment CODE" (``domain.usecases.parcels``): the demand has no order id.
        limited = (C.category_id.is_not(None)) | (C.product_ids != "") | (C.families != "")
        orders = select(C, m.OrderRow.code).join(U, U.code_id == C.id).join(m.OrderRow, m.OrderRow.id == U.order_id)
        by_source = {f"shipment {order}": _code(code) for code, order in await self.s.execute(orders.where(limited))}
        d, found = m.DemandRow, []
        for chunk in _chunks(sorted(by_source)):
            rows = select(d.source, d.product_id, d.warehouse_id, d.day, func.sum(d.quantity)).where(
                d.source.in_(chunk), d.day >= first, d.day < end
            )
            if product_ids is not None:
                rows = rows.where(d.product_id.in_(sorted(set(product_ids))))
            grouped = rows.group_by(d.source, d.product_id, d.warehouse_id, d.day)
            for source, product_id, warehouse_id, day, units in await self.s.execute(grouped):
                found.append(CodeSale(by_source[source], product_id, warehouse_id, day, int(units)))
        return sorted(found, key=lambda sale: (sale.day, sale.product_id, sale.warehouse_id, sale.code.code))

    async def end_promotion(self, promotion_id: int, at: datetime) -> Promotion | None:
        row = await self.s.get(P, promotion_id)
        if row is None:
            return None
        if row.ended_at is None and row.ends_at > at:
            row.ended_at = at
            await self.s.flush()
        return _promotion(row)

    async def add_code(self, code: PromoCode) -> PromoCode:
        money = code.amount or code.minimum
        row = C(
            code=code.code,
            kind=code.kind.value,
            percent=str(code.percent),
            amount_minor=code.amount.amount if code.amount else None,
            minimum_minor=code.minimum.amount if code.minimum else None,
            currency=money.currency if money else None,
            max_uses=code.max_uses,
            per_customer=code.per_customer,
            first_order_only=code.first_order_only,
            groups=",".join(sorted(code.groups)),
            category_id=code.category_id,
            product_ids=",".join(str(i) for i in sorted(code.product_ids)),
            families=",".join(sorted(code.families)),
            target_text=code.target_text,
            uses=0,
            starts_at=code.starts_at,
            ends_at=code.ends_at,
            ended_at=code.ended_at,
            created_by=code.created_by,
        )
        self.s.add(row)
        await self.s.flush()
        return _code(row)

    async def code(self, code: str) -> PromoCode | None:
        row = await self.s.scalar(select(C).where(C.code == code))
        return _code(row) if row else None

    async def codes(self, now: datetime) -> list[PromoCode]:
        """Not yet over, newest first."""
        rows = await self.s.scalars(
            select(C).where(C.ends_at > now, (C.ended_at.is_(None)) | (C.ended_at > now)).order_by(C.id.desc())
        )
        return [_code(row) for row in rows]

    async def end_code(self, code: str, at: datetime) -> PromoCode | None:
        row = await self.s.scalar(select(C).where(C.code == code))
        if row is None:
            return None
        if row.ended_at is None and row.ends_at > at:
            row.ended_at = at
            await self.s.flush()
        return _code(row)

    async def customer_uses(self, code_id: int, customer_id: int) -> int:
        return int(
            await self.s.scalar(
                select(func.count()).select_from(U).where(U.code_id == code_id, U.customer_id == customer_id)
            )
            or 0
        )

    async def use_code(self, code_id: int, customer_id: int, order_id: int, amount: Money, at: datetime) -> bool:
        """Counts one use if one is left: the row count of the conditional UPDATE decides,
        so N uses are taken by exactly N orders however many confirm at once (on
        PostgreSQL a concurrent order waits on the row, then sees the new count)."""
        counted = await self.s.execute(
            update(C)
            .where(C.id == code_id, (C.max_uses.is_(None)) | (C.uses < C.max_uses))
            .values(uses=C.uses + 1)
            .execution_options(synchronize_session=False)
        )
        if counted.rowcount != 1:  # type: ignore[attr-defined]
            return False
        await self.s.execute(
            insert(U).values(
                code_id=code_id,
                customer_id=customer_id,
                order_id=order_id,
                amount_minor=amount.amount,
                currency=amount.currency,
                at=at,
            )
        )
        return True

    async def change_code_use(self, code_id: int, order_id: int, amount: Money | None) -> None:
        """The use is given back only if the order had one: a code counts each order once."""
        mine = (U.code_id == code_id) & (U.order_id == order_id)
        if amount is not None:
            await self.s.execute(
                update(U).where(mine).values(amount_minor=amount.amount).execution_options(synchronize_session=False)
            )
            return
        removed = await self.s.execute(delete(U).where(mine).execution_options(synchronize_session=False))
        if removed.rowcount:  # type: ignore[attr-defined]
            await self.s.execute(
                update(C)
                .where(C.id == code_id, C.uses > 0)
                .values(uses=C.uses - removed.rowcount)  # type: ignore[attr-defined]
                .execution_options(synchronize_session=False)
            )
