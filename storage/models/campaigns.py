"""Marketing campaigns, the clicks on their product buttons, and who asked for no more of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UtcDateTime


class CampaignRow(Base):
    """A message to a segment of customers: drafted, scheduled, then written to the outbox."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)  # HTML
    photo: Mapped[str | None] = mapped_column(String(256))  # a Telegram file id
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    segment_kind: Mapped[str | None] = mapped_column(String(16))  # domain.campaigns.SegmentKind
    segment_value: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # domain.campaigns.CampaignStatus
    created_by: Mapped[int] = mapped_column(BigInteger)  # the manager's Telegram id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    targeted: Mapped[int] = mapped_column(Integer, default=0)
    opted_out: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_campaigns_due", "status", "scheduled_at"),)


class CampaignClickRow(Base):
    """A customer opened a campaign's product button (its deep link)."""

    __tablename__ = "campaign_clicks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(Integer)
    clicked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (Index("ix_campaign_clicks_campaign", "campaign_id", "customer_id"),)


class MarketingOptOutRow(Base):
    """A customer who wants no campaigns (order notifications still go to them)."""

    __tablename__ = "marketing_opt_outs"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
