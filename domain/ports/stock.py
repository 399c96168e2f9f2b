"""The ports of stock: levels and holds, warehouses, bins and movements, and its cost on purchase orders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from domain.money import Money
from domain.stock import BinQuantity, Movement, ReorderLevel, Reservation, StockDrift, StockLevel, StockMark
from domain.stock_counts import BinCount
from domain.warehouse import Warehouse


class StockRepository(Protocol):
    async def levels(self, product_ids: Sequence[int]) -> list[StockLevel]: ...
    async def feed_mark(self) -> StockMark:
        """ "Stock as of now" for the stock feed: take it before reading; a product whose available
        quantity moves after it is in ``changed_since(mark, …)`` (the rule beside the SQL:
        ``storage.repositories.stock_changes``)."""
        ...

    async def feed_origin(self) -> str:
        """Whose change numbering ``feed_mark``'s marks are in: a name this database keeps, which
        another one (a copy, a restored backup) does not have, so a mark of one is never read in it."""
        ...

    async def changed_since(self, since: StockMark, *, after: int, limit: int) -> list[tuple[int, str]]:
        """Products (id, SKU) past id ``after`` whose available quantity (a counter's on_hand -
        reserved) or status (hidden, discontinued, active again) changed, or that were created (no
        counter yet), since the mark ``since`` was taken, by id, ``limit`` at most (a product may
        come that did not, never one that did and is left out); ``StockMark(0)``: every product."""
        ...

    async def levels_now(self, product_ids: Sequence[int]) -> list[StockLevel]:
        """``levels`` as the database has them now, never an older cached copy: what goes out with a
        feed marker must be at least as new as it."""
        ...

    async def try_reserve(self, product_id: int, warehouse_id: int, quantity: int) -> bool: ...
    async def release(self, product_id: int, warehouse_id: int, quantity: int) -> None: ...
    async def lock_positions(self, places: Iterable[tuple[int, int]]) -> None:
        """Hold each (product, warehouse) position, its counter made if missing, to the end of
        the transaction: call it before reading the bins a ``set_bin_quantity`` is computed
        from, or two staff booking into one bin at once lose one's units (PostgreSQL)."""
        ...

    async def lock_products(self, product_ids: Iterable[int]) -> None:
        """Hold every counter of these products (each warehouse's) to the end of the
        transaction, in the lock order: call it before a use case writes several counters in an
        order of its own (a checkout's releases and its routed reservations), or it may deadlock
        with one writing them in the lock order (a transfer) on PostgreSQL."""
        ...

    async def try_lock_products(self, product_ids: Iterable[int], warehouse_id: int) -> bool:
        """``lock_products`` (each product's counter in ``warehouse_id`` made if missing) only if no other transaction
        holds any of them, never waiting: False when one is held, and the rows it did get stay locked (and the
        counters it made stay) until the transaction ends: a caller told False must roll back (``Contention``), not
        carry on. For rows found late, after others are locked: waiting for them out of the lock order could
        deadlock on PostgreSQL."""
        ...

    async def set_bin_quantity(
        self, product_id: int, warehouse_id: int, bin_code: str, quantity: int, reason: str, actor: str, at: datetime
    ) -> int: ...
    async def set_bin_quantities(
        self, counts: Sequence[BinCount], reason: str, actor: str, at: datetime
    ) -> list[int]: ...
    async def add_reservation(self, reservation: Reservation) -> Reservation: ...
    async def delete_reservation(self, reservation: Reservation) -> None: ...
    async def drift(self) -> list[StockDrift]: ...
    async def customer_holds(self, customer_id: int) -> list[Reservation]: ...
    async def expired_holds(self, product_id: int, now: datetime) -> list[Reservation]: ...
    async def product_holds(self, product_id: int, customer_id: int, now: datetime) -> list[Reservation]:
        """In one read, the holds on a product that have expired (anyone's) or are the
        customer's, by id: ``expired_holds`` and the customer's holds on it together."""
        ...

    async def reserve_where_most(self, product_id: int, quantity: int) -> int | None:
        """Reserve ``quantity`` in the one warehouse with the most available, if it has it all
        (conditionally, as ``try_reserve``): that warehouse's id, or None (nothing reserved)."""
        ...

    async def change_reservation(self, reservation: Reservation, *, by: int) -> bool:
        """Add ``by`` units to a reservation (fewer when negative), to what its row holds now,
        not to what was read (on PostgreSQL one customer's two transactions can interleave:
        the Mini App, another process); False when its row is gone (released meanwhile)."""
        ...

    async def extend_holds(self, customer_id: int, expires_at: datetime) -> None: ...
    async def order_reservations(self, order_id: int) -> list[Reservation]: ...
    async def position_reservations(self, product_id: int, warehouse_id: int) -> list[Reservation]:
        """Every reservation at one (product, warehouse), oldest first: what holds its ``reserved``."""
        ...


class WarehouseRepository(Protocol):
    async def get_by_code(self, code: str) -> Warehouse | None: ...
    async def ids_by_code(self, codes: Sequence[str]) -> dict[str, int]: ...
    async def upsert(self, warehouse: Warehouse) -> Warehouse: ...
    async def all(self) -> list[Warehouse]: ...


class InventoryRepository(Protocol):
    """Where stock sits (bins), how it got there (movements) and when to reorder."""

    async def bins(self, product_ids: Sequence[int]) -> list[BinQuantity]: ...
    async def bin_contents(self, warehouse_id: int, bin_code: str) -> list[BinQuantity]:
        """What one bin holds (a count above zero), by product id: what a bin count lists."""
        ...

    async def has_bin(self, warehouse_id: int, bin_code: str) -> bool:
        """Whether the warehouse has this bin (a stored code: ``normal_bin``), holding stock or not."""
        ...

    async def bin_codes(self, warehouse_id: int) -> list[str]:
        """Every bin code of the warehouse, in order: what a mistyped bin is compared with."""
        ...

    async def movements(self, product_id: int, limit: int) -> list[Movement]: ...
    async def moved_for(self, warehouse_id: int, reason: str, product_ids: Sequence[int], since: datetime) -> set[int]:
        """Which of ``product_ids`` moved at the warehouse for ``reason`` at ``since`` or after (a bin count's)."""
        ...

    async def last_bin(self, product_id: int, warehouse_id: int) -> str | None:
        """The bin a product last moved into or out of in a warehouse (None: never there)."""
        ...

    async def reorder_levels(
        self, warehouse_id: int | None, *, low_only: bool = False, product_ids: Sequence[int] | None = None
    ) -> list[ReorderLevel]:
        """Stock with a reorder point; ``low_only``: only what is at or under it (``is_low``);
        ``product_ids``: of these products only."""
        ...

    async def valued_positions(self, base: str) -> list[tuple[int, str | None, int, int, int]]:
        """Stock on hand at its unit cost (``UnitCosts``: terms, catalog, last purchase), summed in the
        database: (warehouse, cost currency or None when unknown, units, value, positions).
        In ``base`` one row per warehouse; in another currency one row per unit cost (its
        units converted a unit at a time, as stock moves are booked, so equal costs convert alike)."""
        ...

    async def positions(self) -> list[StockLevel]:
        """Every (product, warehouse) with stock on hand."""
        ...

    async def set_reorder(self, product_id: int, warehouse_id: int, point: int, max_level: int | None) -> None: ...


class PurchaseCosts(Protocol):
    """Part of the purchasing repository: what received purchase orders tell the stock's cost."""

    async def last_received_costs(self, product_ids: Sequence[int]) -> list[tuple[int, int, Money]]:
        """Per (product, warehouse), the unit cost of the purchase order line it was last
        received on (some units in), in that order's currency, as (product, warehouse, cost),
        the latest received first (by when its goods came in, not when it was ordered: an
        order placed earlier can arrive later)."""
        ...
