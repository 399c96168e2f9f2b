"""Warehouses and their bins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.warehouse import BinCode, Warehouse
from storage import models as m
from storage.cache import CacheView
from storage.repositories.cached import copier, fills
from storage.repositories.sql import _chunks, _table, fetch, insert_if_missing

_copied = copier(Warehouse)  # what the read cache keeps and hands out shares nothing a caller changes


async def bin_id_for(session: AsyncSession, warehouse_id: int, bin_code: str) -> int:
    """The bin's row id, the bin being created on first use (bins come from counts and moves)."""
    code = str(BinCode.parse(bin_code))
    query = select(m.BinRow.id).where(m.BinRow.warehouse_id == warehouse_id, m.BinRow.code == code)
    found = await session.scalar(query)
    if found is None:  # two staff naming a new bin at once: both get the one row
        await insert_if_missing(
            session, m.BinRow, {"warehouse_id": warehouse_id, "code": code, "zone": BinCode.parse(code).zone}
        )
        found = await session.scalar(query)
    assert found is not None
    return found


_IDS_BY_CODE = select(m.WarehouseRow.code, m.WarehouseRow.id).where(
    m.WarehouseRow.code.in_(bindparam("codes", expanding=True))
)
# The warehouses (and their zones, from their bins) in the reference section.
_WAREHOUSES = fills("reference", select(_table(m.WarehouseRow)).order_by(m.WarehouseRow.code))
_ZONES = fills(
    "reference",
    select(m.BinRow.warehouse_id, m.BinRow.zone)
    .where(m.BinRow.warehouse_id.in_(bindparam("ids", expanding=True)))
    .distinct()
    .order_by(m.BinRow.zone),
)


class SqlWarehouses:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache
        self._read: list[Warehouse] | None = None  # this transaction's read, for checkout's several routings

    async def _zones(self, warehouse_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        zones: dict[int, list[str]] = defaultdict(list)
        for row in await fetch(self.s, _ZONES, {"ids": list(warehouse_ids)}):
            zones[row.warehouse_id].append(row.zone)
        return {wid: tuple(z) for wid, z in zones.items()}

    @staticmethod
    def _to_domain(row: Any, zones: tuple[str, ...]) -> Warehouse:  # ORM or Core row
        return Warehouse(
            row.code, row.name, row.address, row.latitude, row.longitude, row.is_pickup_point, zones, row.id
        )

    async def get_by_code(self, code: str) -> Warehouse | None:
        row = await self.s.scalar(select(m.WarehouseRow).where(m.WarehouseRow.code == code))
        if row is None:
            return None
        return self._to_domain(row, (await self._zones([row.id])).get(row.id, ()))

    async def ids_by_code(self, codes: Sequence[str]) -> dict[str, int]:
        """A query per chunk: a stock file may name more codes than one statement takes."""
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(codes))):
            found.update({row.code: row.id for row in await fetch(self.s, _IDS_BY_CODE, {"codes": list(chunk)})})
        return found

    async def upsert(self, warehouse: Warehouse) -> Warehouse:
        self._read = None
        row = await self.s.scalar(select(m.WarehouseRow).where(m.WarehouseRow.code == warehouse.code))
        if row is None:
            row = m.WarehouseRow(code=warehouse.code)
            self.s.add(row)
        row.name = warehouse.name
        row.address = warehouse.address
        row.latitude = warehouse.latitude
        row.longitude = warehouse.longitude
        row.is_pickup_point = warehouse.is_pickup_point
        await self.s.flush()
        warehouse.id = row.id
        return warehouse

    async def all(self) -> list[Warehouse]:
        if self.cache is not None and (cached := self.cache.get("reference", "warehouses")) is not None:
            return [_copied(w) for w in cast(tuple[Warehouse, ...], cached)]
        warehouses = await self._all()
        if self.cache is not None:
            self.cache.put("reference", "warehouses", tuple(_copied(w) for w in warehouses))
        return warehouses

    async def _all(self) -> list[Warehouse]:
        if self._read is None:
            rows = await fetch(self.s, _WAREHOUSES)
            zones = await self._zones([r.id for r in rows])
            self._read = [self._to_domain(r, zones.get(r.id, ())) for r in rows]
        return [_copied(w) for w in self._read]
