"""The customers' repository port."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from domain.customers import Customer


class CustomerRepository(Protocol):
    async def lock(self, customer_id: int) -> None:
        """Held to the end of the transaction (PostgreSQL; SQLite's writers are serial already):
        the customer's next checkout waits for this one."""
        ...

    async def try_lock(self, customer_id: int) -> bool:
        """``lock`` if no other transaction holds the customer's row (False: one does). A count holding
        stock counters comes to a customer after them: it must never wait for one."""
        ...

    async def get(self, customer_id: int) -> Customer | None:
        """The customer with their saved addresses."""
        ...

    async def get_by_username(self, username: str) -> Customer | None: ...
    async def get_by_phone(self, phone: str) -> Customer | None: ...
    async def get_by_email(self, email: str) -> Customer | None: ...

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None: ...
    async def by_telegram_ids(self, telegram_ids: Collection[int]) -> dict[int, Customer]: ...  # no addresses
    async def add(self, customer: Customer) -> Customer: ...
    async def update(self, customer: Customer) -> None: ...
    async def address_used(self, address_id: int, at: datetime) -> None:
        """One more order placed to a saved address, at ``at``."""
        ...

    async def forget_address(self, customer_id: int, address_id: int) -> bool:
        """The customer's saved address no longer offered; False when it is not theirs (or gone already)."""
        ...
