"""What a customer's return request has gathered between its steps, kept in FSM data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiogram.fsm.state import State, StatesGroup

from domain.returns import ReturnKind, ReturnReason
from handlers.drafts import DraftSlot


@dataclass(frozen=True, slots=True)
class ReturnDraft:
    """Stored under the key names the FSM data has always had (line ids as text keys, as
    JSON wants), so a return in progress goes on across a deploy."""

    code: str  # the order's
    kind: ReturnKind
    left: Mapping[int, int]  # per order line, how many may still come back
    labels: Mapping[int, str]  # per order line, its button's text
    chosen: Mapping[int, int] = field(default_factory=dict)  # per order line, how many come back
    current: int | None = None  # the line whose quantity is asked
    reason: ReturnReason | None = None
    note: str = ""
    photos: tuple[str, ...] = ()  # Telegram file ids
    products: Mapping[int, int] = field(default_factory=dict)  # per order line, the variant ordered
    swaps: Mapping[int, int] = field(default_factory=dict)  # per order line asked, the variant wanted (0: the same)
    items: Mapping[int, str] = field(default_factory=dict)  # per order line, its SKU and name, for a sentence
    asked: int | None = None  # the message asking how many: its buttons go once the number is typed


_SLOT = DraftSlot(ReturnDraft)
return_draft_of = _SLOT.of
save_return = _SLOT.save


class Returning(StatesGroup):
    """A return's steps, in the order they are asked (the steps' handlers: returns, return_swaps, return_details)."""

    lines = State()
    quantity = State()
    reason = State()
    other = State()
    photos = State()
    method = State()
