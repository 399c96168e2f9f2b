"""The journal, demand history and forecast suggestions, and the shop's own settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class JournalEntryRow(Base):
    """One balanced accounting entry (base currency), linked to its source document."""

    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    memo: Mapped[str] = mapped_column(String(256))  # in English, for ``ordergram export journal``
    # The memo's message key and its values (JSON, ``domain.memos.Memo.params``), read in the
    # reader's language; NULL on entries from before they were kept (their English is read back).
    memo_key: Mapped[str | None] = mapped_column(String(256))
    memo_params: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    debit_total: Mapped[int] = mapped_column(BigInteger)
    credit_total: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (CheckConstraint("debit_total = credit_total", name="balanced"),)


class JournalLineRow(Base):
    __tablename__ = "journal_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id", ondelete="CASCADE"), index=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    debit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (
        CheckConstraint("debit_minor >= 0 AND credit_minor >= 0", name="not_negative"),
        CheckConstraint("debit_minor = 0 OR credit_minor = 0", name="one_side"),
    )


class ForecastSuggestionRow(Base):
    """The nightly forecast job's replenishment policy per product and warehouse."""

    __tablename__ = "forecast_suggestions"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[str] = mapped_column(String(32))
    weekly_demand: Mapped[float] = mapped_column(Float)
    reorder_point: Mapped[int] = mapped_column(Integer)
    order_up_to: Mapped[int] = mapped_column(Integer)
    service_level: Mapped[float] = mapped_column(Float)
    expected_fill: Mapped[float] = mapped_column(Float)
    product_class: Mapped[str | None] = mapped_column(String(1))
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DemandRow(Base):
    """Units sold per product, warehouse and day: shipments as they happen, plus history
    imported from a previous system. Forecasts and slow-mover reports read it."""

    __tablename__ = "demand"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))  # "shipment CODE" or "import"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_demand_product_day", "product_id", "warehouse_id", "day"),
        Index("ix_demand_source_day", "source", "day"),  # a promo code's shipments (migration 0063)
    )


class ShopSettingRow(Base):
    """Facts about the shop the database must remember, whatever the settings say later
    (``books_currency``: the currency the journal is kept in)."""

    __tablename__ = "shop_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ShopIdentityRow(Base):
    """The shop's name, support contacts and policies (``domain.shop``): one row per field,
    language ("" for every language) and source (an admin's edit in chat, or the settings file)."""

    __tablename__ = "shop_identity"
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
