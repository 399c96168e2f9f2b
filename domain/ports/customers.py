"""The customers' repository port."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from domain.customers import Customer


class CustomerRepository(Protocol):
    async def lock(self, customer_id: int) -> None:
        """Held to the end of the transaction (PostgreSQL; SQLite's writers are serial already):
        the customer's next checkout waits for this one."""
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
