"""Backorder and preorder terms per product, and the waiting parts of orders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class BackorderTermsRow(Base):
    """A product that may be ordered beyond what is available (a row only where it may)."""

    __tablename__ = "backorder_terms"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_limit: Mapped[int | None] = mapped_column(Integer)
    release_date: Mapped[date | None] = mapped_column(Date)


class BackorderRow(Base):
    """The part of an order line stock did not cover: ``quantity`` still waits, ``filled``
    was allocated as stock arrived, ``cancelled`` the customer gave up."""

    __tablename__ = "backorders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # domain.backorders.BackorderStatus
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (
        CheckConstraint("quantity >= 0 AND filled >= 0 AND cancelled >= 0", name="quantities_not_negative"),
        CheckConstraint("status <> 'waiting' OR quantity > 0", name="waiting_has_quantity"),
        # What arrives finds its queue straight from the index, in fill order.
        Index("ix_backorders_queue", "product_id", "status", "vip", "created_at", "id"),
    )
