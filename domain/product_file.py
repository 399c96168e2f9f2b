"""The products CSV: a row a variant, its parent row's values filled in, names and descriptions per language."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping, Sequence

from domain.catalog import Dimensions, Product, ProductStatus, normalize_barcode, normalize_sku, photo_reference
from domain.catalog_edits import CLEAR, DESCRIPTION_LIMIT, NAME_LIMIT
from domain.categories import category_path
from domain.csvfiles import Columns, Problem, Row, flag_duplicates, money, parse_all, problem, read_rows
from domain.i18n import N_
from domain.money import Money
from domain.variants import check_variants, parse_options

PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "price",
    "currency",
    "barcode",
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "description",
)

PRODUCTS = Columns(
    PRODUCT_COLUMNS[:5],
    (*PRODUCT_COLUMNS[5:], "photo", "cost", "parent", "options", "status", "backorder"),
    prefixes=("price_",),
    decimal=frozenset({"price", "cost"}),
    languages=("name_", "description_", "category_", "options_"),  # category_ru: domain.category_names
    kind="products",
)

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[a-z]{2})?$")


def _no_local_files(path: str) -> str | None:
    return None


def _translations(row: Row, languages: Container[str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """``name_ru``, ``description_ru``…: a product's name and description in a language the bot speaks."""
    names: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for column, value in row.values.items():
        kind, _, language = column.partition("_")
        if kind not in ("name", "description") or not language or not value.strip():  # category_, options_ apart
            continue
        if not LANGUAGE_CODE.match(language) or (languages is not None and language not in languages):
            row.fail(N_("{column}: the bot does not speak “{value}”"), column=column, value=language)
        elif not _too_long(row, column, kind, value):
            (names if kind == "name" else descriptions)[language] = " ".join(value.split()) if kind == "name" else value
    return names, descriptions


def _too_long(row: Row, column: str, kind: str, value: str) -> bool:
    """A name or description longer than ``/product`` takes (the card, the sheet and the
    database's name column are sized for it): the row is bad, as the value typed in chat is."""
    if kind == "name" and len(value.strip()) > NAME_LIMIT:
        row.fail(N_("{column} has more than 256 characters"), column=column)
    elif kind == "description" and len(value.strip()) > DESCRIPTION_LIMIT:
        row.fail(N_("{column} has more than 3000 characters"), column=column)
    else:
        return False
    return True


OPTIONS_UNLIKE = N_("{column} must give {count} options, as options does and in its order ({names}); got {got}")


def _translated_options(
    row: Row, languages: Container[str] | None, names: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """``options_ru`` (``Размер=M; Цвет=Красный``): the row's option names and values in a language, as many
    as ``options`` gives and in its order (a translation cannot be matched to its option otherwise)."""
    found: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for column, value in row.values.items():
        kind, _, language = column.partition("_")
        if kind != "options" or not language or not value.strip():
            continue
        if not LANGUAGE_CODE.match(language) or (languages is not None and language not in languages):
            row.fail(N_("{column}: the bot does not speak “{value}”"), column=column, value=language)
            continue
        none: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        translated, values = row.check(parse_options, value, default=none, column=column)
        if not translated:
            continue
        if len(translated) != len(names):
            got = ", ".join(translated)
            row.fail(OPTIONS_UNLIKE, column=column, count=len(names), names=", ".join(names) or "—", got=got)
            continue
        found.append((language, translated, values))
    return tuple(sorted(found))


OPTIONS_TRANSLATED_UNLIKE = N_(
    "{column}: {parent}'s options are {expected} on line {line}, as its variants share them; got {got}"
)
VALUE_TRANSLATED_UNLIKE = N_(
    "{column}: {value} is {expected} on line {line} (a value reads the same in a product); got {got}"
)
WORD_TAKEN = N_(
    "{column}: {got} says {other} on line {line}; give {value} a word of its own (two buttons would read alike)"
)


def check_translated_options(members: list[tuple[int, Product]]) -> list[Problem]:
    """One parent's rows translate its options alike: the same names on every row, and a value the same
    wherever it is (M is «M» on each row, Red «Красный»): the card's buttons would say two things otherwise;
    and two values of an option not alike (Navy not «Белый» beside White's): two buttons would read the same."""
    problems: list[Problem] = []
    names: dict[str, tuple[int, tuple[str, ...]]] = {}
    values: dict[tuple[str, int, str], tuple[int, str]] = {}
    taken: dict[tuple[str, int, str], tuple[int, str]] = {}  # a word: the first line and value saying it
    for line, product in members:
        for language, translated, words in product.option_translations:
            column = f"options_{language}"
            first, expected = names.setdefault(language, (line, translated))
            if tuple(n.casefold() for n in translated) != tuple(n.casefold() for n in expected):
                got, said = ", ".join(translated), ", ".join(expected)
                params = {"column": column, "parent": product.parent_code, "expected": said, "line": first, "got": got}
                problems.append((line, problem(OPTIONS_TRANSLATED_UNLIKE, **params)))
                continue
            for at, (value, word) in enumerate(zip(product.options, words, strict=False)):
                seen, said = values.setdefault((language, at, value.casefold()), (line, word))
                seen_at, other = taken.setdefault((language, at, word.casefold()), (line, value))
                if said != word:
                    params = {"column": column, "value": value, "expected": said, "line": seen, "got": word}
                    problems.append((line, problem(VALUE_TRANSLATED_UNLIKE, **params)))
                elif other.casefold() != value.casefold():
                    params = {"column": column, "got": word, "other": other, "line": seen_at, "value": value}
                    problems.append((line, problem(WORD_TAKEN, **params)))
    return problems


STORED_OPTIONS_UNLIKE = N_(
    "{column}: {parent}'s options are {expected} on the stored variant {sku}, as its variants share them; got {got}"
)
STORED_VALUE_UNLIKE = N_(
    "{column}: {value} is {expected} on the stored variant {sku} (a value reads the same in a product); got {got}"
)
STORED_WORD_TAKEN = N_(
    "{column}: {got} says {other} on the stored variant {sku}; give {value} a word of its own (two buttons would "
    "read alike)"
)


def check_stored_translations(stored: Sequence[Product], members: list[tuple[int, Product]]) -> list[Problem]:
    """``check_translated_options`` against a parent's ``stored`` variants the file leaves out (those it gives
    are taken as it says): a row naming the options otherwise or saying a value otherwise (White «Белая» beside
    a stored «Белый») would have the card's line say one word and its buttons another; one saying another value's
    word (Black «Белый») two buttons alike."""
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    values: dict[tuple[str, int, str], tuple[str, str]] = {}
    taken: dict[tuple[str, int, str], tuple[str, str]] = {}  # a word: the variant and value saying it
    for sibling in stored:  # the first to say it names it, as a file's first row does
        for language, *_ in sibling.option_translations:
            if (known := sibling.option_words(language)) is None:
                continue
            names.setdefault(language, (sibling.sku, known[0]))
            for at, (value, word) in enumerate(zip(sibling.options, known[1], strict=True)):
                values.setdefault((language, at, value.casefold()), (sibling.sku, word))
                taken.setdefault((language, at, word.casefold()), (sibling.sku, value))
    problems: list[Problem] = []
    for line, product in members:
        for language, translated, words in product.option_translations:
            column = f"options_{language}"
            if language in names:
                sku, expected = names[language]
                if tuple(n.casefold() for n in translated) != tuple(n.casefold() for n in expected):
                    got, said = ", ".join(translated), ", ".join(expected)
                    params = {"column": column, "parent": product.parent_code, "expected": said, "sku": sku}
                    problems.append((line, problem(STORED_OPTIONS_UNLIKE, **params, got=got)))
                    continue
            for at, (value, word) in enumerate(zip(product.options, words, strict=False)):
                sku, said = values.get((language, at, value.casefold()), ("", word))
                owner, other = taken.get((language, at, word.casefold()), ("", value))
                if said != word:
                    params = {"column": column, "value": value, "expected": said, "sku": sku, "got": word}
                    problems.append((line, problem(STORED_VALUE_UNLIKE, **params)))
                elif other.casefold() != value.casefold():
                    params = {"column": column, "got": word, "other": other, "sku": owner, "value": value}
                    problems.append((line, problem(STORED_WORD_TAKEN, **params)))
    return problems


# A parent's stored variants the file leaves out, with no words in a language its rows give: (parent, column, SKUs).
Untranslated = tuple[tuple[str, str, tuple[str, ...]], ...]


def left_untranslated(members: Sequence[Product], stored: Mapping[str, Sequence[Product]]) -> Untranslated:
    """The stored variants (``stored``: each parent's the file leaves out) a file's ``options_ru`` leaves without
    words while it gives their siblings some: allowed, as a row or chat's ✏️ Options (ru) may leave one without,
    but the importer does not see them in the file, so the summary names them (a Russian card would read «Размер»
    on one variant and "Size" on the next)."""
    given: dict[str, set[str]] = {}
    for product in members:
        for language, _names, values in product.option_translations:
            if values:
                given.setdefault(product.parent_code, set()).add(language)
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for parent, languages in sorted(given.items()):
        for language in sorted(languages):
            skus = sorted(p.sku for p in stored.get(parent, ()) if p.option_words(language) is None)
            if skus:
                found.append((parent, f"options_{language}", tuple(skus)))
    return tuple(found)


NO_CURRENCY = N_("{column} is given without a currency: write it on this row or on its parent row above it")


def _product(
    row: Row,
    resolve_path: Callable[[str], str | None] = _no_local_files,
    languages: Container[str] | None = None,
    currencies: dict[str, str] | None = None,
) -> Product:
    """``currencies``: the currency of each row read so far, by SKU (a variant row's blank one is
    its parent row's: its own price or cost was dropped for the parent's without a word)."""
    sku = row.check(normalize_sku, row["sku"], default="")
    parent = row.check(normalize_sku, row["parent"], default="") if row["parent"] else ""
    no_options: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    option_names, options = row.check(parse_options, row["options"], default=no_options)
    if not parent:  # a variant's blanks are filled from its parent row (``fill_from_parents``)
        row.required("name")
        row.required("category")
    if row["category"]:
        row.check(category_path, row["category"], default=None)  # "Clothing > T-shirts": a path in the tree
    own = row["currency"]
    if currencies is not None and own and sku:
        currencies.setdefault(sku, own)
    given = own or (currencies or {}).get(parent, "") if parent else own
    if parent and not given:
        for column in ("price", "cost"):
            if row[column]:
                row.fail(NO_CURRENCY, column=column)
    prices: dict[str, Money] = {}
    if not row["price"] or not given:
        if not parent:
            row.fail(N_("price and currency are required"))
    else:
        # ``price`` in ``currency`` is the base price; optional ``price_RUB``-style columns give a
        # market its own price instead of the converted one.
        extra = [(k, k[6:]) for k in row.values if k.startswith("price_") and row[k]]
        for column, currency in [("price", given), *extra]:
            price = money(row, column, currency)
            if price is not None:
                prices[price.currency] = price
    cost = money(row, "cost", given) if row["cost"] and given else None
    # "-" is no barcode, as typed in chat (``catalog_edits.CLEAR``); it was stored as the barcode "-".
    raw_barcode = row["barcode"].strip()
    barcode = row.check(normalize_barcode, raw_barcode, default=None) if raw_barcode not in ("", CLEAR) else None
    weight = row.int("weight_g")
    dims = [row.int(n) for n in ("length_mm", "width_mm", "height_mm")]
    photo = row.check(photo_reference, row["photo"], resolve_path, default=None)
    for column in ("name", "description"):
        _too_long(row, column, column, row[column])
    names, descriptions = _translations(row, languages)
    translated_options = _translated_options(row, languages, option_names)
    status = ProductStatus.ACTIVE
    if row["status"]:
        try:
            status = ProductStatus(row["status"].strip().lower())
        except ValueError:
            row.fail(N_("status must be active, hidden or discontinued, got “{value}”"), value=row["status"])
    return Product(
        sku=sku,
        name=row["name"],
        category=row["category"],
        prices=prices,
        barcode=barcode,
        description=row["description"],
        weight_g=weight,
        dimensions=Dimensions(*dims) if all(dims) else None,
        photo_file_id=photo,
        cost=cost,
        parent="" if parent == sku else parent,
        option_names=option_names,
        options=options,
        names=names,
        descriptions=descriptions,
        option_translations=translated_options,
        status=status,
    )


def parse_products(
    text: str,
    resolve_path: Callable[[str], str | None] = _no_local_files,
    languages: Container[str] | None = None,
    stored: Mapping[str, Product] | None = None,
) -> tuple[list[tuple[int, Product]], list[Problem]]:
    """``photo`` is an optional extra column; ``resolve_path`` finds local image files;
    ``name_<lang>``/``description_<lang>`` columns name it in ``languages`` (any code when None);
    ``stored``: products already stored, by SKU, that fill a variant row's blanks, its currency
    among them, when the file has no parent row for it (``fill_from_parents``)."""
    known = stored or {}
    currencies = {sku: next(iter(p.prices)) for sku, p in known.items() if len(p.prices) == 1}  # else: ambiguous
    parsed, problems = parse_all(
        text, PRODUCTS, lambda row: (row.line, _product(row, resolve_path, languages, currencies))
    )
    flag_duplicates([(line, p.sku) for line, p in parsed], N_("SKU"), problems)
    flag_duplicates([(line, p.barcode) for line, p in parsed if p.barcode], N_("barcode"), problems)
    problems += fill_from_parents(parsed, stored)
    return parsed, sorted(_parents_nowhere(text, problems, known))


NO_PARENT = N_(
    "parent {parent}: no row has this SKU, nor is it a stored product: add its parent row, or give this row its own "
    "name, category, price and currency"
)


def _parents_nowhere(text: str, problems: list[Problem], stored: Mapping[str, Product]) -> list[Problem]:
    """A variant row wanting what its parent row gives (a name, category, price or currency) whose
    parent code no row carries and no stored product is: said once as that, not as blanks "its
    parent row above it" would fill (a mistyped code read as a missing currency). The file is read
    again only then: a good file pays nothing for it."""
    wanting = {line for line, reason in problems if reason.error.key in (NO_CURRENCY, VARIANT_NEEDS)}
    if not wanting:
        return problems
    carried, parents = set(stored), {}
    for row in read_rows(text, PRODUCTS, []):
        carried.add(row["sku"].strip().upper())
        if row.line in wanting:
            parents[row.line] = row["parent"].strip().upper()
    nowhere = {line: parent for line, parent in parents.items() if parent not in carried}
    said = [p for p in problems if p[0] not in nowhere or p[1].error.key not in (NO_CURRENCY, VARIANT_NEEDS)]
    return said + [(line, problem(NO_PARENT, parent=parent)) for line, parent in nowhere.items()]


def parents_outside(text: str) -> list[str]:
    """The SKUs of a products file's variant rows whose parent row it does not have, and those
    parents: what may be stored to fill their blanks (``parse_products(stored=…)``)."""
    rows = [(r["sku"].strip().upper(), r["parent"].strip().upper()) for r in read_rows(text, PRODUCTS, [])]
    in_file = {sku for sku, _ in rows}
    return sorted({code for sku, parent in rows if parent and parent not in in_file for code in (sku, parent) if code})


VARIANT_NEEDS = N_("{column} is required: neither this row nor its parent row {parent} gives it")

NESTED_PARENT = N_("parent {parent} is itself a variant of {other}: a parent row has no parent")


def fill_from_parents(parsed: list[tuple[int, Product]], stored: Mapping[str, Product] | None = None) -> list[Problem]:
    """Variants (rows with a ``parent``) take what they leave blank — name (and its
    translations), category, description, prices, weight, dimensions, photo, cost — from their
    parent row, the row whose SKU is the parent code, when the file has one; else from what is
    ``stored``: the variant itself (a row changing its price need not repeat its name), then its
    parent (a new size of a stored T-shirt). Then each parent's variants are checked together
    (``domain.variants.check_variants``)."""
    stored = stored or {}
    problems: list[Problem] = []
    by_sku: dict[str, Product] = {}
    for _, product in parsed:
        by_sku.setdefault(product.sku, product)
    members: dict[str, list[tuple[int, Product]]] = {}
    for line, product in parsed:
        if by_sku[product.sku] is product:  # a duplicate SKU is reported as such, not as a variant
            members.setdefault(product.parent_code, []).append((line, product))
        if not product.parent:
            continue
        source = by_sku.get(product.parent)
        if source is not None and source.parent:
            problems.append((line, problem(NESTED_PARENT, parent=product.parent, other=source.parent)))
            continue
        for known in (source,) if source is not None else (stored.get(product.sku), stored.get(product.parent)):
            if known is not None:
                _fill(product, known)
        for column, value in (("name", product.name), ("category", product.category), ("price", product.prices)):
            if not value:
                problems.append((line, problem(VARIANT_NEEDS, column=column, parent=product.parent)))
    for group in members.values():
        problems += check_variants(group) + check_translated_options(group)
    return problems


def _fill(variant: Product, source: Product) -> None:
    if not variant.name:  # the parent's name in every language it is translated to, as its own are not given
        variant.name, variant.names = source.name, source.names | variant.names
    variant.category = variant.category or source.category
    if not variant.description:
        variant.description, variant.descriptions = source.description, source.descriptions | variant.descriptions
    variant.prices = variant.prices or dict(source.prices)
    variant.weight_g = variant.weight_g or source.weight_g
    variant.dimensions = variant.dimensions or source.dimensions
    variant.photo_file_id = variant.photo_file_id or source.photo_file_id
    variant.cost = variant.cost or source.cost
