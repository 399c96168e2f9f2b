"""Customers, their addresses, price rules per group, staff, staff invitations and browser sign-in links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


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
    tax_number: Mapped[str | None] = mapped_column(String(32))  # a business's VAT number or ИНН, for its invoices
    is_vip: Mapped[bool] = mapped_column(Boolean, default=False)
    # The price list the customer buys at (``domain.pricing``): retail until staff choose another.
    price_group: Mapped[str] = mapped_column(String(32), default="retail", server_default="retail")
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
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # orders placed to it
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the last of them


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    role: Mapped[str] = mapped_column(String(16))
    warehouse_code: Mapped[str | None] = mapped_column(String(16))


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
    """A one-time sign-in link for the staff dashboard in a browser, or a one-connect ticket for
    its event stream (hashed apart: ``domain.usecases.dashboard``); only its hash is kept."""

    __tablename__ = "web_logins"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebSessionRow(Base):
    """A signed-in browser of the staff dashboard: ended by signing out, by its expiry, or at
    once when the staff member is removed. Only the cookie's hash is kept."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    agent: Mapped[str] = mapped_column(String(200), default="")  # the browser, to tell sessions apart


class PriceRuleRow(Base):
    """A price list entry (``domain.pricing.PriceRule``); percent is a decimal string."""

    __tablename__ = "price_rules"
    __table_args__ = (
        UniqueConstraint("price_group", "currency", "scope", "target", "min_quantity", name="uq_price_rules_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_group: Mapped[str] = mapped_column(String(32), index=True)
    currency: Mapped[str] = mapped_column(String(3))  # "": ordering terms only, in every currency
    scope: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(64))
    min_quantity: Mapped[int] = mapped_column(Integer, default=1)
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    percent: Mapped[str | None] = mapped_column(String(12))
    min_order: Mapped[int | None] = mapped_column(Integer)
    pack: Mapped[int | None] = mapped_column(Integer)
