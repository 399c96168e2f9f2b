"""Promotions, promo codes and each use of a code (counted in its order's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class PromotionRow(Base):
    __tablename__ = "promotions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    percent: Mapped[str] = mapped_column(String(12), default="0")  # a decimal string
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    buy: Mapped[int] = mapped_column(Integer, default=0)
    threshold_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))  # of the amount and the threshold
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    product_ids: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    families: Mapped[str] = mapped_column(Text, default="")  # comma-separated parent codes: every variant of each
    target_text: Mapped[str] = mapped_column(String(256), default="")
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # the running ones: ends_at > now
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger, default=0)


class PromoCodeRow(Base):
    __tablename__ = "promo_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    percent: Mapped[str] = mapped_column(String(12), default="0")
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    minimum_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))  # of the amount and the minimum
    max_uses: Mapped[int | None] = mapped_column(Integer)
    per_customer: Mapped[int | None] = mapped_column(Integer)
    groups: Mapped[str] = mapped_column(Text, default="")  # comma-separated customer groups; empty: everyone
    first_order_only: Mapped[bool] = mapped_column(Boolean, default=False)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    product_ids: Mapped[str] = mapped_column(Text, default="")
    families: Mapped[str] = mapped_column(Text, default="")  # comma-separated parent codes
    target_text: Mapped[str] = mapped_column(String(256), default="")
    uses: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger, default=0)
    # The last line of defence behind the conditional UPDATE that counts a use.
    __table_args__ = (CheckConstraint("uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)", name="uses_in_limit"),)


class PromoCodeUseRow(Base):
    __tablename__ = "promo_code_uses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A customer's uses of a code, counted at review and again in the order's transaction.
    __table_args__ = (Index("ix_promo_code_uses_code_customer", "code_id", "customer_id"),)
