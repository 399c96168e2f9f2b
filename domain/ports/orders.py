"""The ports of orders and of the carts they are placed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.issued_invoices import IssuedInvoice
from domain.orders import HistoryEntry, Order, OrderStatus


class OrderRepository(Protocol):
    async def add(self, order: Order) -> Order: ...
    async def get_by_code(self, code: str) -> Order | None: ...
    async def get_by_invoice_number(self, number: int) -> Order | None:
        """The order whose invoice took ``number`` of the shop's sequence (INV-000042: 42), if any."""
        ...

    async def codes_by_reference(self, reference: str, limit: int) -> list[str]:
        """The codes of the orders carrying this customer's reference (a PO number), newest first, compared
        as ``domain.orders.reference_key`` (any case, on one line); none for an empty one."""
        ...

    async def set_reference(self, order: Order, entry: HistoryEntry) -> None:
        """The order's reference (PO number) as ``order`` has it now, and the change's history row."""
        ...

    async def keep_invoice(self, invoice: IssuedInvoice) -> None:
        """Inside the unit of work that numbered it: the invoice as issued, read back by ``issued_invoice``."""
        ...

    async def issued_invoice(self, order_id: int) -> IssuedInvoice | None:
        """The order's invoice as issued (None: none issued, or numbered before invoices were kept)."""
        ...

    async def number_invoice(self, order_id: int) -> int:
        """Inside an open writing unit of work: the order's invoice takes the next number of the shop's
        invoice sequence (its own counter beside the credit notes'), in this transaction: concurrent
        placements queue for it, one rolled back gives its number back, so there are no gaps and no
        repeats. The last lock its transaction takes, after the order's (ARCHITECTURE.md, "Lock order")."""
        ...

    async def get_by_id(self, order_id: int) -> Order | None: ...
    async def by_ids(self, order_ids: Sequence[int]) -> dict[int, Order]: ...  # those found, by id
    async def to_fulfil(self, statuses: Sequence[OrderStatus], warehouse_id: int | None) -> list[Order]: ...
    async def queue(
        self, statuses: Sequence[OrderStatus], warehouse_id: int, offset: int, limit: int | None
    ) -> tuple[list[Order], int]:
        """A page of the orders ``to_fulfil`` gives for the warehouse, ranked by the queue's
        rule (``domain.queue_rank.QUEUE_RANK``) in the database, and how many there are."""
        ...

    async def set_flags(self, order_id: int, flags: frozenset[str]) -> None: ...

    async def set_routing(self, order_id: int, routing: list[str]) -> None:
        """Where the order ships from and why, restated after it was placed (a waiting part filled)."""
        ...

    async def taken_off_for(self, customer_id: int) -> dict[int, int]:
        """Order id → what it no longer earns, for the customer's orders that have any: the refunds owed on
        it (not those of what was paid over an edited-down total) and, of a cash order, the parts its
        customer gave up, never collected."""
        ...

    async def value_by_customer(self, limit: int, base: str) -> list[tuple[int, str, int, int]]:
        """(customer, currency, orders less what they no longer earn (``taken_off_for``), orders), most
        valuable in ``base`` first."""
        ...

    async def record_transition(self, order: Order, entry: HistoryEntry) -> None: ...
    async def get_by_checkout_key(self, key: str) -> Order | None: ...
    async def claim_edit(self, order_id: int, version: int, statuses: Sequence[OrderStatus]) -> bool:
        """Bump the order's version if it still is ``version`` and in one of ``statuses``."""
        ...

    async def save_edit(self, order: Order, entry: HistoryEntry) -> None:
        """The edited lines, totals, delivery and routing, and the edit's history row."""
        ...

    async def get_by_tracking(self, tracking: str) -> Order | None: ...
    async def for_customer(self, customer_id: int, offset: int, limit: int) -> tuple[list[Order], int]: ...
    async def count_by_status(self) -> dict[OrderStatus, int]: ...
    async def open_unpaid(self, customer_id: int) -> int:
        """The customer's orders holding stock unpaid (``domain.usecases.unpaid_orders.is_open_unpaid``)."""
        ...

    async def count_by_warehouse(self, statuses: Sequence[OrderStatus]) -> dict[tuple[int, OrderStatus], int]:
        """Orders in these statuses with an allocation in each warehouse (an order split
        between two counts in both)."""
        ...

    async def placed_between(self, start: datetime, end: datetime) -> list[tuple[datetime, str, int, str, bool]]:
        """When each order placed in [start, end) and not cancelled was placed, its currency, total,
        fx rate, and whether it is a new order (False: an exchange's replacement, no new sale)."""
        ...

    async def totals_between(self, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
        """Per currency: orders placed in [start, end) and not cancelled (an exchange's replacement
        not counted: no new sale), and their total (minor units, a replacement's charged difference in)."""
        ...


class CartRepository(Protocol):
    async def lines(self, customer_id: int) -> dict[int, int]:
        """product id → quantity wanted"""
        ...

    async def set(self, customer_id: int, product_id: int, quantity: int, at: datetime) -> None: ...
    async def clear(self, customer_id: int) -> None: ...
