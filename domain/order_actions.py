"""What a customer may do with one of their orders now: the chat's order screen and the Mini App's offer the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.backorders import BACKORDER_FLAG
from domain.editing import customer_may_edit
from domain.money import Money
from domain.orders import OPEN_STATUSES, Order, OrderStatus, PaymentMethod
from domain.parcels import Parcel
from domain.returns import returnable
from domain.shortages import asked

# A buyer's goods-in desk checks a delivery against the PO the packing slip names: once a parcel has left,
# the number is staff's to correct (they reprint what it is on).
BUYER_MAY_CHANGE = OPEN_STATUSES - {OrderStatus.PARTIALLY_SHIPPED}


class ShopTerms(Protocol):
    """The shop's settings the rule reads (the handlers' ``ShopSettings`` has them)."""

    @property
    def payment_provider_token(self) -> str | None: ...
    @property
    def order_edit_window_minutes(self) -> int: ...
    @property
    def return_window_days(self) -> int: ...


class Tracked(Protocol):
    """What happened to the order since it was placed, as far as the rule reads it (``OrderTracking`` has it)."""

    @property
    def card_left(self) -> Money | None: ...
    @property
    def card_left_at(self) -> str | None: ...
    @property
    def parcels(self) -> Sequence[Parcel]: ...


def buyer_may_change_reference(order: Order) -> bool:
    return order.status in BUYER_MAY_CHANGE


def buyer_offered_reference(order: Order) -> bool:
    """Whether the buyer's order screen offers to add or change it: an order that has one, or is
    on invoice (a business's), before it ships; never another channel's (its reference is that channel's order
    number, which its callbacks name the order by)."""
    if order.channel_name is not None:
        return False
    return bool(order.reference or order.payment_method is PaymentMethod.INVOICE) and buyer_may_change_reference(order)


@dataclass(frozen=True, slots=True)
class OrderActions:
    pay: bool  # an unpaid card order: Telegram's invoice
    pay_difference: bool  # paid, then edited up: the balance (not one another channel took the payment for)
    edit: bool
    waiting: bool  # held for a short pick: its part and the question
    cancel: bool
    returns: bool  # delivered, within the return window (earlier returns are checked on the way)
    po_number: bool


def order_actions(order: Order, terms: ShopTerms, now: datetime, tracking: Tracked | None) -> OrderActions:
    cards = bool(terms.payment_provider_token)
    return OrderActions(
        pay=order.status is OrderStatus.AWAITING_PAYMENT and cards,
        pay_difference=bool(tracking and tracking.card_left and tracking.card_left_at is None) and cards,
        edit=customer_may_edit(order, now, terms.order_edit_window_minutes),
        waiting=BACKORDER_FLAG in order.flags or bool(asked(order)),
        cancel=order.cancellable_by_customer or order.held_before_picking,
        returns=bool(returnable(order, now, terms.return_window_days, {}, tracking.parcels if tracking else ())),
        po_number=buyer_offered_reference(order),
    )
