"""The per-day sales summary: its rows, its state, and which days' orders were written since."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reports import DayFigures, SoldLine
from domain.sales import DaySku, SummaryState
from storage import models as m
from storage.repositories.sql import fetch, run

_d, _k, _s, _o = m.SalesDayRow, m.SalesDaySkuRow, m.SalesSummaryRow, m.OrderRow
_STATE_ID = 1
_DAYS = select(_d).where(_d.day >= bindparam("first"), _d.day <= bindparam("last"))
# Summed per SKU in the database: a month of a 10,000-SKU shop is ~100,000 day × SKU rows.
_SKUS = (
    select(
        _k.sku,
        func.sum(_k.units).label("units"),
        func.sum(_k.base_minor).label("base_minor"),
        func.max(_k.last_order_id).label("last_order_id"),
    )
    .where(_k.day >= bindparam("first"), _k.day <= bindparam("last"), _k.day.not_in(bindparam("skip", expanding=True)))
    .group_by(_k.sku)
)
# Read from ix_orders_updated_created alone: the orders written since the watermark are the
# last minutes' few, whatever the size of the shop.
_WRITTEN = select(_o.created_at).where(_o.updated_at >= bindparam("since"), _o.created_at < bindparam("end"))


class SqlSales:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def state(self) -> SummaryState | None:
        row = await self.s.get(_s, _STATE_ID)
        return SummaryState(row.timezone, row.base_currency, row.through, row.settled) if row else None

    async def save_state(self, state: SummaryState) -> None:
        row = await self.s.get(_s, _STATE_ID)
        if row is None:
            row = _s(id=_STATE_ID)
            self.s.add(row)
        row.timezone, row.base_currency, row.through, row.settled = (
            state.timezone,
            state.base,
            state.through,
            state.settled,
        )
        await self.s.flush()

    async def clear(self) -> None:
        for table in (_d, _k, _s):
            await self.s.execute(delete(table).execution_options(synchronize_session=False))

    async def replace_day(self, day: date, figures: Sequence[DayFigures], skus: Sequence[DaySku]) -> None:
        await self.s.execute(delete(_d).where(_d.day == day).execution_options(synchronize_session=False))
        await self.s.execute(delete(_k).where(_k.day == day).execution_options(synchronize_session=False))
        if figures:
            await run(
                self.s,
                insert(_d),
                [
                    {
                        "day": f.day,
                        "currency": f.currency,
                        "orders": f.orders,
                        "cancelled": f.cancelled,
                        "total_minor": f.total,
                        "base_minor": f.base_total,
                    }
                    for f in figures
                ],
            )
        if skus:
            await run(
                self.s,
                insert(_k),
                [
                    {"day": k.day, "sku": k.sku, "units": k.units, "base_minor": k.revenue, "last_order_id": k.order_id}
                    for k in skus
                ],
            )

    async def days(self, first: date, last: date) -> list[DayFigures]:
        return [
            DayFigures(r.day, r.currency, r.orders, r.cancelled, r.total_minor, r.base_minor)
            for r in await fetch(self.s, _DAYS, {"first": first, "last": last})
        ]

    async def sold(self, first: date, last: date, skip: Sequence[date], base: str) -> list[SoldLine]:
        rows = await fetch(self.s, _SKUS, {"first": first, "last": last, "skip": list(skip)})
        return [SoldLine(r.sku, "", int(r.units), 0, base, "1", int(r.last_order_id), int(r.base_minor)) for r in rows]

    async def first_order_at(self) -> datetime | None:
        first: datetime | None = await self.s.scalar(select(func.min(_o.created_at)))
        return first

    async def written_since(
        self, since: datetime, until: datetime | None, start: datetime | None, end: datetime
    ) -> list[datetime]:
        statement = _WRITTEN
        if until is not None:
            statement = statement.where(_o.updated_at < until)
        if start is not None:
            statement = statement.where(_o.created_at >= start)
        return [r.created_at for r in await fetch(self.s, statement, {"since": since, "end": end})]
