"""Catalog entities: products with per-currency prices, barcodes and dimensions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from domain.errors import DomainError
from domain.i18n import N_
from domain.money import Money


class InvalidBarcode(DomainError):
    key = N_("{barcode} is not a valid EAN-13, UPC-A or Code 128 barcode.")


class InvalidSku(DomainError):
    key = N_("{sku} is not a valid SKU (Latin letters, digits, - _ . / up to 64 characters).")


SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,63}$")


def normalize_sku(sku: str) -> str:
    value = sku.strip().upper()
    if not SKU_PATTERN.match(value):
        raise InvalidSku(sku=sku)
    return value


def gtin_check_digit_ok(digits: str) -> bool:
    """GS1 mod-10 check for EAN-13 / UPC-A (weights 3,1 from the right, check digit excluded)."""
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def normalize_barcode(barcode: str) -> str:
    """Numeric 12/13-digit codes must carry a valid GS1 check digit; anything else must be
    printable ASCII that Code 128 can encode (1–48 characters)."""
    value = barcode.strip()
    if value.isascii() and value.isdigit() and len(value) in (12, 13):  # "²" passes isdigit alone
        if not gtin_check_digit_ok(value):
            raise InvalidBarcode(barcode=barcode)
        return value
    if not value or len(value) > 48 or not all(32 <= ord(c) < 127 for c in value):
        raise InvalidBarcode(barcode=barcode)
    return value


LOCAL_PHOTO_PREFIX = "file:"


def photo_reference(value: str, resolve_path: Callable[[str], str | None]) -> str | None:
    """Normalise a photo given in a catalog file: URLs and Telegram file_ids are kept; a
    relative or absolute file path must exist (``resolve_path`` answers) and is kept as
    ``file:<absolute path>``."""
    text = value.strip()
    if not text:
        return None
    if text.startswith(("https://", "http://")):
        return text
    if "/" not in text and "." not in text:  # a Telegram file_id
        return text
    resolved = resolve_path(text)
    if resolved is None:
        raise PhotoNotFound(path=text)
    return LOCAL_PHOTO_PREFIX + resolved


class PhotoNotFound(DomainError):
    key = N_("Photo file {path} was not found.")


class PhotoOutsideFolder(DomainError):
    key = N_("Photo file {path} is outside the folder of the CSV file: put it there or below.")


@dataclass(frozen=True, slots=True)
class Dimensions:
    length_mm: int
    width_mm: int
    height_mm: int

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    name: str
    product_count: int


class ProductStatus(StrEnum):
    """Active: listed and sold. Hidden: customers neither see nor find it. Discontinued:
    its card says so and it cannot be ordered; orders already placed go on as before."""

    ACTIVE = "active"
    HIDDEN = "hidden"
    DISCONTINUED = "discontinued"


class Discontinued(DomainError):
    key = N_("{name} is discontinued and can no longer be ordered.")


MAX_PHOTOS = 10  # what one album (sendMediaGroup) carries


@dataclass(slots=True)
class Product:
    sku: str
    name: str
    category: str
    prices: dict[str, Money] = field(default_factory=dict)
    barcode: str | None = None
    description: str = ""
    weight_g: int = 0
    dimensions: Dimensions | None = None
    # A Telegram file_id, an https URL Telegram can fetch, or "file:<path>" — a local image
    # uploaded on first use, after which the file_id Telegram returns replaces it.
    photo_file_id: str | None = None
    # What one unit costs the shop (the products file's ``cost``): stock value and cost of
    # goods sold use it where no supplier terms give a unit cost.
    cost: Money | None = None
    status: ProductStatus = ProductStatus.ACTIVE
    category_id: int | None = None
    id: int | None = None
    # Variants (``domain.variants``): the parent's code ("" = the product is its own parent,
    # code = SKU), the parent's option names (Size, Colour; up to 3) and this variant's values.
    parent: str = ""
    option_names: tuple[str, ...] = ()
    options: tuple[str, ...] = ()

    @property
    def parent_code(self) -> str:
        return self.parent or self.sku

    @property
    def variant_label(self) -> str:
        """The option values ("M / Red"), empty for a product without options."""
        return " / ".join(self.options)

    @property
    def display_name(self) -> str:
        """The name with the variant's option values: what carts, orders and pick lists show."""
        return f"{self.name} ({self.variant_label})" if self.options else self.name

    # Photos after the first (``photo_file_id``): the card shows them all as an album.
    more_photos: tuple[str, ...] = ()
    # Name and description per language code; the default language's are ``name``/``description``.
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    # Option names and values per language (the products file's ``options_ru``): (language, names, values),
    # as many as ``options``. A tuple, not a dict: immutable, the read cache hands it out uncopied on every card.
    option_translations: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def listed(self) -> bool:
        """Customers see it in the catalog and in search (a discontinued one says so)."""
        return self.status is not ProductStatus.HIDDEN

    @property
    def orderable(self) -> bool:
        return self.status is ProductStatus.ACTIVE

    @property
    def photos(self) -> tuple[str, ...]:
        return ((self.photo_file_id,) if self.photo_file_id else ()) + self.more_photos

    def check_orderable(self) -> None:
        if self.status is ProductStatus.DISCONTINUED:
            raise Discontinued(name=self.display_name)

    def in_language(self, language: str) -> Product:
        """A copy named and described, its options named and valued, in ``language`` where a translation
        exists, else as is. For showing only: option buttons and variants are matched on the values as stored."""
        name, description = self.names.get(language), self.descriptions.get(language)
        words = self.option_words(language) if self.option_translations else None
        if not name and not description and words is None:
            return self
        option_names, options = words or (self.option_names, self.options)
        return replace(
            self,
            name=name or self.name,
            description=description or self.description,
            option_names=option_names,
            options=options,
        )

    def option_words(self, language: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The option names and values in ``language``, or None: untranslated, or translated for options
        the product no longer has (renamed or given one more since), which would name the wrong ones."""
        for translated, names, values in self.option_translations:
            if translated == language:
                return (names, values) if len(values) == len(self.options) == len(names) else None
        return None

    @property
    def translated_names(self) -> dict[str, str]:
        """``display_name`` in each language the name or options are translated into: what an order line keeps."""
        languages = [language for language, name in self.names.items() if name]
        languages += [t[0] for t in self.option_translations if t[0] not in languages and self.option_words(t[0])]
        return {language: self.in_language(language).display_name for language in languages}

    def price_in(self, currency: str) -> Money | None:
        return self.prices.get(currency)

    def set_price(self, price: Money) -> None:
        self.prices[price.currency] = price
