"""Tables. Money columns are BIGINT minor units next to a CHAR(3) currency; exchange
rates are decimal strings. Counters carry CHECK constraints as a last line of defence."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite keeps no zone, so we store UTC and re-attach it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # None: known from the API only
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    is_business: Mapped[bool] = mapped_column(Boolean, default=False)
    # A business's payment terms: invoices due after this many days (None: the shop's
    # INVOICE_NET_DAYS), and the most its unpaid invoices may come to (base currency, minor units).
    payment_terms_days: Mapped[int | None] = mapped_column(Integer)
    credit_limit_minor: Mapped[int | None] = mapped_column(BigInteger)
    is_vip: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    cart_reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AddressRow(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    role: Mapped[str] = mapped_column(String(16))
    warehouse_code: Mapped[str | None] = mapped_column(String(16))


class CategoryRow(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    # The category this one is inside (any depth); none for a top category. Names stay unique
    # in the whole tree, so a file can name a category by its name alone.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)


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
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="available_not_negative"),
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


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))  # ix_orders_customer_created
    status: Mapped[str] = mapped_column(String(24), index=True)
    held_from: Mapped[str | None] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    fx_rate: Mapped[str] = mapped_column(String(40), default="1")
    tax_rate: Mapped[str] = mapped_column(String(12), default="0", server_default="0")
    flags: Mapped[str] = mapped_column(String(128), default="")  # comma-separated
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # a report's period, the dashboard's today
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    payment_method: Mapped[str] = mapped_column(String(16), default="cod")
    delivery_method: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    pickup_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    carrier: Mapped[str] = mapped_column(String(64), default="")
    service: Mapped[str] = mapped_column(String(64), default="")
    eta: Mapped[date | None] = mapped_column(Date)
    ready_by: Mapped[datetime | None] = mapped_column(UtcDateTime())
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    invoice_due: Mapped[date | None] = mapped_column(Date)
    routing: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: warehouse codes, then reasons
    checkout_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    tracking_number: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dunning_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # reminders sent
    gift_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A customer's orders newest first (/orders) read from the index, without a sort.
    __table_args__ = (
        Index("ix_orders_customer_created", "customer_id", "created_at", "id"),
        # /top customers sums every order per customer from this index alone, in its order.
        Index("ix_orders_customer_value", "customer_id", "currency", "status", "total_minor"),
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(256))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class OrderHistoryRow(Base):
    __tablename__ = "order_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    # What reached a status in a period (a report's shipped and delivered counts), and when
    # one order first reached a status: with order_id alone the planner may take the status
    # index for the latter and read every order's history.
    __table_args__ = (
        Index("ix_order_history_status_at", "to_status", "at"),
        Index("ix_order_history_order_status", "order_id", "to_status", "at"),
    )


class PaymentRow(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    telegram_charge_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    provider_charge_id: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    # /top customers reads the refunds owed without reading every payment.
    __table_args__ = (Index("ix_payments_kind_order", "kind", "order_id", "amount_minor"),)


class CarrierRateRow(Base):
    __tablename__ = "carrier_rates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(64))
    zone: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    base_minor: Mapped[int] = mapped_column(BigInteger)
    per_kg_minor: Mapped[int] = mapped_column(BigInteger)
    transit_days: Mapped[int] = mapped_column(Integer)
    cutoff_hour: Mapped[int] = mapped_column(Integer)
    max_weight_g: Mapped[int] = mapped_column(Integer)
    tracking_url: Mapped[str] = mapped_column(String(256), default="", server_default="")
    __table_args__ = (UniqueConstraint("carrier", "service", "zone", "currency", name="uq_carrier_rates_key"),)


class OutboxRow(Base):
    """Messages to deliver, written in the transaction that caused them."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    template: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="")
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_outbox_due", "sent_at", "failed_at", "next_attempt_at"),)


class StockSubscriptionRow(Base):
    __tablename__ = "stock_subscriptions"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CartLineRow(Base):
    """What the customer wants; holds (reservations) are what stock backs it with. A line
    outlives an expired hold, so checkout can re-take it or say exactly what changed."""

    __tablename__ = "cart_lines"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class StaffInviteRow(Base):
    """A one-time deep link (``/start inv_<token>``) that makes whoever opens it staff."""

    __tablename__ = "staff_invites"
    token: Mapped[str] = mapped_column(String(48), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    warehouse_code: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebLoginRow(Base):
    """A one-time sign-in link for the staff dashboard in a browser; only its hash is kept."""

    __tablename__ = "web_logins"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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


class ReviewRow(Base):
    """A customer's rating (1–5) of a delivered order, and optionally a few words."""

    __tablename__ = "reviews"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"),)


class JobLockRow(Base):
    """Which process runs the scheduled jobs: held until ``expires_at``, renewed while alive."""

    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


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


class PoLineRow(Base):
    __tablename__ = "po_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_minor: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_within_quantity"),
    )


class JobRunRow(Base):
    """The last day a once-a-day job ran (in the shop's time zone)."""

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_on: Mapped[date] = mapped_column(Date)


class ReturnRow(Base):
    """A return or exchange request (RMA) against one order."""

    __tablename__ = "returns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rma_code: Mapped[str] = mapped_column(String(16), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(24))
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of Telegram file ids
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    refund_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    replacement_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # a report's period
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReturnLineRow(Base):
    __tablename__ = "return_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    restocked: Mapped[int] = mapped_column(Integer, default=0)
    written_off: Mapped[int] = mapped_column(Integer, default=0)
    swap_product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))  # a size swap's variant
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("restocked + written_off <= quantity", name="inspected_within_quantity"),
    )


class JournalEntryRow(Base):
    """One balanced accounting entry (base currency), linked to its source document."""

    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    memo: Mapped[str] = mapped_column(String(256))
    currency: Mapped[str] = mapped_column(String(3))
    debit_total: Mapped[int] = mapped_column(BigInteger)
    credit_total: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (CheckConstraint("debit_total = credit_total", name="balanced"),)


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
    )


class ApiKeyRow(Base):
    """A channel's key for the HTTP intake API: only a SHA-256 of it is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # shown in lists, finds the row
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "orders stock:read"


class ApiRequestRow(Base):
    """An Idempotency-Key a channel used: the same key with the same body gets the same order."""

    __tablename__ = "api_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    body_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))  # set in the claiming transaction
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key", name="uq_api_requests_key"),)


class FsmStateRow(Base):
    """Conversation state (aiogram FSM) without Redis: a checkout in progress survives a
    restart. The key is aiogram's ``bot:chat:user[:thread]:destiny`` string."""

    __tablename__ = "fsm_state"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UpdateInboxRow(Base):
    """Every update taken from Telegram, recorded before Telegram is told it arrived, and
    marked once handled: the durable memory of handled update ids."""

    __tablename__ = "update_inbox"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)  # the update's JSON, as Telegram sent it
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    __table_args__ = (Index("ix_update_inbox_handled_at", "handled_at"),)


class SupportConversationRow(Base):
    """A customer's conversation with the shop's support: in a forum topic of the support
    chat (``thread_id``), or by reply threading in a plain group (``thread_id`` NULL)."""

    __tablename__ = "support_conversations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    header_message_id: Mapped[int | None] = mapped_column(BigInteger)  # staff reply to it in a plain group
    order_code: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    first_reply_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    messages_in: Mapped[int] = mapped_column(Integer, default=0)
    messages_out: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        CheckConstraint("messages_in >= 0 AND messages_out >= 0", name="counts_not_negative"),
        Index("ix_support_conversations_customer", "customer_id", "status"),
        Index("ix_support_conversations_topic", "chat_id", "thread_id"),
    )


class SupportMessageRow(Base):
    """One relayed message and its copy: the mapping replies and edits follow both ways."""

    __tablename__ = "support_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("support_conversations.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    customer_message_id: Mapped[int] = mapped_column(BigInteger)  # in the customer's chat
    staff_message_id: Mapped[int] = mapped_column(BigInteger)  # in the support chat
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    staff_name: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (
        Index("ix_support_messages_conversation", "conversation_id"),
        Index("ix_support_messages_customer_message", "customer_message_id"),
        Index("ix_support_messages_staff_message", "staff_message_id"),
    )
