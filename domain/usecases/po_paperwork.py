"""What a purchase order's document (the PDF sent to the supplier) shows."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ports import UnitOfWork
from domain.purchasing import PoPayment, PurchaseOrder, Supplier
from domain.staff import Permission
from domain.usecases.purchasing import purchase_order
from domain.usecases.staff import require
from domain.warehouse import Warehouse


@dataclass(frozen=True, slots=True)
class PoPaperwork:
    po: PurchaseOrder
    supplier: Supplier | None
    warehouse: Warehouse | None  # the one its goods are delivered to
    names: dict[int, str]  # product id → name, for the supplier to read beside the SKU
    payments: list[tuple[PoPayment, str]]  # paid to the supplier, oldest first, with who recorded each


async def po_paperwork(uow: UnitOfWork, *, staff_id: int, number: int) -> PoPaperwork:
    """The purchase order, its supplier, the warehouse it delivers to, its products' names and its payments."""
    await require(uow, staff_id, Permission.PURCHASING)
    details = await purchase_order(uow, staff_id=staff_id, number=number)
    po = details.po
    async with uow.read_only():
        warehouse = next((w for w in await uow.warehouses.all() if w.id == po.warehouse_id), None)
        products = await uow.products.get_many(sorted({line.product_id for line in po.lines}))
    names = {p.id: p.display_name for p in products if p.id is not None}
    return PoPaperwork(po, details.supplier, warehouse, names, details.payments)
