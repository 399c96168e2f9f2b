"""The catalog snapshot's entries, built whole or changed in place row by row (the read cache)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Any

from domain.catalog import Product
from domain.family_names import sibling_texts
from domain.variants import sibling_words
from storage.cache import ABSENT

# What the snapshot holds, for each product: ``id -> Product``, ``("sku", sku) -> id``; for each
# parent code: ``("parent", code) -> ids`` and, when a variant has options, ``("family", code) ->
# (id, options, listed, orderable, words, texts, parent)`` each (``domain.variants.Sibling``), both in id order.
#
# The rule an incremental reload relies on (``changes``): every entry is derived from the
# products it names, and from nothing else. A product's own two entries depend on that product
# only; a parent's two on the products whose parent code it is, now or at the last load. So a
# reload that read some products again needs to derive again only their own entries and those of
# the parents they left or joined: every other entry is what a whole build would give now. That
# keeps a periodic reload's work proportional to the rows that changed, not to the catalog (with
# 10,000 products × 4 variants, deriving every entry again cost ~3 times the reading).
# ``tests/storage/test_incremental_reload.py`` checks the two against each other.

Entries = dict[Hashable, Any]
Member = tuple[
    int, tuple[str, ...], bool, bool, tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, str, str], ...], bool
]


def member(product: Product) -> Member:
    """A product's place in its family's entry: a ``Sibling``'s fields, plain tuples (untracked by the collector)."""
    words, texts = sibling_words(product), sibling_texts(product)
    return (product.id or 0, product.options, product.listed, product.orderable, words, texts, not product.parent)


def whole(products: Iterable[Product]) -> Entries:
    """Every entry of the products given in id order (the whole catalog)."""
    snapshot: Entries = {}
    parents: dict[str, list[int]] = defaultdict(list)
    families: dict[str, list[Member]] = defaultdict(list)
    for product in products:
        snapshot[product.id] = product
        snapshot[("sku", product.sku)] = product.id
        parents[product.parent_code].append(product.id or 0)
        families[product.parent_code].append(member(product))
    snapshot.update({("parent", code): tuple(ids) for code, ids in parents.items()})
    # ``siblings`` for the parents whose cards have options (any variant with some)
    snapshot.update(
        {("family", code): tuple(members) for code, members in families.items() if any(m[1] for m in members)}
    )
    return snapshot


def changes(base: Mapping[Hashable, Any], fresh: Mapping[int, Product], gone: Collection[int]) -> Entries:
    """The entries that differ from ``base`` (the last load's) once ``fresh`` products replace
    theirs and the ``gone`` ones are deleted: key -> its new value, or ``ABSENT`` for a key no
    longer there. Work in proportion to those products and their parents' variants only.
    A product read again unchanged is no change: on PostgreSQL a reload also reads every row
    written since the oldest transaction then running anywhere on the server began
    (``storage.repositories.changes``), so a long report elsewhere makes reloads read more,
    and what they read as it was keeps its entries and objects."""
    fresh = {pid: product for pid, product in fresh.items() if base.get(pid) != product}
    changed: Entries = {}
    codes: set[str] = set()
    for pid in (*gone, *fresh):
        old = base.get(pid)
        if isinstance(old, Product):
            codes.add(old.parent_code)
            if base.get(("sku", old.sku)) == pid:
                changed[("sku", old.sku)] = ABSENT  # unless a fresh product has that SKU now (below)
            if pid in gone:
                changed[pid] = ABSENT
    joined: dict[str, list[int]] = defaultdict(list)
    for pid, product in fresh.items():
        changed[pid] = product
        if base.get(("sku", product.sku)) == pid:
            changed.pop(("sku", product.sku), None)  # its SKU as it was: that entry stands
        else:
            changed[("sku", product.sku)] = pid
        joined[product.parent_code].append(pid)
    codes.update(joined)
    for code in codes:
        kept = [pid for pid in base.get(("parent", code), ()) if pid not in changed]
        ids = tuple(sorted(kept + joined.get(code, [])))
        if not ids:
            changed[("parent", code)] = changed[("family", code)] = ABSENT
            continue
        members = tuple(member(fresh[pid] if pid in fresh else base[pid]) for pid in ids)
        _differs(changed, base, ("parent", code), ids)
        _differs(changed, base, ("family", code), members if any(m[1] for m in members) else ABSENT)
    return changed


def _differs(changed: Entries, base: Mapping[Hashable, Any], key: Hashable, value: Any) -> None:
    """Note ``key``'s new value unless the last load's is equal (its object is then kept)."""
    if base.get(key, ABSENT) != value:
        changed[key] = value
