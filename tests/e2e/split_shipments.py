"""Set-ups and readers of test_split_shipments that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from storage import models as m

SKU = "22151"


async def shelf_says(shop: RunningBot, units: int, sku: str = SKU) -> None:
    """The books say ``units`` are in the SKU's first bin in LON, its other bins empty (only
    LON holds 22151 in the demo catalog)."""
    uow = shop.runtime.uow()
    async with uow:
        product = await uow.products.get_by_sku(sku)
        warehouse = await uow.warehouses.get_by_code("LON")
        assert product and product.id and warehouse and warehouse.id
        bins = [b for b in await uow.inventory.bins([product.id]) if b.warehouse_id == warehouse.id]
        for found in bins:
            quantity = units if found is bins[0] else 0
            await uow.stock.set_bin_quantity(
                product.id, warehouse.id, found.bin_code, quantity, "count", "test", shop.runtime.clock.now()
            )
        await uow.commit()


async def _parcels(shop: RunningBot) -> list[tuple[int, str, int]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.ParcelRow.seq, m.ParcelRow.tracking, func.sum(m.ParcelLineRow.quantity))
            .join(m.ParcelLineRow, m.ParcelLineRow.parcel_id == m.ParcelRow.id)
            .group_by(m.ParcelRow.seq, m.ParcelRow.tracking)
            .order_by(m.ParcelRow.seq)
        )
        return [(seq, tracking, int(units)) for seq, tracking, units in rows]
