"""The shop identity's repository port."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class ShopRepository(Protocol):
    """The shop's identity as (field, language, source, value) rows (``domain.shop``)."""

    async def identity(self) -> list[tuple[str, str, str, str]]: ...
    async def set_value(self, field: str, language: str, source: str, value: str | None) -> None:
        """Keep ``value`` for (field, language, source), or forget it when None."""
        ...

    async def replace_source(self, source: str, rows: Iterable[tuple[str, str, str]]) -> None:
        """Every value from ``source`` becomes ``rows`` of (field, language, value)."""
        ...
