"""Set-ups and readers of test_pack_short_transfer_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models as m
from storage.db import session_factory


async def _bins(engine: AsyncEngine) -> dict[tuple[str, str], int]:
    """(warehouse, bin) → units, of the bins holding any."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.BinRow.code, m.BinStockRow.quantity)
            .join(m.BinRow, m.BinRow.warehouse_id == m.WarehouseRow.id)
            .join(m.BinStockRow, m.BinStockRow.bin_id == m.BinRow.id)
            .where(m.BinStockRow.quantity > 0)
        )
        return {(w, b): q for w, b, q in rows}
