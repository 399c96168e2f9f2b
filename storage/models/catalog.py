"""Categories, product parents and variants, prices, translations, edits, rates, subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class CategoryRow(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    # The category this one is inside (any depth); none for a top category. Names stay unique
    # in the whole tree, so a file can name a category by its name alone.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)


class CategoryTranslationRow(Base):
    """A category's name in a language other than the default (the products file's ``category_ru``)."""

    __tablename__ = "category_translations"
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))


class ProductGroupRow(Base):
    """A product's parent: the code its variants share and up to 3 option names (Size, Colour).
    A product without options is a parent with one variant, coded as its SKU."""

    __tablename__ = "product_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    option1_name: Mapped[str] = mapped_column(String(64), default="")
    option2_name: Mapped[str] = mapped_column(String(64), default="")
    option3_name: Mapped[str] = mapped_column(String(64), default="")


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The variant's parent and option values ("" where the parent has fewer options: NULLs
    # would let the unique combination repeat).
    group_id: Mapped[int] = mapped_column(ForeignKey("product_groups.id"), index=True)
    option1: Mapped[str] = mapped_column(String(64), default="")
    option2: Mapped[str] = mapped_column(String(64), default="")
    option3: Mapped[str] = mapped_column(String(64), default="")
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    barcode: Mapped[str | None] = mapped_column(String(48), index=True)
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    weight_g: Mapped[int] = mapped_column(Integer, default=0)
    length_mm: Mapped[int | None] = mapped_column(Integer)
    width_mm: Mapped[int | None] = mapped_column(Integer)
    height_mm: Mapped[int | None] = mapped_column(Integer)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    more_photos: Mapped[str] = mapped_column(Text, default="")  # further file_ids, one a line
    status: Mapped[str] = mapped_column(String(16), default="active")  # domain.catalog.ProductStatus
    cost_minor: Mapped[int | None] = mapped_column(BigInteger)  # a unit's supply cost, when the catalog gives it
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    # Set by the database's triggers on every write to the product or to what its card shows
    # (prices, translations, its category, its parent): the read cache reloads only the
    # products changed since its last load (``storage.repositories.changes``).
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0", index=True)
    # The change number of the write that last set status (migration 0074), its creation's
    # included (0076): the stock feed lists a product taken off sale, or back on, though its
    # stock stayed, and a new one, which has no stock yet (``stock_changes``).
    status_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0", index=True)  # 0077
    # A category's page of products by name straight from the index, whatever the page number.
    __table_args__ = (
        UniqueConstraint("group_id", "option1", "option2", "option3", name="uq_products_variant"),
        Index("ix_products_category_page", "category_id", "status", "name", "id"),
    )


class ProductTranslationRow(Base):
    """A product's name and description in a language other than the default."""

    __tablename__ = "product_translations"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(256), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Only a bulk write sets it: to the number it gave the product itself, so that SQLite's
    # change triggers leave the write alone (migration 0033, ``number_for_bulk_write``).
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The variant's option names and values in this language, as the products file writes them
    # (``Размер=M; Цвет=Красный``), "" when untranslated; here, beside its name, so the read cache's
    # load reads them with the translations it reads anyway (0069).
    options: Mapped[str] = mapped_column(Text, default="", server_default="")


class ProductChangeRow(Base):
    """The audit trail of catalog edits made in chat: who changed which field, when, from what to what."""

    __tablename__ = "product_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_product_changes_product", "product_id", "at"),)


class ProductPriceRow(Base):
    __tablename__ = "product_prices"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    # Only a bulk write sets it: to the number it gave the product itself, so that SQLite's
    # change triggers leave the write alone (migration 0033, ``number_for_bulk_write``).
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    __table_args__ = (CheckConstraint("amount_minor >= 0", name="price_not_negative"),)


class FxRateRow(Base):
    __tablename__ = "fx_rates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))  # exact decimal text
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())
    set_by: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_fx_rates_pair", "base", "quote", "set_at"),)


class StockSubscriptionRow(Base):
    __tablename__ = "stock_subscriptions"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
