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

Snapshots. Customers browse the whole catalog, not a few hot products, so a per-row cache
misses on nearly every card. The catalog and the stock levels are therefore loaded whole
(a shop's catalog fits in memory: ``SNAPSHOT_MAX_ROWS``) and kept as *complete* sections,
where a key that is not there is known not to exist. Writes to those tables clear only the
rows they wrote (``KEY_COLUMN``: a hold on one product must not throw away ten thousand stock
levels); those rows become holes that the next reader fills with a one-row read.

Incremental reloads (the rule, and why it does not lie). Reloading a whole snapshot every
time its TTL ends costs as much as the catalog is big (four variants a product: four times
the rows to read and the objects to build). A reload therefore reads only what changed: the
database numbers every write to a product, to what its card shows, or to a stock counter
(``change_seq``, kept by triggers: ``storage.repositories.changes``), a load first takes a
*marker* below which every write is known to be committed and read, and the next load reads
only the rows numbered from that marker on, plus this process's holes, and keeps the other
objects it built last time (``Since``); it hands back only the keys whose value changed
(``snapshot_patched``), so nothing is redone for the rows that did not. It falls back to a
whole reload when it cannot be sure: the first load, after a whole-section clear (an import,
``clear()``), when rows were deleted (the table's count differs from what the merge gives),
when the marker is unknown or went backwards, and every ``FULL_RELOAD_EVERY_S`` anyway. The
TTLs above are unchanged: another process's write is seen within them, as before; only the
work per reload shrank.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

STOCK_TTL_S = 2.0
SNAPSHOT_STOCK_TTL_S = 10.0  # a whole-table reload costs more; availability is re-checked when stock is held
CATALOG_TTL_S = 60.0
CUSTOMER_TTL_S = 60.0
MAX_ENTRIES_PER_SECTION = 50_000
SNAPSHOT_MAX_ROWS = 100_000  # above this a section stays a per-row cache
MAX_HOLES = 10_000  # more rows changed than this since the snapshot: drop it, reload it whole
FULL_RELOAD_EVERY_S = 600.0  # incremental reloads in between; a whole one now and then regardless

# Which cached sections each table feeds: a committed write to the table clears them. Not
# written by hand: each statement that fills a section declares so where it is built
# (``storage.repositories.cached.fills``), and the tables it reads are added here. Those
# declarations run when the repositories are imported, before any of them can fill a section.
SECTIONS_FED_BY: dict[str, tuple[str, ...]] = {}
# Tables whose writes clear only the rows they name, in the sections they feed: table -> the
# column whose value is those sections' key. A write that does not name its rows by that
# column (an import inserting products, an update by category) clears the sections whole.
KEY_COLUMN: dict[str, str] = {
    "customers": "id",
    "products": "id",
    "product_prices": "product_id",
    "stock": "product_id",
    "reservations": "customer_id",  # the holds section is per customer
    "cart_lines": "customer_id",
}
# An execution option for a write whose parameters do not name its rows by the key
# column (a reservation deleted by its id): the key values it touches, given by the caller.
WRITES_ROWS = "ordergram_writes_rows"
TTL_OF: dict[str, float] = {
    "catalog": CATALOG_TTL_S,
    "customers": CUSTOMER_TTL_S,
    "levels": STOCK_TTL_S,
    "holds": STOCK_TTL_S,
    "carts": STOCK_TTL_S,
    "reference": CATALOG_TTL_S,
    "tree": CATALOG_TTL_S,
    "search": CATALOG_TTL_S,  # a text's first matches (storage.repositories.catalog_search)
    "words": CATALOG_TTL_S,  # the words a mistyped search is corrected to (the same module)
}
# Sections whose entries are bigger than a row: kept to fewer entries than ``MAX_ENTRIES_PER_SECTION``.
MAX_ENTRIES_OF: dict[str, int] = {"search": 2_000, "words": 1}
# Sections that sum over many rows (the category tree's counts) or pick among them (a search's
# matches): a write to one row changes the whole entry, so any write to their tables clears
# them whole, ``KEY_COLUMN`` or not.
CLEARED_WHOLE: frozenset[str] = frozenset({"tree", "search", "words"})
SNAPSHOT_TTL_OF: dict[str, float] = {"catalog": CATALOG_TTL_S, "levels": SNAPSHOT_STOCK_TTL_S}


def feeds(section: str, tables: Iterable[str]) -> None:
    """Committed writes to any of ``tables`` clear ``section`` from now on."""
    if section not in TTL_OF:
        raise KeyError(f"no cached section {section!r}")
    for table in tables:
        fed = SECTIONS_FED_BY.get(table, ())
        if section not in fed:
            SECTIONS_FED_BY[table] = (*fed, section)


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()  # from a complete section: the key is known not to exist
ALL_ROWS: Final = None  # in a write note: the write did not name its rows


@dataclass
class _Section:
    # Values read row by row, each with its expiry. A snapshot's values are not copied in here:
    # they are ``base`` itself, looked up there while the section is complete (for every key
    # but the holes). An entry each for 40,000 variants' products, SKUs and stock was ~14 MB.
    entries: dict[Hashable, tuple[float, Any]] = field(default_factory=dict)
    cleared_at: int = 0  # generation of the last whole-section clear
    complete_until: float = 0.0  # a snapshot holds every key until then
    loading: bool = False
    too_big_until: float = 0.0
    holes: dict[Hashable, int] = field(default_factory=dict)  # key -> generation it changed at
    base: Mapping[Hashable, Any] | None = None  # the rows of the last load, as built
    marker: int | None = None  # the database's change marker taken before that load
    full_at: float = 0.0  # when the last whole load finished
    size: int | None = None  # the rows that load counted, as its loader said (None: unknown)

    def stale_for(self, key: Hashable, generation: int) -> bool:
        """Was (this key of) the section changed after a read that began at ``generation``?"""
        return generation < self.cleared_at or generation < self.holes.get(key, -1)


def _looked_up(found: _Section, key: Hashable, now: float) -> Any | None:
    """One key of a section at ``now``: its value, ``ABSENT`` when the complete section does
    not have it, or None when the database must be asked (an expired entry is dropped)."""
    entry = found.entries.get(key)
    if entry is None:
        base = found.base
        if found.complete_until > now and base is not None and key not in found.holes:
            return base.get(key, ABSENT)
        return None  # a snapshot that ran out is reloaded first: rows that did not change keep their values
    expires, value = entry
    if expires < now:
        del found.entries[key]
        return None
    return value


@dataclass
class ReadCache:
    clock: Callable[[], float] = time.monotonic
    generation: int = 0
    _sections: dict[str, _Section] = field(default_factory=dict)
    hits: int = 0  # lookups answered (the process's /metrics shows them)
    misses: int = 0  # lookups sent to the database
    _builders: dict[str, asyncio.Lock] = field(default_factory=dict)

    def one_builder(self, section: str) -> asyncio.Lock:
        """Held by the reader building ``section``'s one costly entry (the search's words: seconds of
        CPU at 100,000 products): readers missing it meanwhile wait, then find it kept, rather than
        each building it again beside the others on the event loop's thread."""
        return self._builders.setdefault(section, asyncio.Lock())

    def get(self, section: str, key: Hashable) -> Any | None:
        """The cached value, ``ABSENT`` when a complete section does not have the key, or
        None when the database must be asked."""
        found = self._sections.get(section)
        value = None if found is None else _looked_up(found, key, self.clock())
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def get_many(self, section: str, keys: Sequence[Hashable]) -> list[Any | None]:
        """``get`` of each key, read at one moment: one clock reading and one section lookup
        for them all. A variant's card reads its siblings and their stock this way."""
        found = self._sections.get(section)
        if found is None:
            self.misses += len(keys)
            return [None] * len(keys)
        now = self.clock()
        base = found.base
        if base is not None and found.complete_until > now and not found.holes and not found.entries:
            # ``_looked_up``'s answer for each key when nothing was written or kept beside the
            # snapshot: its rows as they are (a variant card's siblings' stock, four keys)
            values = [base.get(key, ABSENT) for key in keys]
        else:
            values = [_looked_up(found, key, now) for key in keys]
        misses = values.count(None)
        self.hits += len(keys) - misses
        self.misses += misses
        return values

    def unchanged(self, section: str, keys: Iterable[Hashable]) -> bool:
        """Whether the section's snapshot is complete and still holds every one of ``keys``
        as it loaded it: none was written since (a write makes its key a hole until the next
        load reads it again), so what the load derived from those rows holds too."""
        found = self._sections.get(section)
        if found is None or found.complete_until <= self.clock():
            return False
        holes = found.holes
        return not holes or not any(key in holes for key in keys)

    def put(self, section: str, key: Hashable, value: Any, *, read_at_generation: int) -> None:
        """Keep ``value`` unless a commit changed that key (or cleared the section) since
        the read began."""
        found = self._sections.setdefault(section, _Section())
        if found.stale_for(key, read_at_generation):
            return
        if found.base is not None and key in found.base and key not in found.holes:
            return  # the snapshot's next reload decides that key
        entries = found.entries
        if len(entries) >= MAX_ENTRIES_OF.get(section, MAX_ENTRIES_PER_SECTION) and found.complete_until == 0.0:
            del entries[next(iter(entries))]  # oldest first; cheap and bounded
        entries[key] = (self.clock() + TTL_OF[section], value)

    def wants_snapshot(self, section: str) -> bool:
        """True for the one reader that should load ``section`` whole now (none is loading,
        the last snapshot ran out, and the table was not found too big recently)."""
        found = self._sections.setdefault(section, _Section())
        now = self.clock()
        if found.loading or found.complete_until > now or found.too_big_until > now:
            return False
        found.loading = True
        return True

    def snapshot_since(self, section: str) -> Since | None:
        """For the reader ``wants_snapshot`` granted: what an incremental load may start from,
        or None when it must load the section whole."""
        found = self._sections.get(section)
        if found is None or found.base is None or found.marker is None:
            return None
        if self.clock() - found.full_at > FULL_RELOAD_EVERY_S:
            return None
        return Since(found.marker, found.base, frozenset(found.holes), found.size)

    def snapshot_done(
        self,
        section: str,
        rows: Mapping[Hashable, Any] | None,
        *,
        read_at_generation: int,
        marker: int | None = None,
        size: int | None = None,
    ) -> None:
        """End a whole load that ``wants_snapshot`` granted: ``rows`` is every key of the
        section, or None when the table was too big to hold (asked again after a TTL).
        ``marker`` is the database's change marker taken before the load began (None: the next
        load is whole); ``size``: the table's rows it counted (``Since.size``). The section keeps
        ``rows`` as they are (``snapshot_patched`` changes them in place): the caller hands them
        over. An incremental load ends with ``snapshot_patched`` instead."""
        found = self._sections.setdefault(section, _Section())
        found.loading = False
        now = self.clock()
        ttl = SNAPSHOT_TTL_OF[section]
        if rows is None:
            found.too_big_until = now + ttl
            found.base = found.marker = None
            found.entries = {}
            return
        if read_at_generation < found.cleared_at:
            return  # the table changed wholesale while we read it; the next reader retries
        holes = {key: at for key, at in found.holes.items() if at > read_at_generation}
        found.entries = {}  # rows read one by one before: the snapshot has them all now
        found.full_at = now
        found.holes = holes
        found.complete_until = now + ttl
        found.base = rows if isinstance(rows, dict) else dict(rows)
        found.marker, found.size = marker, size

    def snapshot_patched(
        self,
        section: str,
        changes: Mapping[Hashable, Any],
        *,
        read_at_generation: int,
        marker: int | None,
        size: int,
    ) -> None:
        """End an incremental load granted by ``wants_snapshot`` with only what it changed:
        key -> its new value, or ``ABSENT`` for a key gone; every other key keeps the value
        the last load gave. The last load's rows are changed in place, so a reload
        costs what changed, not what the section holds. That is safe because nothing else keeps
        them: ``Since.rows`` goes to the one loader granted, which reads them before this call,
        and a section cleared meanwhile is a new one (this load's result is then dropped)."""
        found = self._sections.setdefault(section, _Section())
        found.loading = False
        if read_at_generation < found.cleared_at or not isinstance(found.base, dict):
            return  # the table changed wholesale while we read it; the next reader retries
        base, entries = found.base, found.entries
        holes = {key: at for key, at in found.holes.items() if at > read_at_generation}
        for key, value in changes.items():
            if value is ABSENT:
                base.pop(key, None)
            else:
                base[key] = value
            entries.pop(key, None)  # a row read one by one meanwhile: the snapshot has it now
        for key in found.holes:  # refilled from what this load read, unless written since it began
            entries.pop(key, None)
        found.holes = holes
        found.complete_until = self.clock() + SNAPSHOT_TTL_OF[section]
        found.marker, found.size = marker, size

    def snapshot_abandoned(self, section: str) -> None:
        """A granted load failed (the database said no): let a later reader try again."""
        if (found := self._sections.get(section)) is not None:
            found.loading = False

    def written(self, tables: Mapping[str, set[Hashable] | None] | Iterable[str]) -> None:
        """A unit of work committed writes: table -> the keys it wrote (``ALL_ROWS`` when it
        did not say), or just table names."""
        notes = tables if isinstance(tables, Mapping) else dict.fromkeys(tables, ALL_ROWS)
        sections = {s for t in notes for s in SECTIONS_FED_BY.get(t, ())}
        if not sections:
            return
        self.generation += 1
        keyed: dict[str, set[Hashable]] = {}
        whole: set[str] = set()
        for table, keys in notes.items():
            for section in SECTIONS_FED_BY.get(table, ()):
                if table in KEY_COLUMN and keys is not ALL_ROWS and section not in CLEARED_WHOLE:
                    keyed.setdefault(section, set()).update(keys)
                else:
                    whole.add(section)
        for section in whole:
            self._sections[section] = _Section(cleared_at=self.generation)
        for section, keys in keyed.items():
            if section not in whole and (found := self._sections.get(section)) is not None:
                self._forget_rows(section, found, keys)

    def _forget_rows(self, name: str, section: _Section, keys: set[Hashable]) -> None:
        if len(section.holes) + len(keys) > MAX_HOLES:
            self._sections[name] = _Section(cleared_at=self.generation)
            return
        for key in keys:
            section.entries.pop(key, None)
            section.holes[key] = self.generation

    def clear(self) -> None:
        self.generation += 1
        self._sections = {name: _Section(cleared_at=self.generation) for name in self._sections}


@dataclass(frozen=True, slots=True)
class Since:
    """Where an incremental load starts: the marker the last load took, what it built (its
    objects are reused for every row that did not change), and the keys this process wrote
    since (read again whatever their number says)."""

    marker: int
    rows: Mapping[Hashable, Any]
    stale: frozenset[Hashable]
    size: int | None = None  # the rows the last load counted (``snapshot_done``'s ``size``)


@dataclass(frozen=True, slots=True)
class CacheView:
    """What one read-only unit of work sees: the cache, and its generation when it began."""

    cache: ReadCache
    generation: int

    def get(self, section: str, key: Hashable) -> Any | None:
        return self.cache.get(section, key)

    def get_many(self, section: str, keys: Sequence[Hashable]) -> list[Any | None]:
        return self.cache.get_many(section, keys)

    def unchanged(self, section: str, keys: Iterable[Hashable]) -> bool:
        return self.cache.unchanged(section, keys)

    def put(self, section: str, key: Hashable, value: Any) -> None:
        self.cache.put(section, key, value, read_at_generation=self.generation)

    def one_builder(self, section: str) -> asyncio.Lock:
        return self.cache.one_builder(section)

    def wants_snapshot(self, section: str) -> bool:
        return self.cache.wants_snapshot(section)

    def snapshot_since(self, section: str) -> Since | None:
        return self.cache.snapshot_since(section)

    def snapshot_done(
        self,
        section: str,
        rows: Mapping[Hashable, Any] | None,
        *,
        marker: int | None = None,
        size: int | None = None,
    ) -> None:
        self.cache.snapshot_done(section, rows, read_at_generation=self.generation, marker=marker, size=size)

    def snapshot_patched(self, section: str, changes: Mapping[Hashable, Any], *, marker: int | None, size: int) -> None:
        self.cache.snapshot_patched(section, changes, read_at_generation=self.generation, marker=marker, size=size)

    def snapshot_abandoned(self, section: str) -> None:
        self.cache.snapshot_abandoned(section)
