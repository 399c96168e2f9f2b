"""The returns' repository port."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.return_figures import ReasonTally, ReturnedUnits
from domain.returns import ReturnReason, ReturnRequest


class ReturnRepository(Protocol):
    async def add(self, request: ReturnRequest, at: datetime) -> ReturnRequest: ...
    async def save(self, request: ReturnRequest, at: datetime) -> None: ...
    async def get_by_code(self, rma_code: str, *, lock: bool = False) -> ReturnRequest | None:
        """``lock``: the return's row is held to the transaction's end (a change to it), so two
        changes at once take turns and the second sees the first's result."""
        ...

    async def for_order(self, order_id: int) -> list[ReturnRequest]: ...
    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[ReturnRequest]]: ...  # every id, if only []
    async def for_customer(self, customer_id: int) -> list[ReturnRequest]: ...
    async def open(self, limit: int) -> tuple[list[ReturnRequest], int]: ...  # the oldest, how many in all
    async def open_by_reason(self) -> dict[ReturnReason, int]:
        """The requests ``open`` counts, per reason (a reason none is open for: absent)."""
        ...

    async def requested_between(self, start: datetime, end: datetime) -> int: ...
    async def delivered_with_request(self, start: datetime, end: datetime) -> int:
        """Orders delivered in the period that have a return request (ever, once each)."""
        ...

    async def reasons_between(self, start: datetime, end: datetime) -> list[ReasonTally]:
        """The return requests opened in the period per reason and per their order's currency and rate (sorted so):
        how many, their units, and the refunds decided on them (refunded or exchanged), minor units."""
        ...

    async def units_between(self, start: datetime, end: datetime) -> list[ReturnedUnits]:
        """Units in the return requests opened in the period per product and reason (sorted so)."""
        ...
