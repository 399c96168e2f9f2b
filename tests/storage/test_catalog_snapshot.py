"""The catalog snapshot changed in place row by row equals the one built whole, and touches only what changed."""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

from domain.catalog import Product, ProductStatus
from storage.cache import ABSENT
from storage.repositories.catalog_snapshot import changes, whole

PARENTS = ("G0", "G1", "G2", "G3")


def _product(pid: int, rng: random.Random) -> Product:
    parent = rng.choice([*PARENTS, ""])  # "": its own parent (code = SKU)
    options = rng.choice([(), ("S",), ("M",)])
    return Product(
        sku=f"P{pid}",
        name=f"Product {pid}",
        category=rng.choice(["Mugs", "Bags"]),
        id=pid,
        parent=parent,
        option_names=("Size",) if options else (),
        options=options,
        status=rng.choice(list(ProductStatus)),
    )


def _edited(product: Product, rng: random.Random) -> Product:
    """A copy with one field changed as an edit or an import would change it."""
    fresh = _product(product.id or 0, rng)
    kind = rng.choice(["parent", "status", "options", "sku", "name"])
    if kind == "sku":  # maybe one another product gives up in the same reload, maybe taken still
        return Product(**{**_fields(product), "sku": f"P{rng.randrange(1, 60)}"})
    if kind == "name":
        return Product(**{**_fields(product), "name": product.name + "!"})
    return Product(**{**_fields(product), kind: getattr(fresh, kind), "option_names": fresh.option_names})


def _fields(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in Product.__slots__}


def _keys_of(products: list[Product]) -> set[Hashable]:
    """The entries a product's change may touch: its own two and its parent's two."""
    return {
        key for p in products for key in (p.id, ("sku", p.sku), ("parent", p.parent_code), ("family", p.parent_code))
    }


def test_a_catalog_changed_row_by_row_gives_every_entry_a_whole_build_gives_and_touches_only_those_rows() -> None:
    rng = random.Random(23)
    catalog = {pid: _product(pid, rng) for pid in range(1, 41)}
    base = whole(catalog[pid] for pid in sorted(catalog))
    next_id, applied = 41, 0
    for _ in range(600):
        fresh: dict[int, Product] = {}
        gone: set[int] = set()
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["edit", "edit", "new", "delete"])
            if kind == "new":
                fresh[next_id] = _product(next_id, rng)
                next_id += 1
            elif catalog:
                pid = rng.choice(sorted(catalog.keys() - gone))
                if kind == "delete" and pid not in fresh:
                    gone.add(pid)
                else:
                    fresh[pid] = _edited(fresh.get(pid, catalog[pid]), rng)
        after = [p for p in {**catalog, **fresh}.values() if p.id not in gone]
        if len({p.sku for p in after}) < len(after):
            continue  # two products with one SKU: the database refuses that write
        applied += 1
        before = [catalog[pid] for pid in (*fresh, *gone) if pid in catalog]
        changed = changes(base, fresh, gone)
        for pid in gone:
            del catalog[pid]
        catalog.update(fresh)
        for key, value in changed.items():
            if value is ABSENT:
                base.pop(key, None)
            else:
                base[key] = value
        assert base == whole(catalog[pid] for pid in sorted(catalog))
        assert changed.keys() <= _keys_of(before + list(fresh.values()))
    assert applied > 200


def test_products_read_again_unchanged_change_no_entry_and_keep_their_objects() -> None:
    """On PostgreSQL a transaction open anywhere on the server makes a reload read again rows it
    had read (``storage.repositories.changes``): what comes back as it was is no change."""
    rng = random.Random(5)
    catalog = {pid: _product(pid, rng) for pid in range(1, 21)}
    base = whole(catalog[pid] for pid in sorted(catalog))
    again = {pid: Product(**_fields(catalog[pid])) for pid in range(1, 21)}  # equal, not the same objects
    assert changes(base, again, set()) == {}
    renamed = Product(**{**_fields(catalog[7]), "name": "Renamed"})
    assert changes(base, {**again, 7: renamed}, set()) == {7: renamed}
