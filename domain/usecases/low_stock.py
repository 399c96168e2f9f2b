"""Reorder points per product and warehouse, and the stock at or under them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import Product
from domain.errors import DomainError, InvalidQuantity
from domain.i18n import N_
from domain.ports import UnitOfWork
from domain.purchasing import OnOrder
from domain.staff import Permission
from domain.stock import ReorderLevel
from domain.usecases.inventory import MAX_RECEIPT, _warehouse
from domain.usecases.product_lookup import staff_product_by_sku
from domain.usecases.staff import require
from domain.warehouse import Warehouse


class MaxUnderPoint(DomainError):
    key = N_("The maximum level ({max_level}) must be at least the reorder point ({point}).")


@dataclass(frozen=True, slots=True)
class LowStockLine:
    product: Product
    warehouse: Warehouse
    reorder: ReorderLevel
    incoming: int = 0  # units on open purchase orders for it there (drafts too): whether it is in hand
    on_order: OnOrder | None = None  # what of ``incoming`` the supplier was sent, and when it comes

    @property
    def drafted(self) -> int:
        """Units on drafts nobody approved: not ordered until someone does."""
        return self.incoming - (self.on_order.units if self.on_order else 0)


async def set_reorder_point(
    uow: UnitOfWork, *, staff_id: int, sku: str, warehouse_code: str, point: int, max_level: int | None
) -> None:
    await require(uow, staff_id, Permission.EDIT_STOCK)
    if point < 0:
        raise InvalidQuantity(maximum=MAX_RECEIPT)
    if max_level is not None and max_level < point:
        raise MaxUnderPoint(max_level=max_level, point=point)
    async with uow:
        product = await staff_product_by_sku(uow, sku)
        warehouse = await _warehouse(uow, warehouse_code)
        assert product.id is not None and warehouse.id is not None
        await uow.inventory.set_reorder(product.id, warehouse.id, point, max_level)
        await uow.commit()


async def low_stock(uow: UnitOfWork, *, staff_id: int, warehouse_code: str | None = None) -> list[LowStockLine]:
    """Products whose available stock is at or under their reorder point, per warehouse."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        warehouse_id = (await _warehouse(uow, warehouse_code)).id if warehouse_code else None
        low = await uow.inventory.reorder_levels(warehouse_id, low_only=True)
        ids = sorted({r.level.product_id for r in low})
        products = {p.id: p for p in await uow.products.get_many(ids)}
        warehouses = {w.id: w for w in await uow.warehouses.all()}
        incoming = await uow.purchasing.incoming(ids) if ids else {}
        on_order = await uow.purchasing.on_order(ids) if ids else {}
        return [
            LowStockLine(
                products[r.level.product_id],
                warehouses[r.level.warehouse_id],
                r,
                incoming.get((r.level.product_id, r.level.warehouse_id), 0),
                on_order.get((r.level.product_id, r.level.warehouse_id)),
            )
            for r in low
            if r.level.product_id in products
        ]
