"""Warehouses, bins, stock counters, holds, movements, picking, packing and purchasing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class WarehouseRow(Base):
    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    is_pickup_point: Mapped[bool] = mapped_column(Boolean, default=False)


class BinRow(Base):
    __tablename__ = "bins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    zone: Mapped[str] = mapped_column(String(8))
    __table_args__ = (UniqueConstraint("warehouse_id", "code", name="uq_bins_warehouse_code"),)


class StockRow(Base):
    __tablename__ = "stock"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    reorder_point: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    max_level: Mapped[int | None] = mapped_column(Integer)
    # Set by a trigger on every write (``storage.repositories.changes``). Not indexed: an index
    # would make every hold maintain it; reading the changed rows scans the narrow table instead.
    # Measured (2026-12-05, 10,000 products × 4 variants, 53,336 counters): with an index the
    # stock reload every 10 s took 0.45 instead of 2.3 ms of CPU on SQLite (and 0.02 instead of
    # 2–3 ms of PostgreSQL's time), but every write paid for it: ~10 µs more a hold on SQLite,
    # and PostgreSQL's updates of stock went from ~94 % HOT to none. Holds are the hot write.
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Set by a trigger on a write that moves on_hand - reserved (migration 0070): the stock feed's
    # "changed since" (``storage.repositories.stock_changes``). Indexed with the product (0077),
    # unlike change_seq: a feed polled by several channels a minute each scanned every counter.
    available_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="available_not_negative"),
        Index("ix_stock_available_seq", "available_seq", "product_id"),
    )


class BinStockRow(Base):
    __tablename__ = "bin_stock"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)


class ReservationRow(Base):
    __tablename__ = "reservations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_stock", "product_id", "warehouse_id"),
    )


class InventoryMovementRow(Base):
    __tablename__ = "inventory_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(256))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class StockDaySumRow(Base):
    """A product's movements at a warehouse summed per shop day (days from 1970-01-01), kept by
    the nightly forecast job as movements come (``storage/repositories/stock_days.py``)."""

    __tablename__ = "stock_day_sums"
    __table_args__ = {"sqlite_with_rowid": False}  # kept in key order: a pair's days read in one run
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    net: Mapped[int] = mapped_column(Integer)
    came_in: Mapped[int] = mapped_column(Integer)  # 1: something came in that day


class StockDayPairRow(Base):
    """Per product and warehouse in ``stock_day_sums``: its first day, what all its days moved,
    and the lowest count (less what it is now) any day ended with: a night reads the days only
    of pairs whose lowest was none or less."""

    __tablename__ = "stock_day_pairs"
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_day: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    lowest: Mapped[int] = mapped_column(BigInteger)


class StockDayMarkRow(Base):
    """How far ``stock_day_sums`` has summed the movements (by id), and in which time zone."""

    __tablename__ = "stock_day_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movement_id: Mapped[int] = mapped_column(BigInteger)
    zone: Mapped[str] = mapped_column(String(64))


class PickListRow(Base):
    __tablename__ = "pick_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(16))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    zone: Mapped[str | None] = mapped_column(String(8))
    wave: Mapped[int | None] = mapped_column(Integer, index=True)
    picker_telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PickLineRow(Base):
    __tablename__ = "pick_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pick_list_id: Mapped[int] = mapped_column(ForeignKey("pick_lists.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    tote: Mapped[int] = mapped_column(Integer, default=1)
    quantity: Mapped[int] = mapped_column(Integer)
    picked: Mapped[int] = mapped_column(Integer, default=0)
    short: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("picked + short <= quantity", name="not_over_picked"),
    )


class BoxRow(Base):
    """Standard shipping boxes, inner dimensions and the weight they carry."""

    __tablename__ = "boxes"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    length_mm: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    max_weight_g: Mapped[int] = mapped_column(Integer)


class PackageRow(Base):
    __tablename__ = "packages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    box_code: Mapped[str] = mapped_column(String(16))
    weight_g: Mapped[int] = mapped_column(Integer)
    packed_by: Mapped[int] = mapped_column(BigInteger)
    packed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupplierRow(Base):
    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    contact: Mapped[str] = mapped_column(String(256), default="")
    lead_time_days: Mapped[int] = mapped_column(Integer, default=7)


class SupplyTermsRow(Base):
    """How a product is bought for a warehouse: from whom, in what packs, at what cost."""

    __tablename__ = "supply_terms"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    min_order_qty: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    __table_args__ = (CheckConstraint("pack_size >= 1", name="pack_size_positive"),)


class PurchaseOrderRow(Base):
    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expected_on: Mapped[date | None] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class PoLineRow(Base):
    __tablename__ = "po_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_minor: Mapped[int] = mapped_column(BigInteger)
    # When goods last came in on the line: the last price paid is the latest receipt's, and an
    # order placed earlier can arrive later. None until some units are received.
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_within_quantity"),
    )


class PoPaymentRow(Base):
    """A payment to a purchase order's supplier (/po pay); ``purchase_orders.paid_minor`` is their sum."""

    __tablename__ = "po_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime())
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # in the order's currency
    paid_by: Mapped[int | None] = mapped_column(BigInteger)  # the staff member's Telegram id
    note: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (CheckConstraint("amount_minor > 0", name="po_payment_positive"),)
