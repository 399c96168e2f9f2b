"""What a checkout has gathered between its steps, kept in the conversation's FSM data."""

from __future__ import annotations

from dataclasses import dataclass

from domain.orders import DeliveryMethod, PaymentMethod
from handlers.drafts import DraftSlot


@dataclass(frozen=True, slots=True)
class CheckoutDraft:
    """The answers so far. Stored as a JSON-safe dict under the key names the FSM data has
    always had, so a checkout in progress goes on across a deploy, either way."""

    phone: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    pickup_id: int | None = None  # the pickup point (a warehouse) chosen instead of a courier
    rate_id: int | None = None  # the courier's shipping rate
    payment: PaymentMethod | None = None
    key: str | None = None  # the order's idempotency key, made with the payment choice; Confirm carries it
    gift: bool = False
    gift_message: str = ""
    review_message_id: int | None = None  # the review whose Confirm button /cancel disarms
    promo_code: str = ""  # applied at review; checked again when the order is placed

    @property
    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod.PICKUP if self.pickup_id else DeliveryMethod.COURIER

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the courier goes, when the customer shared it."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


_SLOT = DraftSlot(CheckoutDraft)
draft_of = _SLOT.of
save = _SLOT.save
