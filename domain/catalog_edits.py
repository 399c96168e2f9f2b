"""Editing a product field by field: what each field accepts, and the audit entry of a change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.catalog import Dimensions, Product, ProductStatus, normalize_barcode
from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money, normalize_currency
from domain.variants import pairs_text, translate_options

NAME_LIMIT = 256
DESCRIPTION_LIMIT = 3000
CATEGORY_LIMIT = 128
MAX_WEIGHT_G = 1_000_000
MAX_SIDE_MM = 100_000
CLEAR = "-"  # typed for a value to remove (a barcode, the dimensions, a description)


class InvalidName(DomainError):
    key = N_("A name has 1 to {limit} characters.")


class TooLong(DomainError):
    key = N_("That is too long: at most {limit} characters.")


class InvalidWeight(DomainError):
    key = N_("The weight is a whole number of grams from 0 to {limit}.")


class InvalidDimensions(DomainError):
    key = N_("Dimensions are three whole numbers of millimetres, length x width x height, e.g. 300x200x100.")


class NegativeAmount(DomainError):
    key = N_("An amount cannot be negative.")


class DuplicateBarcode(DomainError):
    key = N_("Barcode {barcode} already belongs to {sku}.")


class UnknownField(DomainError):
    key = N_("That field cannot be edited.")


class NotALanguage(DomainError):
    key = N_("The bot does not speak {language}.")


class NotAnImage(DomainError):
    key = N_("That is not a picture: upload a JPEG, PNG or WebP photo. Nothing was saved.")


class PhotoOutOfBounds(DomainError):
    key = N_(
        "Telegram takes a photo up to {sides} pixels wide and high together, at most {ratio} times "
        "longer than wide. Nothing was saved."
    )


PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})  # what Telegram shows as a photo
PHOTO_SIDES = 10_000  # width + height, Bot API sendPhoto
PHOTO_RATIO = 20


def check_photo(kind: str, width: int, height: int) -> None:
    """A picture's format and size as Telegram's sendPhoto takes them; else what is wrong."""
    if kind not in PHOTO_FORMATS or width <= 0 or height <= 0:
        raise NotAnImage()
    if width + height > PHOTO_SIDES or max(width, height) > PHOTO_RATIO * min(width, height):
        raise PhotoOutOfBounds(sides=PHOTO_SIDES, ratio=PHOTO_RATIO)


@dataclass(frozen=True, slots=True)
class ProductChange:
    """One audited edit: ``before`` and ``after`` as text ("" for none)."""

    product_id: int
    at: datetime
    actor: str
    field: str
    before: str
    after: str


def single_line(text: str) -> str:
    return " ".join(text.split())


def parse_name(text: str) -> str:
    value = single_line(text)
    if not value or len(value) > NAME_LIMIT:
        raise InvalidName(limit=NAME_LIMIT)
    return value


def parse_description(text: str) -> str:
    value = text.strip()
    if value == CLEAR:
        return ""
    if len(value) > DESCRIPTION_LIMIT:
        raise TooLong(limit=DESCRIPTION_LIMIT)
    return value


def parse_category(text: str) -> str:
    value = single_line(text)
    if not value or len(value) > CATEGORY_LIMIT:
        raise InvalidName(limit=CATEGORY_LIMIT)
    return value


def parse_amount(text: str, currency: str) -> Money:
    amount = Money.parse_typed(text, currency)
    if amount.amount < 0:
        raise NegativeAmount()
    return amount


def parse_weight(text: str) -> int:
    value = text.strip().lower().removesuffix("g").strip()
    if not value.isdecimal() or int(value) > MAX_WEIGHT_G:
        raise InvalidWeight(limit=MAX_WEIGHT_G)
    return int(value)


def parse_dimensions(text: str) -> Dimensions | None:
    value = text.strip().lower().replace("×", "x").replace("*", "x").replace(" ", "")
    if value == CLEAR:
        return None
    sides = value.removesuffix("mm").split("x")
    if len(sides) != 3 or not all(s.isdecimal() and 0 < int(s) <= MAX_SIDE_MM for s in sides):
        raise InvalidDimensions()
    return Dimensions(*(int(s) for s in sides))


def parse_barcode(text: str) -> str | None:
    return None if text.strip() == CLEAR else normalize_barcode(text)


def shown(value: object) -> str:
    """A field's value as the audit trail keeps it."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return f"{value.to_decimal()} {value.currency}"
    if isinstance(value, Dimensions):
        return f"{value.length_mm}x{value.width_mm}x{value.height_mm} mm"
    if isinstance(value, ProductStatus):
        return value.value
    if isinstance(value, tuple):
        return str(len(value))
    return str(value)


def price_then(changes: Sequence[ProductChange], now: Money | None) -> Money | None:
    """The price before the first of these audited changes of one price (oldest first), or
    ``now`` when there are none: what it was when they began."""
    return kept_money(changes[0].before) if changes else now


def kept_money(kept: str) -> Money | None:
    """An amount as ``shown`` keeps it in the trail ("2.08 GBP"), or None: none kept, or not written by it."""
    amount, _, currency = kept.partition(" ")
    try:
        return Money.parse(amount, currency) if amount else None
    except DomainError:
        return None


def file_changes(new: Product, old: Product) -> list[tuple[str, object, object]]:
    """The audited fields a products file's row changes on a stored product, as (field, before,
    after) in ``/product``'s names. What the file leaves out is kept (prices in other
    currencies, a cost, translations), so only what it gives is compared; photos are not
    audited from a file (a path there is not yet what Telegram stores)."""
    changed: list[tuple[str, object, object]] = []
    for field in ("name", "description", "category", "barcode", "weight", "dims", "status"):
        before, after = field_value(old, field), field_value(new, field)
        if shown(before) != shown(after):
            changed.append((field, before, after))
    if new.cost is not None and new.cost != old.cost:
        changed.append(("cost", old.cost, new.cost))
    changed += [(f"price_{c}", old.prices.get(c), p) for c, p in sorted(new.prices.items()) if old.prices.get(c) != p]
    for kind, given, kept in (("name", new.names, old.names), ("description", new.descriptions, old.descriptions)):
        changed += [
            (f"{kind}_{lang}", kept.get(lang, ""), text)
            for lang, text in sorted(given.items())
            if kept.get(lang, "") != text
        ]
    for language, _names, _values in new.option_translations:
        field = f"options_{language}"
        if (before := field_value(old, field)) != (after := field_value(new, field)):
            changed.append((field, before, after))
    return changed


def field_value(product: Product, field: str) -> object:
    """The current value of an editable field (``price_EUR``, ``name_ru`` …)."""
    if field.startswith("price_"):
        return product.prices.get(field.removeprefix("price_"))
    if field.startswith("name_"):
        return product.names.get(field.removeprefix("name_"), "")
    if field.startswith("description_"):
        return product.descriptions.get(field.removeprefix("description_"), "")
    if field.startswith("options_"):
        words = product.option_words(field.removeprefix("options_"))
        return pairs_text(*words) if words else ""
    if field.startswith("category_"):
        return ""  # the category's name in a language is the category's: the sheet reads it (``trail_in``)
    simple = {
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "barcode": product.barcode,
        "weight": product.weight_g,
        "dims": product.dimensions,
        "cost": product.cost,
        "status": product.status,
        "photos": product.photos,
    }
    if field not in simple:
        raise UnknownField()
    return simple[field]


def apply_text(product: Product, field: str, text: str, *, languages: frozenset[str], base_currency: str) -> None:
    """Set ``field`` from what the manager typed, or raise with what is wrong (nothing changed)."""
    if field.startswith("price_"):
        currency = normalize_currency(field.removeprefix("price_"))
        if text.strip() == CLEAR and currency != base_currency:  # its own price goes: the converted one applies
            product.prices.pop(currency, None)
        else:
            product.set_price(parse_amount(text, currency))
    elif field.startswith(("name_", "description_")):
        kind, _, language = field.partition("_")
        if language not in languages:
            raise NotALanguage(language=language)
        if kind == "name":
            product.names[language] = "" if text.strip() == CLEAR else parse_name(text)
        else:
            product.descriptions[language] = parse_description(text)
    elif field.startswith("options_") and product.option_names:
        if (language := field.removeprefix("options_")) not in languages:
            raise NotALanguage(language=language)
        product.option_translations = translate_options(product, language, text)
    elif field == "name":
        product.name = parse_name(text)
    elif field == "description":
        product.description = parse_description(text)
    elif field == "category":
        product.category = parse_category(text)
    elif field == "barcode":
        product.barcode = parse_barcode(text)
    elif field == "weight":
        product.weight_g = parse_weight(text)
    elif field == "dims":
        product.dimensions = parse_dimensions(text)
    elif field == "cost":  # optional, as in the products file: "-" clears it
        currency = product.cost.currency if product.cost else base_currency
        product.cost = None if text.strip() == CLEAR else parse_amount(text, currency)
    else:
        raise UnknownField()
