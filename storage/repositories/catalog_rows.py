"""A product as the catalog reads it: one row a price (``with_prices``), built into ``Product``s."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import Select, select

from domain.catalog import Dimensions, Product, ProductStatus
from domain.money import Money
from storage import models as m


def _same(value: Any, _default: Any) -> Any:
    """``dict.setdefault``'s shape, keeping nothing: ``value`` itself."""
    return value


def with_prices() -> Select[Any]:
    """Products with their category's name, their parent's code and option names, one row a price."""
    p, c, pp = m.ProductRow.__table__.c, m.CategoryRow.__table__.c, m.ProductPriceRow.__table__.c
    g = m.ProductGroupRow.__table__.c
    return select(
        *p,
        c.name.label("category"),
        g.code.label("parent_code"),
        g.option1_name,
        g.option2_name,
        g.option3_name,
        pp.currency,
        pp.amount_minor,
    ).select_from(
        m.ProductRow.__table__.join(m.CategoryRow.__table__, c.id == p.category_id)
        .join(m.ProductGroupRow.__table__, g.id == p.group_id)
        .outerjoin(m.ProductPriceRow.__table__, pp.product_id == p.id)
    )


def product_of(
    row: Any, category: str, prices: dict[str, Money], shared: dict[Any, Any] | None = None
) -> Product:  # a ``with_prices`` row
    """``shared``: equal values met before in the same load (``SqlProducts._all_products``), to keep instead."""
    one = _same if shared is None else shared.setdefault
    dims = (row.length_mm, row.width_mm, row.height_mm)
    option_names = tuple(n for n in (row.option1_name, row.option2_name, row.option3_name) if n)
    names = one(option_names, option_names)
    options = (row.option1, row.option2, row.option3)[: len(names)]
    return Product(
        sku=row.sku,
        name=one(row.name, row.name),
        category=one(category, category),
        category_id=row.category_id,
        prices=prices,
        barcode=row.barcode,
        description=row.description,
        weight_g=row.weight_g,
        dimensions=Dimensions(*dims) if all(d is not None for d in dims) else None,
        photo_file_id=row.photo_file_id,
        cost=Money(row.cost_minor, row.cost_currency) if row.cost_currency else None,
        status=ProductStatus(row.status),
        id=row.id,
        parent="" if row.parent_code == row.sku else one(row.parent_code, row.parent_code),
        option_names=names,
        options=one(options, options),
        more_photos=tuple(row.more_photos.split()),
    )


def products_of(rows: Sequence[Any], shared: dict[Any, Any] | None = None) -> Iterator[Product]:
    """Products from ``with_prices`` rows ordered by product: one row per price."""
    for _, group in groupby(rows, key=lambda r: r.id):
        lines = list(group)
        yield product_of(lines[0], lines[0].category, price_map(lines, shared), shared)


def price_map(rows: Sequence[Any], shared: dict[Any, Any] | None = None) -> dict[str, Money]:
    """A product's prices from its ``with_prices`` rows, by currency."""
    one = _same if shared is None else shared.setdefault
    prices: dict[str, Money] = {}
    for r in rows:
        if r.currency is not None:
            price = Money(r.amount_minor, r.currency)
            prices[r.currency] = one(price, price)
    return prices
