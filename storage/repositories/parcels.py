"""Parcels and their lines; pickup codes; the carriers' tracking updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.parcels import Parcel, ParcelLine, ParcelStatus, PickupCode
from storage import models as m


class SqlParcels:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def lock_order(self, order_id: int) -> None:
        """A row lock on the order on PostgreSQL: the second shipper waits, then reads the
        first one's parcel. SQLite's write transactions are serial already."""
        await self.s.execute(select(m.OrderRow.id).where(m.OrderRow.id == order_id).with_for_update())

    async def add(self, parcel: Parcel) -> Parcel:
        row = m.ParcelRow(
            order_id=parcel.order_id,
            seq=parcel.seq,
            carrier=parcel.carrier,
            tracking=parcel.tracking,
            eta=parcel.eta,
            status=parcel.status.value,
            shipped_at=parcel.shipped_at,
            delivered_at=parcel.delivered_at,
            staff_id=parcel.staff_id,
        )
        self.s.add(row)
        await self.s.flush()
        parcel.id = row.id
        self.s.add_all(
            m.ParcelLineRow(
                parcel_id=row.id,
                order_line_id=line.order_line_id,
                product_id=line.product_id,
                sku=line.sku,
                quantity=line.quantity,
            )
            for line in parcel.lines
        )
        await self.s.flush()
        return parcel

    async def _load(self, rows: Sequence[m.ParcelRow]) -> list[Parcel]:
        if not rows:
            return []
        lines: dict[int, list[ParcelLine]] = {row.id: [] for row in rows}
        found = await self.s.scalars(
            select(m.ParcelLineRow).where(m.ParcelLineRow.parcel_id.in_(list(lines))).order_by(m.ParcelLineRow.id)
        )
        for line in found:
            lines[line.parcel_id].append(ParcelLine(line.order_line_id, line.product_id, line.sku, line.quantity))
        return [
            Parcel(
                row.order_id,
                row.seq,
                row.carrier,
                row.tracking,
                lines[row.id],
                row.shipped_at,
                row.eta,
                ParcelStatus(row.status),
                row.delivered_at,
                row.staff_id,
                row.id,
            )
            for row in rows
        ]

    async def for_order(self, order_id: int) -> list[Parcel]:
        rows = await self.s.scalars(
            select(m.ParcelRow).where(m.ParcelRow.order_id == order_id).order_by(m.ParcelRow.seq)
        )
        return await self._load(list(rows))

    async def by_tracking(self, tracking: str) -> Parcel | None:
        rows = list(await self.s.scalars(select(m.ParcelRow).where(m.ParcelRow.tracking == tracking)))
        return next(iter(await self._load(rows)), None)

    async def mark_delivered(self, parcel_id: int, at: datetime) -> bool:
        # Conditional, so a repeated callback (or two staff at once) delivers it once.
        result: Any = await self.s.execute(
            update(m.ParcelRow)
            .where(m.ParcelRow.id == parcel_id, m.ParcelRow.status == ParcelStatus.SHIPPED.value)
            .values(status=ParcelStatus.DELIVERED.value, delivered_at=at)
        )
        return bool(result.rowcount)

    async def add_pickup_code(self, code: PickupCode) -> None:
        self.s.add(m.PickupCodeRow(order_id=code.order_id, code=code.code, created_at=code.created_at))
        await self.s.flush()

    @staticmethod
    def _pickup(row: m.PickupCodeRow | None) -> PickupCode | None:
        if row is None:
            return None
        return PickupCode(row.order_id, row.code, row.created_at, row.used_at, row.used_by)

    async def pickup_code_for(self, order_id: int) -> PickupCode | None:
        return self._pickup(await self.s.get(m.PickupCodeRow, order_id))

    async def pickup_code(self, code: str) -> PickupCode | None:
        return self._pickup(await self.s.scalar(select(m.PickupCodeRow).where(m.PickupCodeRow.code == code)))

    async def use_pickup_code(self, code: str, at: datetime, staff_id: int) -> bool:
        result: Any = await self.s.execute(
            update(m.PickupCodeRow)
            .where(m.PickupCodeRow.code == code, m.PickupCodeRow.used_at.is_(None))
            .values(used_at=at, used_by=staff_id)
        )
        return bool(result.rowcount)


class SqlCarrierEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def record(self, order_id: int, tracking: str, event: str, location: str, at: datetime) -> bool:
        row = m.CarrierEventRow(order_id=order_id, tracking=tracking, event=event, location=location, recorded_at=at)
        try:
            async with self.s.begin_nested():  # the same update at once: the second waits here, then loses
                self.s.add(row)
        except IntegrityError:
            return False
        return True
