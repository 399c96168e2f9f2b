"""A per-process read-through cache for what nearly every update reads.

Every chat update looks up its customer, and browsing reads products, prices and stock
levels. On a busy bot those reads are most of the database work, and they are the same
few rows again and again. Only read-only units of work consult this cache; use cases that
write always read the database, so no decision (a reservation, a price on an order) is
ever taken on cached data.

Staleness, and why it is bounded:
* a unit of work that commits writes clears the sections fed by the tables it wrote, after
  the commit; so within one process a read after a write sees the write;
* a reader that began before such a commit cannot put what it read afterwards (the cache's
  generation moved on), so an old snapshot never outlives the clearing;
* another process's writes (a CLI import, a second bot process on PostgreSQL) are seen when
  the entry's time-to-live runs out: seconds for stock, a minute for catalog, customers,
  warehouses and carrier rates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

STOCK_TTL_S = 2.0
CATALOG_TTL_S = 60.0
CUSTOMER_TTL_S = 60.0
MAX_ENTRIES_PER_SECTION = 50_000

# Which cached sections each table feeds: a committed write to the table clears them.
SECTIONS_FED_BY: dict[str, tuple[str, ...]] = {
    "products": ("catalog",),
    "product_prices": ("catalog",),
    "categories": ("catalog",),
    "customers": ("customers",),
    "stock": ("levels",),
    "reservations": ("holds",),
    "warehouses": ("reference",),
    "bins": ("reference",),
    "carrier_rates": ("reference",),
    "fx_rates": ("reference",),
}
TTL_OF: dict[str, float] = {
    "catalog": CATALOG_TTL_S,
    "customers": CUSTOMER_TTL_S,
    "levels": STOCK_TTL_S,
    "holds": STOCK_TTL_S,
    "reference": CATALOG_TTL_S,
}


@dataclass
class ReadCache:
    clock: Callable[[], float] = time.monotonic
    generation: int = 0
    _sections: dict[str, dict[Hashable, tuple[float, Any]]] = field(default_factory=dict)

    def get(self, section: str, key: Hashable) -> Any | None:
        entries = self._sections.get(section)
        if not entries:
            return None
        entry = entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < self.clock():
            del entries[key]
            return None
        return value

    def put(self, section: str, key: Hashable, value: Any, *, read_at_generation: int) -> None:
        """Keep ``value`` unless a commit cleared the cache since the read began."""
        if read_at_generation != self.generation:
            return
        entries = self._sections.setdefault(section, {})
        if len(entries) >= MAX_ENTRIES_PER_SECTION:
            del entries[next(iter(entries))]  # oldest first; cheap and bounded
        entries[key] = (self.clock() + TTL_OF[section], value)

    def written(self, tables: Iterable[str]) -> None:
        """A unit of work committed writes to these tables."""
        sections = {s for t in tables for s in SECTIONS_FED_BY.get(t, ())}
        if not sections:
            return
        self.generation += 1
        for section in sections:
            self._sections.pop(section, None)

    def clear(self) -> None:
        self.generation += 1
        self._sections.clear()


@dataclass(frozen=True, slots=True)
class CacheView:
    """What one read-only unit of work sees: the cache, and its generation when it began."""

    cache: ReadCache
    generation: int

    def get(self, section: str, key: Hashable) -> Any | None:
        return self.cache.get(section, key)

    def put(self, section: str, key: Hashable, value: Any) -> None:
        self.cache.put(section, key, value, read_at_generation=self.generation)
