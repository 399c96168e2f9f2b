"""Typed callback data shared by several screens. Ids and numbers only (≤ 64 bytes).

Fields are typed as narrowly as they are read (a count, a choice among codes): data a
button never carried (a stale build, a modified client) fails to unpack, so no handler
takes it and the press is answered as out of date."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import Field

from domain.picking import PickMethod
from domain.returns import ReturnKind, ReturnMethod, ReturnReason

Number = Annotated[int, Field(ge=0, le=2**31 - 1)]  # an id, a page, a count: what a database column holds

BUTTON_TEXT_LIMIT = 60  # longer button labels are cut off by Telegram clients anyway


def shorten(text: str, limit: int = BUTTON_TEXT_LIMIT) -> str:
    """``text`` in at most ``limit`` characters, cut between words with an ellipsis (a single
    word longer than the limit is cut inside it)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–") + "…"


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """An inline button that sends ``data`` back."""
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def rows_of(*buttons: tuple[str, CallbackData], width: int = 1) -> InlineKeyboardMarkup:
    """Buttons laid out ``width`` to a row. Built directly: aiogram's InlineKeyboardBuilder
    deep-copies every button on the way, and checkout steps send one per update."""
    made = [button(text, data) for text, data in buttons]
    return InlineKeyboardMarkup(inline_keyboard=[made[i : i + width] for i in range(0, len(made), width)])


class CartChange(CallbackData, prefix="cq"):
    """Set a product's cart quantity from ``expected`` to ``quantity`` (0 removes)."""

    product_id: Number
    expected: Number
    quantity: Number
    view: Literal["card", "cart"]  # which screen to redraw


class CartView(CallbackData, prefix="cv"):
    pass


class NotifyMe(CallbackData, prefix="nm"):
    product_id: Number


class StartCheckout(CallbackData, prefix="co"):
    pass


class ProductCb(CallbackData, prefix="pv"):
    product_id: Number
    category_id: Number
    page: Number


class OrderCb(CallbackData, prefix="od"):
    code: str


class OrdersPageCb(CallbackData, prefix="ol"):
    page: Number


class CancelOrderCb(CallbackData, prefix="oc"):
    code: str
    confirmed: bool


class PayOrderCb(CallbackData, prefix="op"):
    code: str


class PickStartCb(CallbackData, prefix="ps"):
    method: PickMethod
    warehouse: Number = 0  # its id; 0: the picker's own (or the only) warehouse
    zone: str = ""


class PickWarehouseCb(CallbackData, prefix="pwh"):
    warehouse: Number


class PickShortCb(CallbackData, prefix="pshort"):
    line_id: Number


class PackBoxCb(CallbackData, prefix="pb"):
    code: str
    box: str = ""  # empty: the proposed packages


class PackWeightCb(CallbackData, prefix="pw"):
    code: str


class DocumentCb(CallbackData, prefix="doc"):
    code: str
    kind: str  # label, slip, receipt


class RateCb(CallbackData, prefix="rt"):
    code: str
    stars: Number


class PoCb(CallbackData, prefix="po"):
    number: Number
    action: str  # view, approve, discard


class ReturnStartCb(CallbackData, prefix="rs"):
    code: str
    kind: ReturnKind


class ReturnLineCb(CallbackData, prefix="rl"):
    line_id: Number  # 0: done choosing


class ReturnReasonCb(CallbackData, prefix="rr"):
    reason: ReturnReason


class ReturnMethodCb(CallbackData, prefix="rm"):
    method: ReturnMethod | Literal["photos_done"]  # "photos_done" ends the photos step


class RmaCb(CallbackData, prefix="rma"):
    rma: str
    action: str  # approve, reject, received, restock, writeoff, resolve
    line_id: Number = 0
