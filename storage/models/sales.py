"""The per-day sales summary the reports read (``domain.sales``: what it holds, the rule it relies on)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class SalesDayRow(Base):
    """What the orders placed on one shop-local day in one currency add to the figures."""

    __tablename__ = "sales_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    base_minor: Mapped[int] = mapped_column(BigInteger)


class SalesDaySkuRow(Base):
    """What one SKU's lines on one day's orders (not cancelled) add: units, base revenue."""

    __tablename__ = "sales_day_skus"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    units: Mapped[int] = mapped_column(BigInteger)
    base_minor: Mapped[int] = mapped_column(BigInteger)
    last_order_id: Mapped[int] = mapped_column(Integer)  # its name is on the latest order's line


class SalesSummaryRow(Base):
    """The one row that says which summary is kept and how far: its time zone and base
    currency (another of either starts it afresh), the last day it covers, its watermark."""

    __tablename__ = "sales_summary"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    base_currency: Mapped[str] = mapped_column(String(3))
    through: Mapped[date | None] = mapped_column(Date)
    settled: Mapped[datetime | None] = mapped_column(UtcDateTime())
