"""The warehouses, bins and SKU a staff usage shows as its example: the shop's own, not the demo's."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ports import UnitOfWork
from domain.usecases.product_lookup import EXAMPLE_SKU

EXAMPLE_WAREHOUSE = "WH"  # in the examples of a shop with no warehouse yet
EXAMPLE_OTHER = "WH2"  # a transfer's target in a shop with one: the same warehouse is refused
EXAMPLE_BIN = "A-01-01-1"  # a bin code as the shop would write one, where it has none stocked


@dataclass(frozen=True, slots=True)
class StockExample:
    sku: str
    warehouse: str  # the first warehouse
    other: str  # another warehouse to transfer to
    bin: str  # a bin of the SKU in ``warehouse``, where it has one
    other_bin: str  # and in ``other``


async def stock_example(uow: UnitOfWork) -> StockExample:
    """LON, MAN and A-01-02-1 are the demo's: another shop's staff copied them and were told no such
    warehouse. The first SKU on sale, the first warehouses, and bins that SKU really is in."""
    async with uow.read_only():
        sku = await uow.products.first_active_sku()
        warehouses = await uow.warehouses.all()
        product = await uow.products.get_by_sku(sku) if sku else None
        bins = await uow.inventory.bins([product.id]) if product is not None and product.id is not None else []
    first = warehouses[0] if warehouses else None
    other = warehouses[1] if len(warehouses) > 1 else None

    def bin_in(warehouse_id: int | None) -> str:
        return min((b.bin_code for b in bins if b.warehouse_id == warehouse_id), default=EXAMPLE_BIN)

    return StockExample(
        sku or EXAMPLE_SKU,
        first.code if first else EXAMPLE_WAREHOUSE,
        other.code if other else EXAMPLE_OTHER,
        bin_in(first.id if first else None),
        bin_in(other.id if other else None),
    )
