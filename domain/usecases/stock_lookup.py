"""Staff looking stock up (/stock): per warehouse and bin, with what is incoming, in totes and lately moved."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from domain.catalog import SKU_PATTERN, Product, ProductStatus
from domain.errors import NotFound
from domain.ports import UnitOfWork
from domain.staff import Permission
from domain.stock import BinQuantity, Movement, StockLevel
from domain.usecases.catalog import correction
from domain.usecases.shelf_holds import in_totes
from domain.usecases.staff import require, staff_names
from domain.warehouse import Warehouse

STOCK_LOOKUP_LIMIT = 5
HIDDEN_PER_FAMILY = 10  # hidden rows read per product shown: variants of one family come in a row
RECENT_MOVEMENTS = 5


@dataclass(frozen=True, slots=True)
class WarehouseStock:
    warehouse: Warehouse
    level: StockLevel
    bins: list[BinQuantity]
    reorder_point: int
    incoming: int = 0  # still expected on open purchase orders
    # Bin → units a picker took into a tote, not yet shipped: the bin's count holds them until
    # the parcel leaves, its shelf does not (a recount finds the rest).
    picked: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VariantStock:
    product: Product
    warehouses: list[WarehouseStock]


@dataclass(frozen=True, slots=True)
class StockView:
    product: Product
    warehouses: list[WarehouseStock]
    movements: list[Movement]
    warehouse_names: dict[int, str]
    # A product with variants looked up by its name or code: every listed variant's stock (a
    # name found only its first variant); empty for one variant, shown as before.
    variants: list[VariantStock] = field(default_factory=list)
    siblings: int = 0  # a variant looked up by its own SKU or barcode: how many its product has
    who: dict[str, str] = field(default_factory=dict)  # staff who moved stock, by name (``staff_names``)


@dataclass(frozen=True, slots=True)
class StockLookup:
    views: list[StockView]
    corrected: str = ""  # the name looked up instead of a misspelt one, said as the customer search says it


async def stock_view(
    uow: UnitOfWork, *, staff_id: int, query: str, variants: bool = True, hidden: bool = False
) -> StockLookup:
    """``query`` is a SKU, a barcode or part of a name; up to five products are shown. With
    ``variants``, a product with variants found by its name or its code (its first variant's
    SKU) is shown with every listed variant's stock; another variant's own SKU or barcode shows
    that variant. With ``hidden``, a SKU finds a product hidden from customers too. A misspelt name is
    corrected as the customer search corrects it (``catalog.correction``), in the same order."""
    await require(uow, staff_id, Permission.VIEW_STOCK)
    async with uow.read_only():
        # A SKU (what staff type most) from the catalog snapshot; search reads the database.
        sku = query.strip().upper()  # a name (spaces, other letters) is no SKU: searched, not refused
        exact = await uow.products.get_by_sku(sku) if SKU_PATTERN.match(sku) else None
        products = [exact] if exact is not None and (exact.listed or hidden) else []
        said = ""
        if not products:
            products = await _found(uow, query, hidden, word_forms=False)
        if not products and (instead := await correction(uow, query))[0]:
            products, said = await _found(uow, instead[0], hidden), instead[1]
        if not products:  # nothing corrected, or the correction found nothing: the words' stems as typed
            products, said = await _found(uow, query, hidden), ""
        if not products:
            raise NotFound()
        families: dict[str, list[Product]] = {}
        siblings: dict[str, int] = {}
        for product in products:
            if not variants or not product.options:
                continue
            # A variant's own SKU or barcode (the code a box is scanned by) shows that variant, its
            # family counted; the product's code (its first variant's SKU) or a name, them all.
            if product.barcode == query.strip() or product.sku.upper() == sku != product.parent_code.upper():
                siblings[product.sku] = sum(
                    s.listed or hidden for s in await uow.products.siblings(product.parent_code)
                )
                continue
            # Staff see a hidden variant among the others (its status named), the one typed too.
            listed = [v for v in await uow.products.variants(product.parent_code) if v.listed or hidden]
            if len(listed) > 1:
                families[product.sku] = listed
        shown = products + [v for family in families.values() for v in family]
        ids = list(dict.fromkeys(p.id for p in shown if p.id is not None))
        warehouses = {w.id: w for w in await uow.warehouses.all() if w.id is not None}
        levels = await uow.stock.levels(ids)
        bins = await uow.inventory.bins([p.id for p in products if p.id is not None and p.sku not in families])
        incoming = await uow.purchasing.incoming(ids)
        shelved = {b.product_id for b in bins}
        totes = {w: await in_totes(uow, w, shelved) for w in sorted({b.warehouse_id for b in bins})}
        points = {
            (r.level.product_id, r.level.warehouse_id): r.reorder_point
            for r in await uow.inventory.reorder_levels(None, product_ids=ids)
        }

        held: dict[int | None, list[StockLevel]] = {}
        for level in levels:
            held.setdefault(level.product_id, []).append(level)

        def per_warehouse(product: Product) -> list[WarehouseStock]:
            found = [
                WarehouseStock(
                    warehouses[level.warehouse_id],
                    level,
                    [b for b in bins if b.product_id == product.id and b.warehouse_id == level.warehouse_id],
                    points.get((level.product_id, level.warehouse_id), 0),
                    incoming.get((level.product_id, level.warehouse_id), 0),
                    {
                        code: n
                        for (pid, code), n in totes.get(level.warehouse_id, Counter()).items()
                        if pid == product.id
                    },
                )
                for level in held.get(product.id, [])
                if level.warehouse_id in warehouses
            ]
            return sorted(found, key=lambda s: s.warehouse.code)

        names = {wid: w.code for wid, w in warehouses.items()}
        # Bins and movements are on each variant's own view: a family's shows each variant's stock.
        moved = {
            product.id: await uow.inventory.movements(product.id or 0, RECENT_MOVEMENTS)
            for product in products
            if not families.get(product.sku)
        }
        who = await staff_names(uow, {m.actor for movements in moved.values() for m in movements})  # one read
        views = []
        for product in products:
            if family := families.get(product.sku):
                views.append(StockView(product, [], [], names, [VariantStock(v, per_warehouse(v)) for v in family]))
            else:
                movements = moved[product.id]
                views.append(
                    StockView(product, per_warehouse(product), movements, names, [], siblings.get(product.sku, 0), who)
                )
        return StockLookup(views, said)


async def _found(uow: UnitOfWork, text: str, hidden: bool, *, word_forms: bool = True) -> list[Product]:
    products, _ = await uow.products.search(text, 0, STOCK_LOOKUP_LIMIT, word_forms=word_forms)
    # customers' search leaves hidden products out; staff count their shelves too
    return await _and_hidden(uow, text, products) if hidden else products


async def _and_hidden(uow: UnitOfWork, query: str, found: list[Product]) -> list[Product]:
    """``found`` and, up to the look-up's limit, the hidden products matching ``query`` (one per
    product with variants: a family already found shows its hidden variants itself)."""
    hidden, _ = await uow.products.staff_list(
        query, ProductStatus.HIDDEN.value, None, 0, STOCK_LOOKUP_LIMIT * HIDDEN_PER_FAMILY
    )
    parents = {p.parent_code for p in found}
    for product in hidden:
        if len(found) >= STOCK_LOOKUP_LIMIT:
            break
        if product.parent_code not in parents:
            found = [*found, product]
            parents.add(product.parent_code)
    return found
