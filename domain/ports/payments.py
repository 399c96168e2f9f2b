"""The ports of payments: recorded payments and invoice links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.credit_notes import CreditNote
from domain.debit_notes import DebitNote
from domain.money import Money
from domain.payments import InvoiceSpec, Payment


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> bool:
        """False when a payment with the same Telegram charge id is already recorded. Its ``credit_note_id`` (the
        note issued with it, in this transaction) is stored as given and read back with it."""
        ...

    async def for_order(self, order_id: int) -> list[Payment]: ...
    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Payment]]: ...  # every id, if only []
    async def owing(self, offset: int, limit: int) -> tuple[list[int], int]: ...  # ``owed_back`` > 0, oldest first


class InvoiceLinks(Protocol):
    """Telegram's ``createInvoiceLink``: an invoice anyone with the link may pay."""

    async def create(self, invoice: InvoiceSpec) -> str: ...


class DebitNoteRepository(Protocol):
    async def issue(self, order_id: int, amount: Money, at: datetime) -> DebitNote:
        """The next number of the shop's debit-note sequence, in the caller's transaction (held until it ends), taken
        after the order's row lock (an order before its number: ARCHITECTURE.md, "Lock order"). It holds no tax
        until its entry books it (``add_tax``)."""
        ...

    async def add_tax(self, note_id: int, tax: Money) -> DebitNote:
        """In the note's own transaction: ``tax`` its rise's journal entry added to tax payable, added to the tax
        the note holds (``DebitNote.tax``). The note as it now is."""
        ...

    async def for_order(self, order_id: int) -> list[DebitNote]: ...  # oldest first

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[DebitNote]]:
        """Each order's notes, oldest first, in one read (an order with none: absent)."""
        ...

    async def get_by_number(self, number: int) -> DebitNote | None:
        """The note numbered ``number`` of the shop's debit-note sequence (DN-000003: 3), if any."""
        ...


class CreditNoteRepository(Protocol):
    async def issue(self, order_id: int, amount: Money, reason: str, at: datetime) -> CreditNote:
        """Inside an open writing unit of work: a credit note with the next number of the shop's
        sequence, taken in this transaction (concurrent refunds queue for it; one rolled back gives
        its number back), so the numbers have no gaps and no repeats. The order's row is locked first
        (an order before its number: ARCHITECTURE.md, "Lock order"). It holds no tax until its
        entries book it (``add_tax``)."""
        ...

    async def add_tax(self, note_id: int, tax: Money) -> CreditNote:
        """In the note's own transaction: ``tax`` one of its event's journal entries took back from tax
        payable, added to the tax the note holds (``CreditNote.tax``). The note as it now is."""
        ...

    async def for_order(self, order_id: int) -> list[CreditNote]: ...  # oldest first
    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[CreditNote]]:
        """Each order's notes, oldest first, in one read (an order with none: absent)."""
        ...

    async def get_by_number(self, number: int) -> CreditNote | None:
        """The note numbered ``number`` of the shop's sequence (CN-000003: 3), if any."""
        ...
