"""Orders, their lines, history and payments, carrier rates, carts, reviews and returns."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


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
    invoice_due: Mapped[date | None] = mapped_column(Date, index=True)  # the dunning job reads those due
    routing: Mapped[str] = mapped_column(Text, default="[]")  # JSON list: warehouse codes, then reasons
    checkout_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    tracking_number: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dunning_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # reminders sent
    gift_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped by every edit
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # sum of the lines'
    promo_code: Mapped[str] = mapped_column(String(32), default="", server_default="")
    reference: Mapped[str] = mapped_column(String(64), default="", server_default="")  # another channel's number
    # How staff find it by that number, in any case: domain.orders.reference_key
    reference_key: Mapped[str] = mapped_column(String(192), default="", server_default="")
    discounts: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON [[label, minor], …]
    # The buyer's and the shop's tax numbers at checkout ("": none; NULL: placed before they were kept)
    buyer_tax_number: Mapped[str | None] = mapped_column(String(32))
    seller_tax_number: Mapped[str | None] = mapped_column(String(32))
    # A business's invoice's number in the shop's gapless sequence (NULL: not an invoice, or placed before 0061)
    invoice_number: Mapped[int | None] = mapped_column(Integer)
    # A customer's orders newest first (/orders) read from the index, without a sort.
    __table_args__ = (
        Index("ix_orders_customer_created", "customer_id", "created_at", "id"),
        Index("ix_orders_reference_key", "reference_key"),  # staff find an order by the buyer's PO number, any case
        # /top customers sums every order per customer from this index alone, in its order.
        Index("ix_orders_customer_value", "customer_id", "currency", "status", "total_minor"),
        # The sales summary's watermark: which days' orders were written since (domain.sales).
        Index("ix_orders_updated_created", "updated_at", "created_at"),
        Index("ix_orders_invoice_number", "invoice_number", unique=True),  # a second defence under the counter
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
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    names: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON {language: name} as sold
    # A replacement's line: the replaced order's line it was sent for, what all its units were paid
    # in all after discounts, and the list price one unit stands at (``domain.orders.OrderLine``);
    # NULL on other lines.
    replaces_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)
    list_price_minor: Mapped[int | None] = mapped_column(BigInteger)
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
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)  # a goodwill refund's, in the order's currency
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
    # The credit note issued for this row with it (a refund owed, goodwill, an invoice taken down), 0067.
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"))
    # What staff typed with it (/paid CODE 5 bank ref: a transfer's reference), 0082.
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # /top customers reads the refunds owed without reading every payment.
    __table_args__ = (Index("ix_payments_kind_order", "kind", "order_id", "amount_minor"),)


class CreditNoteRow(Base):
    __tablename__ = "credit_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # a second line of defence under the counter
    # RESTRICT: an order deleted would take its numbered notes with it, a gap in a gapless sequence.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The tax inside it as its journal entries took it back from tax payable when it was issued (0075): a reprint
    # after the order changed prints the same figure.
    tax_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")


class DebitNoteRow(Base):
    __tablename__ = "debit_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # a second line of defence under the counter
    # RESTRICT, as a credit note's: an order deleted would take its numbered notes with it.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The tax inside it as its rise's journal entry added it to tax payable when it was issued (0078): a reprint
    # after the order changed prints the same figure.
    tax_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")


class IssuedInvoiceRow(Base):
    """An invoice as it was issued under its number (``domain.issued_invoices``): written in the transaction that
    numbers it, never changed after; its PDF prints these, whatever the order's lines become."""

    __tablename__ = "issued_invoices"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    lines: Mapped[str] = mapped_column(Text)  # JSON [{product_id, sku, name, names, quantity, unit_price_minor, …}]
    shipping_minor: Mapped[int | None] = mapped_column(BigInteger)
    discounts: Mapped[str] = mapped_column(Text)  # JSON [[label, minor], …]
    tax_rate: Mapped[str] = mapped_column(String(12))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    due: Mapped[date | None] = mapped_column(Date)
    buyer: Mapped[str] = mapped_column(Text)
    buyer_tax_number: Mapped[str] = mapped_column(String(32))  # as printed ("": none)


class DocumentCounterRow(Base):
    """The last number a numbered document took (a credit note's, an invoice's): one row a sequence, updated in
    the transaction that issues the document, so its row lock queues concurrent issuers."""

    __tablename__ = "document_counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


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


class CartLineRow(Base):
    """What the customer wants; holds (reservations) are what stock backs it with. A line
    outlives an expired hold, so checkout can re-take it or say exactly what changed."""

    __tablename__ = "cart_lines"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class ReviewRow(Base):
    """A customer's rating (1–5) of a delivered order, and optionally a few words."""

    __tablename__ = "reviews"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"),)


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
    decided_by: Mapped[int | None] = mapped_column(
        BigInteger
    )  # the staff member's Telegram id who approved or rejected


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
