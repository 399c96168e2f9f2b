"""Short picks the customer decides: the three answers, the flags each leaves, and what is still to pick."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from domain.backorders import BACKORDER_FLAG, SPLIT_FLAG
from domain.errors import DomainError
from domain.i18n import N_
from domain.orders import DeliveryMethod, Order, OrderStatus

SHORT_FLAG = "SHORT"  # held for a short pick: the customer's answer is awaited, its missing part not filled yet


class ShortChoice(StrEnum):
    SPLIT = "split"  # what is there leaves now, the missing part in a second parcel when it arrives
    WAIT = "wait"  # the order waits for the missing part and leaves whole
    CANCEL = "cancel"  # the missing part is dropped and what was paid for it owed back


class ChoiceGone(DomainError):
    key = N_(
        "Order {code} no longer waits for this answer: it was given already or the order changed. Nothing was changed."
    )


def choices(pickup: bool) -> list[ShortChoice]:
    """What the customer is offered: a pickup order is collected whole, so it is not split."""
    return [c for c in ShortChoice if not (pickup and c is ShortChoice.SPLIT)]


def asked(order: Order) -> list[ShortChoice]:
    """What a customer may still answer for an order held for a short pick (none when it is not
    held for one, or was answered): its screens offer the question as the message asking it does."""
    if order.status is not OrderStatus.ON_HOLD or SHORT_FLAG not in order.flags:
        return []
    return choices(order.delivery is not None and order.delivery.method is DeliveryMethod.PICKUP)


def flags_after(flags: frozenset[str], choice: ShortChoice, other_waiting: bool) -> frozenset[str]:
    """The order's flags once the customer answered: a split or a wait keeps the missing part
    as a waiting part (split: what is there leaves first); a cancel drops it, and the order
    waits no more unless another part of it still does (``other_waiting``)."""
    flags = flags - {SHORT_FLAG}
    if choice is ShortChoice.SPLIT:
        return flags | {BACKORDER_FLAG, SPLIT_FLAG}
    if choice is ShortChoice.WAIT:
        return (flags | {BACKORDER_FLAG}) - {SPLIT_FLAG}
    return flags if other_waiting else flags - {BACKORDER_FLAG, SPLIT_FLAG}


def still_to_pick(reserved: Mapping[int, int], picked: Mapping[int, int], shipped: Mapping[int, int]) -> dict[int, int]:
    """Product → units allocated to an order that nobody has picked yet: what is allocated,
    less what was picked and has not left in a parcel (picked and shipped units are no longer
    allocated)."""
    left = {}
    for product_id, units in reserved.items():
        in_hand = max(picked.get(product_id, 0) - shipped.get(product_id, 0), 0)
        if units > in_hand:
            left[product_id] = units - in_hand
    return left


def ready_to_pack(flags: frozenset[str], to_pick: Mapping[int, int], in_hand: int) -> bool:
    """Every allocated unit is picked, something is in hand to pack (a split with nothing on
    the shelf waits for the rest), and the order does not wait to leave whole."""
    waits_whole = BACKORDER_FLAG in flags and SPLIT_FLAG not in flags
    return not to_pick and in_hand > 0 and not waits_whole and SHORT_FLAG not in flags
