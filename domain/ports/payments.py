"""The ports of payments: recorded payments and invoice links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.payments import InvoiceSpec, Payment


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> bool:
        """False when a payment with the same Telegram charge id is already recorded."""
        ...

    async def for_order(self, order_id: int) -> list[Payment]: ...
    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Payment]]: ...  # every id, if only []
    async def owing(self, offset: int, limit: int) -> tuple[list[int], int]: ...  # ``owed_back`` > 0, oldest first


class InvoiceLinks(Protocol):
    """Telegram's ``createInvoiceLink``: an invoice anyone with the link may pay."""

    async def create(self, invoice: InvoiceSpec) -> str: ...
