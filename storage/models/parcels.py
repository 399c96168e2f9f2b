"""Parcels an order left in (with their lines) and the codes that hand a pickup order over."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class ParcelRow(Base):
    __tablename__ = "parcels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str] = mapped_column(String(64))
    tracking: Mapped[str] = mapped_column(String(64), unique=True)  # /delivered TRACKING, carrier callbacks
    eta: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    shipped_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    staff_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (UniqueConstraint("order_id", "seq"),)


class ParcelLineRow(Base):
    __tablename__ = "parcel_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class PickupCodeRow(Base):
    __tablename__ = "pickup_codes"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class CarrierEventRow(Base):
    """A carrier's tracking update, once: the same one sent again (a retried callback) tells no one."""

    __tablename__ = "carrier_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    tracking: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (UniqueConstraint("tracking", "event", "location", name="uq_carrier_events"),)
