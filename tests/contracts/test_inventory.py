"""InventoryRepository: what the fake and SQL both promise (the fake keeps only what a stock count reads)."""

from __future__ import annotations

from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_product, a_warehouse


async def test_the_bins_holding_products_are_listed_by_warehouse_and_code_and_empty_ones_are_not(
    uow: UnitOfWork,
) -> None:
    product, warehouse = await a_product(uow), await a_warehouse(uow)
    async with uow:
        for code, quantity in (("B-01-02-1", 10), ("a-1-1-1", 4), ("C-01-01-1", 0)):
            await uow.stock.set_bin_quantity(product, warehouse, code, quantity, "count", "s", NOW)
        await uow.commit()
    async with uow:
        found = await uow.inventory.bins([product])
        assert [(b.product_id, b.warehouse_id, b.bin_code, b.quantity) for b in found] == [
            (product, warehouse, "A-01-01-1", 4),
            (product, warehouse, "B-01-02-1", 10),
        ]
        assert await uow.inventory.bins([product + 1000]) == []
