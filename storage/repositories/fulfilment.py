"""Picking, packing and the carriers that ship."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money
from domain.orders import OrderStatus
from domain.packing import Box, Package
from domain.picking import PickLine, PickList, PickMethod, RoundTote
from domain.shipping import CarrierRate, Zone
from storage import models as m
from storage.cache import CacheView
from storage.repositories.cached import fills
from storage.repositories.warehouses import bin_id_for


class SqlPicking:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def lock_planning(self, warehouse_id: int) -> None:
        """Until this transaction ends, no other picker plans a round in this warehouse: on
        PostgreSQL a row lock on the warehouse (the next planner then reads this round,
        committed); SQLite's write transactions are serial already (FOR UPDATE is left out).
        FOR NO KEY UPDATE, which a row referencing the warehouse (a receipt's movement, a
        checkout's reservation: their foreign key's KEY SHARE) does not wait for: under FOR
        UPDATE such a writer holding a stock counter this transaction waits for deadlocked."""
        query = select(m.WarehouseRow.id).where(m.WarehouseRow.id == warehouse_id)
        await self.s.execute(query.with_for_update(key_share=True))

    @staticmethod
    def _line(row: m.PickLineRow, bin_code: str | None, warehouse_id: int) -> PickLine:
        return PickLine(
            row.seq,
            row.order_id,
            row.product_id,
            bin_code,
            row.tote,
            row.quantity,
            row.picked,
            row.short,
            row.id,
            warehouse_id,
            row.pick_list_id,
        )

    async def add(self, pick_list: PickList, at: datetime) -> PickList:
        row = m.PickListRow(
            method=pick_list.method.value,
            warehouse_id=pick_list.warehouse_id,
            zone=pick_list.zone,
            wave=pick_list.wave,
            picker_telegram_id=pick_list.picker_telegram_id,
            status="open",
            created_at=at,
        )
        self.s.add(row)
        await self.s.flush()
        pick_list.id = row.id
        for line in pick_list.lines:
            await self.add_line(pick_list, line)
        return pick_list

    async def add_line(self, pick_list: PickList, line: PickLine) -> PickLine:
        assert pick_list.id is not None
        row = m.PickLineRow(
            pick_list_id=pick_list.id,
            seq=line.seq,
            order_id=line.order_id,
            product_id=line.product_id,
            bin_id=await bin_id_for(self.s, pick_list.warehouse_id, line.bin_code) if line.bin_code else None,
            tote=line.tote,
            quantity=line.quantity,
            picked=line.picked,
            short=line.short,
        )
        self.s.add(row)
        await self.s.flush()
        line.id, line.warehouse_id, line.pick_list_id = row.id, pick_list.warehouse_id, pick_list.id
        return line

    async def _lines(self, where: ColumnElement[bool]) -> list[PickLine]:
        pl, b, t = m.PickLineRow, m.BinRow, m.PickListRow
        rows = await self.s.execute(
            select(pl, b.code, t.warehouse_id)
            .join(t, t.id == pl.pick_list_id)
            .outerjoin(b, b.id == pl.bin_id)
            .where(where)
            .order_by(pl.seq)
        )
        return [self._line(row, code, warehouse_id) for row, code, warehouse_id in rows]

    async def open_for(self, picker_telegram_id: int) -> PickList | None:
        t = m.PickListRow
        row = await self.s.scalar(
            select(t).where(t.picker_telegram_id == picker_telegram_id, t.status == "open").order_by(t.id).limit(1)
        )
        if row is None:
            return None
        lines = await self._lines(m.PickLineRow.pick_list_id == row.id)
        return PickList(
            PickMethod(row.method), row.warehouse_id, row.picker_telegram_id, lines, row.zone, row.wave, False, row.id
        )

    async def save_line(self, line: PickLine) -> None:
        await self.s.execute(
            update(m.PickLineRow)
            .where(m.PickLineRow.id == line.id)
            .values(seq=line.seq, picked=line.picked, short=line.short)
            .execution_options(synchronize_session=False)
        )

    async def finish(self, pick_list_id: int, at: datetime) -> None:
        await self.s.execute(
            update(m.PickListRow)
            .where(m.PickListRow.id == pick_list_id)
            .values(status="done", finished_at=at)
            .execution_options(synchronize_session=False)
        )

    async def orders_being_picked(self, warehouse_id: int, statuses: Sequence[OrderStatus]) -> set[int]:
        """Orders in ``statuses`` a round in the warehouse planned: reached from the orders by
        status (open ones are few), not from every pick line the warehouse ever had."""
        o, pl, t = m.OrderRow, m.PickLineRow, m.PickListRow
        rounds = (
            select(pl.id).join(t, t.id == pl.pick_list_id).where(pl.order_id == o.id, t.warehouse_id == warehouse_id)
        )
        rows = await self.s.scalars(select(o.id).where(o.status.in_([s.value for s in statuses]), rounds.exists()))
        return set(rows)

    async def lines_for_order(self, order_id: int) -> list[PickLine]:
        return await self._lines(m.PickLineRow.order_id == order_id)

    async def rounds_of_order(self, order_id: int) -> list[RoundTote]:
        pl, t = m.PickLineRow, m.PickListRow
        rows = await self.s.execute(
            select(t.id, t.picker_telegram_id, func.min(pl.tote), t.finished_at)
            .join(pl, pl.pick_list_id == t.id)
            .where(pl.order_id == order_id)
            .group_by(t.id, t.picker_telegram_id, t.finished_at)
            .order_by(t.id)
        )
        return [RoundTote(list_id, picker, tote, finished) for list_id, picker, tote, finished in rows]

    async def next_wave(self) -> int:
        return int(await self.s.scalar(select(func.coalesce(func.max(m.PickListRow.wave), 0))) or 0) + 1


class SqlPacking:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def boxes(self) -> list[Box]:
        rows = await self.s.scalars(select(m.BoxRow).order_by(m.BoxRow.code))
        return [Box(r.code, r.name, r.length_mm, r.width_mm, r.height_mm, r.max_weight_g) for r in rows]

    async def replace_boxes(self, boxes: Sequence[Box]) -> None:
        await self.s.execute(delete(m.BoxRow))
        self.s.add_all(
            m.BoxRow(
                code=b.code,
                name=b.name,
                length_mm=b.length_mm,
                width_mm=b.width_mm,
                height_mm=b.height_mm,
                max_weight_g=b.max_weight_g,
            )
            for b in boxes
        )
        await self.s.flush()

    async def add_package(self, package: Package, at: datetime) -> None:
        self.s.add(
            m.PackageRow(
                order_id=package.order_id,
                seq=package.seq,
                box_code=package.box_code or "",  # the column holds "" for no box, as rows packed before did
                weight_g=package.weight_g,
                packed_by=package.packed_by,
                packed_at=at,
            )
        )
        await self.s.flush()

    async def packages(self, order_id: int) -> list[Package]:
        rows = await self.s.scalars(
            select(m.PackageRow).where(m.PackageRow.order_id == order_id).order_by(m.PackageRow.seq)
        )
        return [Package(r.order_id, r.seq, r.box_code or None, r.weight_g, r.packed_by) for r in rows]


_CARRIER_RATES = fills("reference", select(m.CarrierRateRow).order_by(m.CarrierRateRow.id))


class SqlCarriers:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def all(self) -> list[CarrierRate]:
        if self.cache is not None and (cached := self.cache.get("reference", "carriers")) is not None:
            return list(cast(tuple[CarrierRate, ...], cached))
        rates = await self._all()
        if self.cache is not None:
            self.cache.put("reference", "carriers", tuple(rates))  # CarrierRate is frozen
        return rates

    async def _all(self) -> list[CarrierRate]:
        rows = await self.s.scalars(_CARRIER_RATES)
        return [
            CarrierRate(
                r.carrier,
                r.service,
                Zone(r.zone),
                Money(r.base_minor, r.currency),
                Money(r.per_kg_minor, r.currency),
                r.transit_days,
                r.cutoff_hour,
                r.max_weight_g,
                r.id,
                r.tracking_url,
            )
            for r in rows
        ]

    async def replace_all(self, rates: Sequence[CarrierRate]) -> None:
        """A rate file is the whole table: services not in it are no longer offered."""
        existing = {
            (r.carrier, r.service, r.zone, r.currency): r for r in await self.s.scalars(select(m.CarrierRateRow))
        }
        keep = set()
        for rate in rates:
            key = (rate.carrier, rate.service, rate.zone.value, rate.base.currency)
            row = existing.get(key) or m.CarrierRateRow(
                carrier=rate.carrier, service=rate.service, zone=rate.zone.value, currency=rate.base.currency
            )
            row.base_minor, row.per_kg_minor = rate.base.amount, rate.per_kg.amount
            row.transit_days, row.cutoff_hour, row.max_weight_g = rate.transit_days, rate.cutoff_hour, rate.max_weight_g
            row.tracking_url = rate.tracking_url
            self.s.add(row)
            keep.add(key)
        for key, row in existing.items():
            if key not in keep:
                await self.s.delete(row)
        await self.s.flush()
