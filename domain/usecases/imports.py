"""Bulk set-up from CSV: all-or-nothing, one transaction per file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from domain.backorders import parse_backorder_column
from domain.catalog import Product
from domain.catalog_edits import DuplicateBarcode, ProductChange, file_changes, shown
from domain.categories import CategoryMove, Spelling, leaf, moves, plan_parents, refuse
from domain.category_names import CategoryNames, parse_category_names
from domain.csvfiles import UTF8, Problem, problem
from domain.customers import Customer
from domain.errors import DomainError, ImportRejected, InsufficientStock, Reason
from domain.i18n import N_, N_plural
from domain.imports import (
    StockRow,
    parse_boxes,
    parse_carriers,
    parse_customers,
    parse_demand,
    parse_stock,
    parse_warehouses,
)
from domain.memos import Memo
from domain.notifications import Notification
from domain.ports import Clock, UnitOfWork
from domain.product_file import (
    NESTED_PARENT,
    Untranslated,
    check_stored_translations,
    left_untranslated,
    parents_outside,
    parse_products,
)
from domain.shipping import CarrierRate
from domain.shop_days import shop_day
from domain.stock_counts import BinCount, CountsRefused
from domain.usecases.backorders import fill_backorders, import_terms
from domain.usecases.bookkeeping import book_stock_changes
from domain.usecases.customers import fill_contacts, find_customer
from domain.usecases.fx import shop_rates
from domain.usecases.revaluation import revaluing
from domain.variants import check_family_category, check_variants, options_text, retranslated
from domain.warehouse import DEFAULT_BIN, normal_bin
from domain.weeks import week_start

HISTORY_WEEKS = 104  # demand kept for forecasts: two years at most, older says little about next month


def history_start(today: date) -> date:
    """The first day of the demand history kept: ``HISTORY_WEEKS`` whole weeks to the last one."""
    return week_start(today) - timedelta(weeks=HISTORY_WEEKS)


class FutureSale(DomainError):
    key = N_("{day} is still to come: sales history ends today.")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a file did: rows that created something, changed something, or matched what
    was stored already; and rows skipped (demand before ``skipped_before``)."""

    created: int
    updated: int
    unchanged: int = 0
    skipped: int = 0
    skipped_before: date | None = None
    encoding: str = UTF8
    ignored_columns: tuple[str, ...] = ()
    # Products priced only in currencies the shop does not take (no rate yet): none can be bought.
    not_sold: int = 0
    not_sold_in: tuple[str, ...] = ()
    shop_currencies: tuple[str, ...] = ()
    # A stock count: the units its bins hold now (it creates nothing: it sets bins, ``updated``).
    units: int | None = None
    # Stored categories the file's paths put under another parent, with everything in them.
    relinked: tuple[CategoryMove, ...] = ()
    # Stored variants the file leaves out without words in a language it gives their siblings (allowed, said).
    untranslated: Untranslated = ()

    def read_as(self, encoding: str, ignored_columns: Sequence[str] = ()) -> ImportReport:
        return replace(self, encoding=encoding, ignored_columns=tuple(ignored_columns))


# A stock count's summary, in the chat and on the command line: a count creates nothing ("0 created,
# 4 updated" read as if the file did little), it sets bins (``updated``) to what they hold (``units``).
STOCK_COUNTED = N_plural(
    "{kind}: {n} bin set, {unchanged} unchanged; units in the file's bins: {units}.",
    "{kind}: {n} bins set, {unchanged} unchanged; units in the file's bins: {units}.",
)


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


async def import_warehouses(uow: UnitOfWork, text: str) -> ImportReport:
    parsed, problems = parse_warehouses(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        found = [await uow.warehouses.get_by_code(w.code) for _, w in parsed]
        stored = {w.code: replace(w, id=None, zones=()) for w in found if w is not None}
        for _, warehouse in parsed:
            await uow.warehouses.upsert(warehouse)
        await uow.commit()
    created = sum(1 for _, w in parsed if w.code not in stored)
    same = sum(1 for _, w in parsed if stored.get(w.code) == replace(w, id=None, zones=()))
    return ImportReport(created=created, updated=len(parsed) - created - same, unchanged=same)


class _SkuAtWarehouse(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def warehouse(self) -> str: ...


async def _known_skus_and_warehouses(
    uow: UnitOfWork, rows: Sequence[_SkuAtWarehouse], found: Sequence[Problem] = ()
) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of the rows' SKUs and warehouses; any unknown one rejects the whole file, named with
    the problems ``found`` in the file's other lines (one run names every bad line)."""
    products = await uow.products.ids_by_sku(sorted({r.sku for r in rows}))
    warehouses = await uow.warehouses.ids_by_code(sorted({r.warehouse for r in rows}))
    problems = [*found, *((r.line, no_such(SKU_MISSING, r.sku)) for r in rows if r.sku not in products)]
    problems += [(r.line, no_such(WAREHOUSE_MISSING, r.warehouse)) for r in rows if r.warehouse not in warehouses]
    if problems:
        raise ImportRejected(sorted(problems))
    return products, warehouses


SKU_MISSING = N_("SKU {code} does not exist — import products first")
WAREHOUSE_MISSING = N_("warehouse {code} does not exist — import warehouses first")
SUPPLIER_MISSING = N_("supplier {code} does not exist — import suppliers first")


def no_such(key: str, code: str) -> Reason:
    """A row naming what another file creates: which file to import first."""
    return problem(key, code=code)


async def import_demand(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Sales history for forecasting. Importing a file again replaces the history it gave
    for its (SKU, warehouse) pairs, so a corrected export can simply be re-imported; the
    shipments Ordergram itself recorded are never touched. Days before the history kept
    (``HISTORY_WEEKS``) are skipped, and the report says how many and from when."""
    rows, problems = await asyncio.to_thread(parse_demand, text)  # seconds for a big file: the bot serves others
    latest = shop_day(clock.now(), uow.timezone)  # sold, so not later than the shop's today
    problems += [(r.line, Reason.of(FutureSale(day=r.day.isoformat()))) for r in rows if r.day > latest]
    start = history_start(shop_day(clock.now(), uow.timezone))
    kept = [r for r in rows if r.day >= start]
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows, problems)
        history = [(products[r.sku], warehouses[r.warehouse], r.day, r.quantity) for r in kept]
        replaced = await uow.demand.replace_imported(history)
        await uow.commit()
    skipped = len(rows) - len(kept)
    return ImportReport(
        created=len(kept) - replaced, updated=replaced, skipped=skipped, skipped_before=start if skipped else None
    )


async def import_stock(uow: UnitOfWork, clock: Clock, text: str, *, actor: str = "import") -> ImportReport:
    """Set each bin's on-hand quantity to the file's figure (a stock count), recording
    the difference as an inventory movement. Refused where it would go below reserved."""
    # Seconds for 500,000 rows: read in a thread, before the transaction (SQLite's write lock).
    rows, problems = await asyncio.to_thread(parse_stock, text)
    async with uow:
        products, warehouses = await _known_skus_and_warehouses(uow, rows, problems)
        now = clock.now()
        touched = sorted({products[r.sku] for r in rows})
        # Availability matters only where a customer waits for it (a big file touches 100,000
        # products, a few have subscribers): read before and after for those alone.
        watched = sorted({p for _, p in await uow.subscriptions.waiting(touched)})
        before = await available_by_product(uow, watched)
        if kept := await _kept_elsewhere(uow, [r for r in rows if not r.bin], products, warehouses):
            raise ImportRejected(kept)
        counts = [BinCount(products[r.sku], warehouses[r.warehouse], r.bin or DEFAULT_BIN, r.quantity) for r in rows]
        try:  # all rows in a few statements, decided row by row as single counts would be
            deltas = await uow.stock.set_bin_quantities(counts, "stock import", actor, now)
        except CountsRefused as refused:
            await uow.rollback()
            raise ImportRejected(
                [(rows[i].line, Reason.of(InsufficientStock(available=available))) for i, available in refused.refused]
            ) from None
        changed = sum(1 for delta in deltas if delta)
        arrived: dict[int, int] = {}  # product → a warehouse that counted more than it had
        counted: dict[tuple[int, int], int] = {}  # what each position gained or lost, over its bins
        for row, delta in zip(rows, deltas, strict=True):
            place = (products[row.sku], warehouses[row.warehouse])
            counted[place] = counted.get(place, 0) + delta
            if delta > 0:
                arrived[products[row.sku]] = warehouses[row.warehouse]
        memo = Memo.of(
            N_("stock import ({actor}): {changed} of {rows} rows changed"), actor=actor, changed=changed, rows=len(rows)
        )
        await book_stock_changes(uow, now, "import:stock", memo, counted, {i: sku for sku, i in products.items()})
        await fill_backorders(uow, now, arrived)
        after = await available_by_product(uow, watched)
        await notify_back_in_stock(uow, [p for p in watched if before.get(p, 0) <= 0 < after.get(p, 0)], now)
        await uow.commit()
    units = sum(r.quantity for r in rows)
    return ImportReport(created=0, updated=changed, unchanged=len(rows) - changed, units=units)


KEPT_IN_BINS = N_("{sku} is kept in bin(s) {bins} in {warehouse}: name the bin (a row without one counts {default})")


async def _kept_elsewhere(
    uow: UnitOfWork, rows: list[StockRow], products: dict[str, int], warehouses: dict[str, int]
) -> list[Problem]:
    """Rows without a bin (they count the default bin) of products kept in other bins there: a
    warehouse counted without bins had the count beside what its bins held, twice the stock."""
    if not rows:
        return []
    default = normal_bin(DEFAULT_BIN)
    held: dict[tuple[int, int], list[str]] = {}
    for found in await uow.inventory.bins(sorted({products[r.sku] for r in rows})):
        if found.bin_code != default:
            held.setdefault((found.product_id, found.warehouse_id), []).append(found.bin_code)
    problems: list[Problem] = []
    for r in rows:
        if bins := held.get((products[r.sku], warehouses[r.warehouse])):
            params = {"sku": r.sku, "bins": ", ".join(sorted(bins)[:5]), "warehouse": r.warehouse, "default": default}
            problems.append((r.line, problem(KEPT_IN_BINS, **params)))
    return problems


async def available_by_product(uow: UnitOfWork, product_ids: list[int]) -> dict[int, int]:
    """Units that can be sold now per product, over every warehouse (a shortfall counts as none)."""
    totals: dict[int, int] = {}
    for level in await uow.stock.levels(product_ids):
        totals[level.product_id] = totals.get(level.product_id, 0) + max(level.available, 0)
    return totals


async def notify_back_in_stock(uow: UnitOfWork, product_ids: list[int], now: datetime) -> None:
    """Everyone who asked is told once, in the transaction that brought the stock back, the
    product named in their language. A product hidden or discontinued since is not announced
    (its link would say it cannot be ordered); its askers keep waiting."""
    waiting = await uow.subscriptions.waiting(product_ids)
    if not waiting:
        return
    products = {p.id: p for p in await uow.products.get_many(sorted({p for _, p in waiting}))}
    # In one order, so two arrivals claiming the same askers never wait on each other.
    for customer_id, product_id in sorted(waiting, key=lambda asked: (asked[1], asked[0])):
        customer = await uow.customers.get(customer_id)
        product = products.get(product_id)
        if customer is None or product is None or not product.orderable:
            continue
        # Claimed first: goods arriving in two warehouses at once both found them waiting, and
        # PostgreSQL told them twice; the second claim waits for the first and finds them told.
        if not await uow.subscriptions.mark_notified(customer_id, product_id, now):
            continue
        product = product.in_language(customer.notification_language)
        if not customer.unreachable and customer.telegram_id is not None:
            await uow.outbox.add(
                Notification(
                    customer.telegram_id,
                    "back_in_stock",
                    customer.notification_language,
                    {"name": product.display_name, "sku": product.sku},
                ),
                now,
            )


async def import_carriers(uow: UnitOfWork, text: str) -> ImportReport:
    """The file is the whole rate table: services missing from it are no longer offered."""
    rates, problems = parse_carriers(text)
    if problems:
        raise ImportRejected(problems)
    async with uow:
        before = {_rate_key(r): replace(r, id=None) for r in await uow.carriers.all()}
        await uow.carriers.replace_all(rates)
        await uow.commit()
    created = sum(1 for r in rates if _rate_key(r) not in before)
    same = sum(1 for r in rates if before.get(_rate_key(r)) == replace(r, id=None))
    return ImportReport(created=created, updated=len(rates) - created - same, unchanged=same)


def _rate_key(rate: CarrierRate) -> tuple[str, str, str, str]:
    return rate.carrier, rate.service, rate.zone.value, rate.base.currency


async def import_boxes(uow: UnitOfWork, text: str) -> ImportReport:
    """The standard shipping boxes; the file replaces the whole list."""
    boxes, problems = parse_boxes(text)
    if problems:
        raise ImportRejected(problems)
    if not boxes:
        raise ImportRejected([(1, problem(N_("the file has no boxes")))])
    async with uow:
        before = {b.code: b for b in await uow.packing.boxes()}
        await uow.packing.replace_boxes(boxes)
        await uow.commit()
    created = sum(1 for b in boxes if b.code not in before)
    same = sum(1 for b in boxes if before.get(b.code) == b)
    return ImportReport(created=created, updated=len(boxes) - created - same, unchanged=same)


async def import_customers(uow: UnitOfWork, clock: Clock, text: str) -> ImportReport:
    """Customers and business terms from a previous system: each row is matched by Telegram
    id, else phone, else email; a match gets the row's business flag and terms (and a phone
    or email it lacked), anyone else is added (without a chat until they write to the bot)."""
    parsed, problems = parse_customers(text, uow.base_currency)
    if problems:
        raise ImportRejected(problems)
    created = same = 0
    async with uow:
        for row in parsed:
            found = await find_customer(uow, telegram_id=row.telegram_id, phone=row.phone, email=row.email)
            if found is None:
                first, _, last = row.name.partition(" ")
                found = await uow.customers.add(
                    Customer(
                        row.telegram_id, first, last or None, phone=row.phone, email=row.email, created_at=clock.now()
                    )
                )
                created += 1
            else:
                before = (found.phone, found.email, found.is_business, found.payment_terms_days, found.credit_limit)
                await fill_contacts(uow, found, phone=row.phone, email=row.email)
                after = (found.phone, found.email, row.business, row.payment_terms_days, row.credit_limit)
                same += before == after
            found.is_business = row.business
            found.payment_terms_days, found.credit_limit = row.payment_terms_days, row.credit_limit
            await uow.customers.update(found)
        await uow.commit()
    return ImportReport(created=created, updated=len(parsed) - created - same, unchanged=same)
