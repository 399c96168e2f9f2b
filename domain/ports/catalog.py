"""The catalog's repository port: products, their variants, categories and audit trail."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.catalog import Category, Product
from domain.catalog_edits import ProductChange
from domain.categories import CategoryNode
from domain.search_words import SearchWords
from domain.variants import Sibling


class ProductRepository(Protocol):
    async def get(self, product_id: int) -> Product | None: ...
    # ``get`` without names and descriptions in other languages (one read fewer): for a write
    async def get_untranslated(self, product_id: int) -> Product | None: ...

    async def get_by_sku(self, sku: str) -> Product | None: ...
    async def ids_by_sku(self, skus: Sequence[str]) -> dict[str, int]: ...
    async def sku_page(self, *, after: int, limit: int) -> list[tuple[int, str]]:
        """(id, SKU) of every variant, hidden ones too, whose id is past ``after``, by id: at most ``limit``."""
        ...

    async def upsert(self, product: Product) -> Product: ...
    async def upsert_many(self, products: Sequence[Product]) -> None: ...
    async def categories(self) -> list[Category]: ...
    async def category(self, category_id: int) -> Category | None: ...
    async def category_nodes(self) -> list[CategoryNode]: ...
    async def category_parents(self) -> dict[str, str | None]: ...
    async def link_categories(self, links: Mapping[str, str]) -> None: ...
    async def translate_categories(self, names: Mapping[str, Mapping[str, str]]) -> None:
        """Categories' names per language, by stored name (``{"Clothing": {"ru": "Одежда"}}``); missing ones made;
        an empty name removes the category's name in that language."""
        ...

    async def in_category(
        self, category_id: int, offset: int, limit: int, after: int = 0, before: int = 0
    ) -> list[Product]: ...
    async def get_many(self, product_ids: Sequence[int], *, fresh: bool = False) -> list[Product]: ...
    async def placements(self, product_ids: Sequence[int]) -> dict[int, tuple[int | None, str]]:
        """Each product's category id and parent code, nothing more read (which promotions
        covered it: the nightly forecast job asks it of 500 products at a time)."""
        ...

    async def variants(self, parent_code: str) -> list[Product]:
        """Every variant of a parent (``domain.variants``), active or not, in catalog order."""
        ...

    async def siblings(self, parent_code: str) -> list[Sibling]:
        """The parent's variants as its card's option buttons need them, in catalog order,
        hidden ones marked unlisted: read on every card, so no product is copied for it."""
        ...

    async def variants_of(self, parent_codes: Sequence[str]) -> dict[str, list[Product]]: ...
    async def variant_skus_of(self, parent_codes: Sequence[str]) -> dict[str, dict[str, int]]:
        """Each parent's variants as SKU → id, nothing more read (an import checks every parent
        it touches and needs in full only the variants the file leaves out)."""
        ...

    async def lock_parent(self, parent_code: str) -> None:
        """Until this transaction ends, no other one changes this parent's variants' options."""
        ...

    async def search(self, text: str, offset: int, limit: int, *, word_forms: bool = True) -> tuple[list[Product], int]:
        """A page of matches and their number: SKU, barcode or name as typed; then, when that finds
        nothing and ``word_forms``, every word of the text by its stem («кружки» finds «Кружка»)."""
        ...

    async def search_words(self) -> SearchWords:
        """The words a mistyped search is corrected to: every word of a product's name that a search
        finds (any language) and of a category's name; built once per catalog change, not per search."""
        ...

    async def staff_list(
        self, text: str, status: str | None, category_id: int | None, offset: int, limit: int
    ) -> tuple[list[Product], int]:
        """Every variant as staff manage it, hidden ones too, by SKU: ``text`` is a substring
        of the SKU or the name, or the exact barcode; ``status`` and ``category_id`` narrow it."""
        ...

    async def first_active_sku(self) -> str | None: ...  # the first SKU on sale, by SKU (help's example)
    async def first_sku_in_stock(self, least: int) -> str | None:
        """The first SKU on sale, by SKU, with at least ``least`` available in one warehouse (help's example)."""
        ...

    async def sku_with_barcode(self, barcode: str) -> str | None: ...  # the SKU carrying it, if any
    async def skus_with_barcodes(self, barcodes: Sequence[str]) -> dict[str, str]: ...  # barcode → SKU, stored ones

    async def set_photos(self, product_id: int, photos: Sequence[str]) -> None:
        """Replace every photo (the first is the cover); () removes them all."""
        ...

    async def clear_price(self, product_id: int, currency: str) -> None:
        """Forget its own price in ``currency`` (``upsert`` keeps prices it is not given): the
        base price converted at the shop's rate applies again."""
        ...

    async def clear_cost(self, product_id: int) -> None:
        """Forget the unit cost (``upsert`` keeps a known one when given none, as a file does)."""
        ...

    async def record_changes(self, changes: Sequence[ProductChange]) -> None: ...
    async def changes(self, product_id: int, offset: int, limit: int) -> tuple[list[ProductChange], int]:
        """A page of the product's audit trail, newest first, and how many entries there are."""
        ...

    async def first_price_changes(self, after: Collection[tuple[int, datetime]], currency: str) -> list[ProductChange]:
        """For each (product, time), the first audited change of its price in ``currency`` after
        that time: one a pair at most, however often it changed since; by product, oldest first."""
        ...
