"""Products inserted or updated by SKU in bulk (a catalog import): Core executemany, no ORM objects."""
# Performance rule: 100,000 products are a few statements per chunk of 900, not 100,000 ORM
# objects flushed (the ORM's unit of work cost ~1.5 ms a product). It relies on the import's
# transaction being the only writer of these rows until it commits (SQLite's write lock from
# BEGIN IMMEDIATE; on PostgreSQL a concurrent insert of the same SKU fails the unique index and
# the whole file rolls back). Writes name their rows as the read cache expects: updates by
# ``products_id`` clear only those products; inserts and parent writes clear the lists whole.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import BigInteger, String, bindparam, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from domain.catalog import Product
from domain.variants import pairs_text
from storage import models as m
from storage.repositories.changes import number_for_bulk_write
from storage.repositories.numbered_inserts import without_insert_trigger
from storage.repositories.sql import _chunks, _table, fetch, run, run_many

_GROUPS, _PRODUCTS = _table(m.ProductGroupRow), _table(m.ProductRow)
_PRICES, _TRANSLATIONS = _table(m.ProductPriceRow), _table(m.ProductTranslationRow)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_GROUPS_BY_CODE = select(
    _GROUPS.c.id, _GROUPS.c.code, _GROUPS.c.option1_name, _GROUPS.c.option2_name, _GROUPS.c.option3_name
).where(_GROUPS.c.code.in_(bindparam("codes", expanding=True)))
_RENAME_GROUP = (
    update(_GROUPS)
    .where(_GROUPS.c.id == bindparam("group_id"))
    .values(option1_name=bindparam("name1"), option2_name=bindparam("name2"), option3_name=bindparam("name3"))
)
_TOUCH_GROUPS = update(_GROUPS).where(_GROUPS.c.id.in_(_IDS)).values(code=_GROUPS.c.code)
_BY_SKU = select(
    _PRODUCTS.c.id, _PRODUCTS.c.sku, _PRODUCTS.c.group_id, _PRODUCTS.c.option1, _PRODUCTS.c.option2, _PRODUCTS.c.option3
).where(_PRODUCTS.c.sku.in_(bindparam("skus", expanding=True)))
_FIELDS = (
    "name",
    "category_id",
    "group_id",
    "option1",
    "option2",
    "option3",
    "barcode",
    "description",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "status",
)
# One UPDATE a product, numbered (``seq``): a second write to the row in this transaction
# would leave ``change_seq`` as it was and the trigger would number the row again. A photo or
# a cost the file does not give (NULL) keeps the one known.
_PHOTO: BindParameter[str | None] = bindparam("new_photo", type_=String)
_UPDATE = (
    update(_PRODUCTS)
    .where(_PRODUCTS.c.id == bindparam("products_id"))
    .values(
        {
            **{f: bindparam(f"new_{f}") for f in _FIELDS},
            "photo_file_id": func.coalesce(_PHOTO, _PRODUCTS.c.photo_file_id),
            "more_photos": case((_PHOTO.is_(None), _PRODUCTS.c.more_photos), else_=bindparam("new_more")),
            "cost_minor": func.coalesce(bindparam("new_cost", type_=BigInteger), _PRODUCTS.c.cost_minor),
            "cost_currency": func.coalesce(bindparam("new_cost_currency", type_=String), _PRODUCTS.c.cost_currency),
            "change_seq": bindparam("seq"),
        }
    )
)
_PRICES_OF = select(_PRICES.c.product_id, _PRICES.c.currency).where(_PRICES.c.product_id.in_(_IDS))
_SET_PRICE = (
    update(_PRICES)
    .where(  # "product_prices_product_id": names its row to the read cache
        _PRICES.c.product_id == bindparam("product_prices_product_id"),
        _PRICES.c.currency == bindparam("price_currency"),
    )
    .values(amount_minor=bindparam("new_amount"), change_seq=bindparam("seq"))
)
_TRANSLATIONS_OF = select(
    _TRANSLATIONS.c.product_id,
    _TRANSLATIONS.c.language,
    _TRANSLATIONS.c.name,
    _TRANSLATIONS.c.description,
    _TRANSLATIONS.c.options,
).where(_TRANSLATIONS.c.product_id.in_(_IDS))
_SET_TRANSLATION = (
    update(_TRANSLATIONS)
    .where(_TRANSLATIONS.c.product_id == bindparam("of_product"), _TRANSLATIONS.c.language == bindparam("lang"))
    .values(
        name=bindparam("new_name"),
        description=bindparam("new_description"),
        options=bindparam("new_options"),
        change_seq=bindparam("seq"),
    )
)


def _options(values: Sequence[str]) -> tuple[str, str, str]:
    first, second, third = (*values, "", "", "")[:3]
    return first, second, third


async def upsert_products(session: AsyncSession, products: Sequence[Product], categories: Mapping[str, int]) -> None:
    """Insert or update by SKU, as ``SqlProducts.upsert_many`` promises: parents created or
    renamed, prices and translations set, a photo or cost absent from a product kept; each
    product gets its ``id`` and ``category_id``. Every row written carries one change number
    for the whole file, which SQLite's change triggers leave alone (``number_for_bulk_write``)."""
    if not products:
        return
    seq = await number_for_bulk_write(session)
    groups = await _groups(session, {p.parent_code: _options(p.option_names) for p in products})
    stored: dict[str, Any] = {}
    for chunk in _chunks(sorted({p.sku for p in products})):
        stored.update({row.sku: row for row in await fetch(session, _BY_SKU, {"skus": list(chunk)})})
    fresh, changed, regrouped = [], [], set()
    for product in products:
        dims = product.dimensions
        values = {
            "name": product.name,
            "category_id": categories[product.category],
            "group_id": groups[product.parent_code],
            **dict(zip(("option1", "option2", "option3"), _options(product.options), strict=True)),
            "barcode": product.barcode,
            "description": product.description,
            "weight_g": product.weight_g,
            "length_mm": dims.length_mm if dims else None,
            "width_mm": dims.width_mm if dims else None,
            "height_mm": dims.height_mm if dims else None,
            "status": product.status.value,
        }
        row = stored.get(product.sku)
        if row is None:
            cost = product.cost
            fresh.append(
                {
                    "sku": product.sku,
                    **values,
                    "photo_file_id": product.photo_file_id or None,
                    "more_photos": "\n".join(product.more_photos) if product.photo_file_id else "",
                    "cost_minor": cost.amount if cost else None,
                    "cost_currency": cost.currency if cost else None,
                    "change_seq": seq,
                    "status_seq": seq,  # its creation sets its status: the stock feed lists it (0076)
                }
            )
            continue
        if (row.group_id, row.option1, row.option2, row.option3) != (values["group_id"], *_options(product.options)):
            regrouped.add(groups[product.parent_code])
        cost = product.cost
        changed.append(
            {
                "products_id": row.id,
                **{f"new_{k}": v for k, v in values.items()},
                "new_photo": product.photo_file_id or None,
                "new_more": "\n".join(product.more_photos),
                "new_cost": cost.amount if cost else None,
                "new_cost_currency": cost.currency if cost else None,
                "seq": seq,
            }
        )
    if changed:
        await run_many(session, _UPDATE, changed)
    by_sku = {sku: row.id for sku, row in stored.items()}
    if fresh:
        before = await _last_id(session, _PRODUCTS)
        # Each row carries seq
        async with without_insert_trigger(session, "change_seq_products_insert", seq, len(fresh)):
            await run_many(session, insert(_PRODUCTS), fresh)
        new = {str(row["sku"]) for row in fresh}
        by_sku.update(
            {code: i for i, code in await _inserted(session, _PRODUCTS.c.id, _PRODUCTS.c.sku, before) if code in new}
        )
    if regrouped:
        # A variant moved or re-optioned is written by id, which clears only its own cached
        # row: a write to its parent clears the cached lists of variants too.
        for group_ids in _chunks(sorted(regrouped)):
            await run(session, _TOUCH_GROUPS, {"ids": list(group_ids)})
    for product in products:
        product.id, product.category_id = by_sku[product.sku], categories[product.category]
    stored_ids = {row.id for row in stored.values()}  # a product inserted just now has no prices or translations
    await _prices(session, products, seq, stored_ids)
    if any(p.names or p.descriptions or p.option_translations for p in products):
        await _translations(session, products, seq, stored_ids)


async def _groups(session: AsyncSession, names: dict[str, tuple[str, str, str]]) -> dict[str, int]:
    """The parents' ids by code, created where new; option names as the products give them."""
    found: dict[str, Any] = {}
    for chunk in _chunks(sorted(names)):
        found.update({row.code: row for row in await fetch(session, _GROUPS_BY_CODE, {"codes": list(chunk)})})
    renamed = [
        {"group_id": row.id, "name1": names[code][0], "name2": names[code][1], "name3": names[code][2]}
        for code, row in found.items()
        if (row.option1_name, row.option2_name, row.option3_name) != names[code]
    ]
    if renamed:
        await run_many(session, _RENAME_GROUP, renamed)
    new = sorted(names.keys() - found.keys())
    if new:
        rows = [
            dict(zip(("code", "option1_name", "option2_name", "option3_name"), (code, *names[code]), strict=True))
            for code in new
        ]
        before = await _last_id(session, _GROUPS)
        await run_many(session, insert(_GROUPS), rows)
        made = set(new)
        ids = {code: i for i, code in await _inserted(session, _GROUPS.c.id, _GROUPS.c.code, before) if code in made}
        return {code: row.id for code, row in found.items()} | ids
    return {code: row.id for code, row in found.items()}


# Performance rule: the rows an import inserted are read back by id — those past the last id
# before the insert, in pages — not by their 100,000 codes in IN lists of 900 (each list compiled
# anew: a tenth of the products file's time under the write lock). It relies on new rows taking
# ids past every stored one (SQLite gives max(id) + 1; PostgreSQL's sequences only grow) and on
# the codes being unique, so a row another transaction inserted meanwhile is told apart by its
# code, which the file's rows cannot share (the unique index).
_INSERTED_PAGE = 5_000


async def _last_id(session: AsyncSession, table: Any) -> int:
    found = await fetch(session, select(func.coalesce(func.max(table.c.id), 0)))
    return int(found[0][0])


async def _inserted(session: AsyncSession, id_column: Any, code: Any, after: int) -> list[tuple[int, str]]:
    """(id, code) of the rows with ids past ``after``, in id order."""
    rows: list[tuple[int, str]] = []
    while True:
        page = select(id_column, code).where(id_column > after).order_by(id_column).limit(_INSERTED_PAGE)
        found = [(int(i), str(c)) for i, c in cast(Sequence[tuple[int, str]], await fetch(session, page))]
        rows += found
        if len(found) < _INSERTED_PAGE:
            return rows
        after = found[-1][0]


async def _prices(session: AsyncSession, products: Sequence[Product], seq: int, known: set[int]) -> None:
    stored: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted({p.id for p in products if p.id in known})):
        stored.update((row.product_id, row.currency) for row in await fetch(session, _PRICES_OF, {"ids": list(chunk)}))
    prices = [(p.id, price) for p in products for price in p.prices.values()]
    changed = [
        {"product_prices_product_id": pid, "price_currency": price.currency, "new_amount": price.amount, "seq": seq}
        for pid, price in prices
        if (pid, price.currency) in stored
    ]
    if changed:
        await run_many(session, _SET_PRICE, changed)
    fresh = [
        {"product_id": pid, "currency": price.currency, "amount_minor": price.amount, "change_seq": seq}
        for pid, price in prices
        if (pid, price.currency) not in stored
    ]
    if fresh:
        # Its product's seq
        async with without_insert_trigger(session, "change_seq_product_prices_insert", seq, len(fresh)):
            await run_many(session, insert(_PRICES), fresh)


async def _translations(session: AsyncSession, products: Sequence[Product], seq: int, known: set[int]) -> None:
    stored: dict[tuple[int, str], tuple[str, str, str]] = {}
    for chunk in _chunks(sorted({p.id for p in products if p.id in known})):
        for row in await fetch(session, _TRANSLATIONS_OF, {"ids": list(chunk)}):
            stored[(row.product_id, row.language)] = (row.name, row.description, row.options)
    changed, fresh = [], []
    for product in products:
        assert product.id is not None
        worded = {language: pairs_text(names, values) for language, names, values in product.option_translations}
        for language in sorted(product.names.keys() | product.descriptions.keys() | worded.keys()):
            name, description, options = stored.get((product.id, language), ("", "", ""))
            name = product.names.get(language, name)
            description = product.descriptions.get(language, description)
            options = worded.get(language, options)
            if (product.id, language) in stored:
                changed.append(
                    {
                        "of_product": product.id,
                        "lang": language,
                        "new_name": name,
                        "new_description": description,
                        "new_options": options,
                        "seq": seq,
                    }
                )
            else:
                fresh.append(
                    {
                        "product_id": product.id,
                        "language": language,
                        "name": name,
                        "description": description,
                        "options": options,
                        "change_seq": seq,
                    }
                )
    if changed:
        await run_many(session, _SET_TRANSLATION, changed)
    if fresh:
        # See _prices
        async with without_insert_trigger(session, "change_seq_product_translations_insert", seq, len(fresh)):
            await run_many(session, insert(_TRANSLATIONS), fresh)
