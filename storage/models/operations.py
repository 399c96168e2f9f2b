"""Delivery and bookkeeping of the running bot: outbox, jobs, API keys, FSM, inbox, support."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


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
    # Smaller goes first (domain.campaigns.ORDER_PRIORITY, CAMPAIGN_PRIORITY): an order's
    # notifications jump a campaign's queue.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    __table_args__ = (Index("ix_outbox_due", "sent_at", "failed_at", "next_attempt_at"),)


class JobLockRow(Base):
    """Which process runs the scheduled jobs: held until ``expires_at``, renewed while alive."""

    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRunRow(Base):
    """The last day a once-a-day job ran (in the shop's time zone)."""

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_on: Mapped[date] = mapped_column(Date)


class ApiKeyRow(Base):
    """A channel's key for the HTTP intake API: only a SHA-256 of it is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # shown in lists, finds the row
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "orders stock:read"
    # A carrier key's carriers, one a line ("DPD\nRoyal Mail"); "" for other keys and old carrier keys.
    carriers: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # A name is unique among active keys only: a revoked "shopify" key leaves its name free
    # for the channel's next key, and stays listed beside it.
    __table_args__ = (
        Index(
            "uq_api_keys_active_name",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class ApiRequestRow(Base):
    """An Idempotency-Key a channel used: the same key with the same body gets the same order (or receipt)."""

    __tablename__ = "api_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    body_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))  # set in the claiming transaction
    # Or, for a request that makes no order (a stock receipt), its answer as JSON, for replays.
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (
        UniqueConstraint("api_key_id", "idempotency_key", name="uq_api_requests_key"),
        Index("ix_api_requests_order_id", "order_id"),  # which channel placed an order (its callbacks)
    )


class ApiCallbackRow(Base):
    """A channel's (an API key name's) status callback: where its orders' events go, and the
    secret they are signed with (kept as given: signing needs it; shown to the operator once)."""

    __tablename__ = "api_callbacks"
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiEventRow(Base):
    """An event of a channel's order, written in the change's transaction, delivered at least once
    to the channel's callback URL (tried again with a growing wait, given up after
    ``domain.callbacks.MAX_ATTEMPTS``)."""

    __tablename__ = "api_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the receiver de-duplicates by it
    channel: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)  # JSON: the order as it was at the change
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # given up
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    __table_args__ = (
        Index("ix_api_events_due", "delivered_at", "failed_at", "next_attempt_at"),
        Index("ix_api_events_channel", "channel", "failed_at"),
    )


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
    marked once handled: the durable memory of handled update ids, each bot's own (a shop moved
    to another bot token gets update ids that start again)."""

    __tablename__ = "update_inbox"
    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
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
