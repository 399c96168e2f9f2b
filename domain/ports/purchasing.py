"""The ports of supply: suppliers and purchase orders, backorders, demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from domain.backorders import Backorder, BackorderTerms
from domain.ports.stock import PurchaseCosts
from domain.purchasing import OnOrder, PoPayment, PurchaseOrder, Supplier, SupplyTerms
from domain.replenishment import Suggestion
from domain.stockout_days import StockDays
from domain.stockouts import StockTrail


class PurchasingRepository(PurchaseCosts, Protocol):
    async def upsert_suppliers(self, suppliers: Sequence[Supplier]) -> None: ...
    async def suppliers(self) -> list[Supplier]: ...
    async def set_terms(self, terms: Sequence[SupplyTerms]) -> None: ...
    async def terms(self, product_ids: Sequence[int] | None = None) -> list[SupplyTerms]:
        """Every product's terms, or only these products'."""
        ...

    async def incoming(self, product_ids: Sequence[int]) -> dict[tuple[int, int], int]: ...
    async def on_order(self, product_ids: Sequence[int]) -> dict[tuple[int, int], OnOrder]:
        """Per (product, warehouse), what sent purchase orders still bring (``incoming`` without drafts)."""
        ...

    async def open_draft(self, supplier_id: int, warehouse_id: int) -> PurchaseOrder | None: ...
    async def add(self, po: PurchaseOrder, actor: str) -> PurchaseOrder: ...
    async def save(self, po: PurchaseOrder, actor: str) -> None: ...
    async def get(self, po_id: int, *, lock: bool = False) -> PurchaseOrder | None:
        """``lock``: the order's row is held to the transaction's end (a change to it: approving,
        receiving, closing), so two at once take turns and the second sees the first's result."""
        ...

    async def recent(self, limit: int) -> list[PurchaseOrder]: ...
    async def add_payment(self, payment: PoPayment) -> None: ...
    async def payments(self, po_id: int) -> list[PoPayment]:
        """The order's payments to its supplier, oldest first."""
        ...

    async def owing(self, limit: int) -> list[PurchaseOrder]:
        """Orders whose supplier is owed for goods received (more received than paid), oldest first."""
        ...

    async def owing_count(self) -> int:
        """How many orders ``owing`` would list without a limit."""
        ...

    async def deliveries(self, latest: int) -> dict[tuple[int, int], list[tuple[date, datetime]]]:
        """Per (supplier, warehouse), its ``latest`` sent orders that received goods, newest
        first: each one's expected day and when its goods first came in."""
        ...

    async def expected_dates(self, product_ids: Sequence[int]) -> dict[int, date]:
        """Per product, the earliest expected date of a sent purchase order still bringing some."""
        ...


class BackorderRepository(Protocol):
    """Backorder and preorder terms per product, and the waiting parts of orders."""

    async def terms(self, product_ids: Sequence[int]) -> dict[int, BackorderTerms]: ...
    async def preorders(self) -> Mapping[int, date]:
        """Each product on preorder terms and its release date (the card's, from the read cache)."""
        ...

    async def set_terms(self, product_id: int, terms: BackorderTerms | None) -> None:
        """None: the product takes no more backorders (those waiting go on waiting)."""
        ...

    async def add(self, backorder: Backorder) -> Backorder: ...
    async def get(self, backorder_id: int) -> Backorder | None: ...
    async def waiting(self, product_ids: Sequence[int]) -> list[Backorder]:
        """The waiting parts of these products, VIP first, then oldest first."""
        ...

    async def waiting_units(self, product_ids: Sequence[int] | None) -> dict[int, int]:
        """Units waiting per product (only products with some; None: every product)."""
        ...

    async def for_order(self, order_id: int) -> list[Backorder]: ...
    async def fill(self, backorder_id: int, seen: int, quantity: int) -> bool:
        """``quantity`` of a part still waiting ``seen`` units is allocated; False when it
        changed meanwhile (cancelled, or filled by someone else): the row count decides."""
        ...

    async def cancel(self, backorder_id: int, seen: int) -> bool:
        """The part still waiting ``seen`` units is cancelled; False when it changed meanwhile."""
        ...

    async def lock_order(self, order_id: int) -> None:
        """Take the order's row for this transaction (PostgreSQL; SQLite's writers are serial):
        a fill and a cancellation touch an order and its parts, always the order first."""
        ...

    async def try_lock_order(self, order_id: int) -> bool:
        """Take the order's row if no other transaction holds it (False: it does). A fill
        holds stock when it comes to an order: it must never wait for one."""
        ...

    async def lock_terms(self, product_ids: Sequence[int]) -> None:
        """Take these products' terms rows (those that have one) for this transaction, so
        two checkouts never both see room under a limit."""
        ...


class DemandRepository(Protocol):
    """Units sold per (product, warehouse, day): what forecasts and slow-mover reports read."""

    async def record(self, rows: Sequence[tuple[int, int, date, int]], source: str) -> None:
        """(product id, warehouse id, day, units) rows, e.g. a shipment or imported history."""
        ...

    async def weekly(self, product_ids: Sequence[int], first: date, last: date) -> dict[tuple[int, int], list[float]]:
        """Units per (product, warehouse) and week, Mondays ``first`` to ``last``, from the pair's first row's week."""
        ...

    async def stock_trails(self, product_ids: Sequence[int], since: datetime) -> dict[tuple[int, int], StockTrail]:
        """Per (product, warehouse) that ever moved: its on-hand count now, its first
        movement's time, and its movements from ``since`` on (``domain.stockouts``)."""
        ...

    async def stock_days(
        self, product_ids: Sequence[int], since: datetime, zone: str
    ) -> dict[tuple[int, int], StockDays]:
        """Per (product, warehouse) that ever moved, its movements from ``since`` on summed per
        day of the shop's ``zone``, only the days that began or ended with none handed back
        (``domain.stockout_days``): what ``/forecast`` reads instead of every movement."""
        ...

    async def kept_stock_days(self, product_ids: Sequence[int]) -> dict[tuple[int, int], StockDays]:
        """``stock_days`` from the sums ``fold_stock_days`` keeps, every day since the first
        movement: what the nightly job reads."""
        ...

    async def fold_stock_days(self, zone: str, most: int) -> int:
        """Sums up to ``most`` more movements (by id) into the kept days of ``zone`` (all
        again if the zone changed); how many ids it went past: 0 when all are summed."""
        ...

    async def last_sold(self) -> dict[tuple[int, int], date]: ...
    async def totals(self, since: date) -> dict[int, int]:
        """Units per product from ``since``."""
        ...

    async def discontinued(self) -> set[int]:
        """Ids of the discontinued products: nothing more is bought of them."""
        ...

    async def store_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        """Replaces the stored suggestions of the (product, warehouse) pairs given (in bulk)."""
        ...

    async def drop_suggestions_before(self, computed_at: datetime) -> int:
        """Deletes suggestions older than ``computed_at`` (pairs no longer forecast)."""
        ...

    async def suggestions(self, product_ids: Sequence[int] | None) -> list[Suggestion]: ...
    async def apply_suggestions(self, suggestions: Sequence[Suggestion]) -> int:
        """Sets reorder point and maximum level from the suggestions on the stock rows that
        exist (bulk); returns how many changed."""
        ...

    async def replace_imported(self, rows: Sequence[tuple[int, int, date, int]]) -> int:
        """Imported history for the rows' (product, warehouse) pairs is replaced by ``rows``;
        returns how many of the rows replaced a day already imported."""
        ...
