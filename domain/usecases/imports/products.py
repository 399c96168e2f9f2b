"""The products file: the catalog, its variants, categories and prices, all or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container
from dataclasses import replace
from datetime import datetime

from domain.backorders import parse_backorder_column
from domain.catalog import Product
from domain.catalog_edits import DuplicateBarcode, ProductChange, file_changes, shown
from domain.categories import Spelling, leaf, moves, plan_parents, refuse
from domain.category_names import CategoryNames, parse_category_names
from domain.csvfiles import Problem, problem
from domain.errors import ImportRejected, Reason
from domain.i18n import N_
from domain.memos import Memo
from domain.ports import Clock, UnitOfWork
from domain.product_file import (
    NESTED_PARENT,
    check_stored_translations,
    left_untranslated,
    parents_outside,
    parse_products,
)
from domain.usecases.backorders import import_terms
from domain.usecases.fx import shop_rates
from domain.usecases.imports.report import ImportReport
from domain.usecases.imports.stock import available_by_product, notify_back_in_stock
from domain.usecases.revaluation import revaluing
from domain.variants import check_family_category, check_variants, options_text, retranslated


def _same_product(new: Product, old: Product) -> bool:
    """Re-importing the same row changes nothing: prices and a photo or cost absent from the
    file are kept, so only what the file gives is compared."""
    return (
        (new.name, new.category, new.barcode, new.description, new.weight_g, new.dimensions, new.parent, new.options)
        == (old.name, old.category, old.barcode, old.description, old.weight_g, old.dimensions, old.parent, old.options)
        and all(old.prices.get(c) == price for c, price in new.prices.items())
        and new.photo_file_id in (None, old.photo_file_id)
        and new.cost in (None, old.cost)
        and new.status is old.status
        and all(old.names.get(language) == name for language, name in new.names.items())
        and all(old.descriptions.get(language) == text for language, text in new.descriptions.items())
        and set(new.option_translations) <= set(old.option_translations)
    )


def _nothing_to_write(new: Product, old: Product) -> bool:
    """A row ``_same_product`` as stored whose writing would change nothing stored either:
    the same option names for its parent, and the same further photos where it gives a photo."""
    return new.option_names == old.option_names and (new.photo_file_id is None or new.more_photos == old.more_photos)


def _changes(
    written: list[tuple[int, Product]], stored: dict[str, Product], ids: dict[str, int], at: datetime, actor: str
) -> list[ProductChange]:
    """What the file changes on stored products, field by field, for their audit trail."""
    return [
        ProductChange(ids[p.sku], at, actor, field, shown(before), shown(after))
        for _, p in written
        if p.sku in stored
        for field, before, after in file_changes(p, stored[p.sku])
    ]


def _created(
    written: list[tuple[int, Product]],
    ids: dict[str, int],
    stored: Container[str],
    at: datetime,
    actor: str,
    source: str,
) -> list[ProductChange]:
    """The products and variants the file creates, audited as /newproduct and ➕ Add variant audit
    theirs (``catalog_admin``, ``variant_admin``): its SKU (and options), here with the file's name;
    a new variant of a product also on its parent's row (``ids``: the stored rows' the file names)."""
    ids = {**ids, **{p.sku: p.id for _, p in written if p.id is not None}}
    found: list[ProductChange] = []
    for _, p in written:
        if p.sku in stored:
            continue
        what = f"{p.sku} ({options_text(p)})" if p.option_names else p.sku
        what += f" · {source}" if source else ""
        found.append(ProductChange(p.id or 0, at, actor, "created", "", what))
        if p.option_names and p.parent_code != p.sku and (parent := ids.get(p.parent_code)):
            found.append(ProductChange(parent, at, actor, "variant_added", "", what))
    return found


async def import_products(
    uow: UnitOfWork,
    clock: Clock,
    text: str,
    resolve_path: Callable[[str], str | None] | None = None,
    languages: Container[str] | None = None,
    *,
    actor: str = "import",
    source: str = "",
) -> ImportReport:
    """``resolve_path`` turns a photo path written in the file into an absolute one (or
    None when it does not exist); without it, only URLs and Telegram file_ids are accepted.
    A product the file puts back on sale with stock tells those who asked for it, in the
    import's transaction, as ``/product``'s status does (``catalog_admin.set_status``).
    What the file changes on stored products goes into their audit trail under ``actor``,
    as an edit in ``/product`` does (a price cut there is what a relaunch forecast reads); what
    it creates, with the file's name (``source``), as ``/newproduct`` does (``_created``)."""
    resolve = resolve_path or (lambda _: None)
    # Reading 50,000 rows takes seconds: in a thread, so the bot answers everyone else meanwhile,
    # and before the transaction (SQLite's write lock, every checkout's) when nothing stored is
    # needed for it, which is unless variant rows come without their parent row.
    terms, bad_terms, wanted, category_names = await asyncio.to_thread(_read_first, text, languages)
    read = await asyncio.to_thread(parse_products, text, resolve, languages, {}) if not wanted else None
    async with uow:
        if read is None:
            # What is stored fills the blanks of variant rows without their parent row, whichever they
            # leave blank: only those short of a name, category or price were, the rest lost theirs.
            stored_rows = await _stored_beside(uow, wanted)
            read = await asyncio.to_thread(parse_products, text, resolve, languages, stored_rows)
        parsed, problems = read
        # The backorder column's reading meets the file's own problems too (a row too long): named once.
        if problems := problems + [p for p in bad_terms if p not in problems]:
            raise ImportRejected(sorted(problems))
        stored_by_parent = await _check_stored_variants(uow, parsed)
        untranslated = left_untranslated([p for _, p in parsed], stored_by_parent)
        await _check_stored_barcodes(uow, parsed)
        stored_parents = await uow.products.category_parents()
        spelling = Spelling(stored_parents)
        for _, product in parsed:  # paths were checked when the file was read
            if product.category:
                product.category = spelling.path(product.category)
        links, problems = plan_parents([(line, p.category) for line, p in parsed], stored_parents)
        refuse(problems)
        relinked = moves(links, stored_parents)  # said in the summary, as a typed path says them
        for _, product in parsed:
            product.category = leaf(product.category)
        followers = _families_follow(parsed, stored_by_parent)
        existing = await uow.products.ids_by_sku([p.sku for _, p in parsed])
        stored = {p.sku: p for p in await uow.products.get_many(sorted(existing.values()))}
        for _, product in parsed:  # a variant given other values loses the words that said its old ones
            if product.sku in stored:
                product.option_translations = retranslated(stored[product.sku], product)
        same = [p for _, p in parsed if p.sku in stored and _same_product(p, stored[p.sku])]
        # Rows that would write what is stored are not written (nor compared field by field): a
        # catalog imported again each night changes the few rows it changes, not all 50,000.
        kept = {p.sku for p in same if _nothing_to_write(p, stored[p.sku])}
        written = [(line, p) for line, p in parsed if p.sku not in kept]
        await asyncio.sleep(0)
        back = [existing[p.sku] for _, p in parsed if p.orderable and p.sku in stored and not stored[p.sku].orderable]
        await uow.products.link_categories(links)
        at = clock.now()
        recosted = [existing[p.sku] for _, p in parsed if p.sku in stored and p.cost not in (None, stored[p.sku].cost)]
        memo = Memo.of(N_("products file: stock on hand at its new cost"))
        async with revaluing(uow, at, "import:products", memo, recosted):
            await uow.products.upsert_many([product for _, product in written] + [new for new, _ in followers])
        changes = await asyncio.to_thread(_changes, written, stored, existing, at, actor)
        beside = {p.sku: p.id for family in stored_by_parent.values() for p in family if p.id is not None}
        changes += _created(written, {**beside, **existing}, stored, at, actor, source)
        await uow.products.record_changes(
            changes + [ProductChange(new.id or 0, at, actor, "category", old, new.category) for new, old in followers]
        )
        await import_terms(uow, terms)
        # Named as the file's paths are spelled: "clothing" in category is the stored Clothing.
        await uow.products.translate_categories({spelling.of(name): names for name, names in category_names.items()})
        if back:
            available = await available_by_product(uow, back)
            await notify_back_in_stock(uow, [p for p in back if available.get(p, 0) > 0], at)
        rates = await shop_rates(uow)
        await uow.commit()
    # Allowed, as a rate may come later (README, "Currencies"), but said: no customer can buy these.
    priced = [{*p.prices, *(stored[p.sku].prices if p.sku in stored else ())} for _, p in parsed]
    not_sold = [found for found in priced if found and not any(rates.offers(c) for c in found)]
    return ImportReport(
        created=len(parsed) - len(existing),
        updated=len(existing) - len(same),
        unchanged=len(same),
        not_sold=len(not_sold),
        not_sold_in=tuple(sorted(set().union(*not_sold))),
        shop_currencies=tuple(rates.currencies),
        relinked=tuple(relinked),
        untranslated=untranslated,
    )


def _read_first(
    text: str, languages: Container[str] | None
) -> tuple[list[tuple[str, str]], list[Problem], list[str], CategoryNames]:
    """The optional ``backorder`` and ``category_ru``-style columns (their problems with the backorder's),
    and the variant rows without their parent row in the file with those parents (``parents_outside``)."""
    terms, bad_terms = parse_backorder_column(text)
    category_names, bad_names = parse_category_names(text, languages)
    return terms, bad_terms + bad_names, parents_outside(text), category_names


async def _stored_beside(uow: UnitOfWork, wanted: list[str]) -> dict[str, Product]:
    """The stored products that variant rows without their parent row in the file are, and
    their parents (``wanted``), by SKU: a row changing a size's price need not repeat its name
    and category."""
    ids = await uow.products.ids_by_sku(wanted)
    return {p.sku: p for p in await uow.products.get_many(sorted(ids.values()))}


def _families_follow(
    parsed: list[tuple[int, Product]], stored_by_parent: dict[str, list[Product]]
) -> list[tuple[Product, str]]:
    """The category is the product's, as in ``/product`` (``catalog_admin._move_family``): one
    parent's rows giving two categories are refused, and its stored variants the file leaves out
    go where its rows put it. Those, moved, with the category each had."""
    groups: dict[str, list[tuple[int, Product]]] = {}
    for line, product in parsed:
        groups.setdefault(product.parent_code, []).append((line, product))
    categories: dict[str, str] = {}
    problems: list[Problem] = []
    for code, members in groups.items():
        categories[code], found = check_family_category(members)
        problems += found
    refuse(problems)
    in_file = {p.sku for _, p in parsed}
    return [
        (replace(stored, category=categories[code]), stored.category)
        for code in groups
        for stored in stored_by_parent.get(code, [])
        if stored.sku not in in_file and stored.category != categories[code]
    ]


async def _check_stored_barcodes(uow: UnitOfWork, parsed: list[tuple[int, Product]]) -> None:
    """A file's barcode is not another stored product's (a scan would find two), unless the
    file gives that product too, and so its barcode as the file says."""
    in_file = {p.sku for _, p in parsed}
    owners = await uow.products.skus_with_barcodes([p.barcode for _, p in parsed if p.barcode])
    problems: list[Problem] = [
        (line, Reason.of(DuplicateBarcode(barcode=p.barcode, sku=owner)))
        for line, p in parsed
        if p.barcode and (owner := owners.get(p.barcode, p.sku)) != p.sku and owner not in in_file
    ]
    if problems:
        raise ImportRejected(sorted(problems))


async def _check_stored_variants(uow: UnitOfWork, parsed: list[tuple[int, Product]]) -> dict[str, list[Product]]:
    """A file's variants join the ones stored for their parent: the same option names, no
    combination twice, their translations as the stored ones say them (``check_stored_translations``),
    and a parent that is no stored product's variant. Stored ones the file
    also gives are taken as the file says. The stored variants of each parent the file names."""
    in_file = {p.sku for _, p in parsed}
    groups: dict[str, list[tuple[int, Product]]] = {}
    for line, product in parsed:
        groups.setdefault(product.parent_code, []).append((line, product))
    outside = sorted({p.parent for _, p in parsed if p.parent and p.parent not in in_file})
    stored_parents = {
        p.sku: p for p in await uow.products.get_many(sorted((await uow.products.ids_by_sku(outside)).values()))
    }
    problems: list[Problem] = [  # as in one file: a parent row has no parent
        (line, problem(NESTED_PARENT, parent=p.parent, other=source.parent))
        for line, p in parsed
        if (source := stored_parents.get(p.parent)) is not None and source.parent and source.parent != source.sku
    ]
    # Only the stored variants the file leaves out are read in full: those it gives are taken
    # as it says (re-importing a 50,000-row catalog read every stored product here, twice).
    ids = await uow.products.variant_skus_of(list(groups))
    left_out = sorted(i for found in ids.values() for sku, i in found.items() if sku not in in_file)
    stored_by_parent: dict[str, list[Product]] = {}
    for product in sorted(await uow.products.get_many(left_out), key=lambda p: p.id or 0):
        stored_by_parent.setdefault(product.parent_code, []).append(product)
    for code, members in groups.items():
        stored = [(0, p) for p in stored_by_parent.get(code, []) if p.sku not in in_file]
        if stored:
            problems += check_variants(stored + members) + check_stored_translations([p for _, p in stored], members)
    if problems:
        raise ImportRejected(sorted(problems))
    return stored_by_parent
