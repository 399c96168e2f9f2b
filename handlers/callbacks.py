"""Typed callback data shared by several screens. Ids and numbers only (≤ 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

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

    product_id: int
    expected: int
    quantity: int
    view: str  # "card" or "cart": which screen to redraw


class CartView(CallbackData, prefix="cv"):
    pass


class NotifyMe(CallbackData, prefix="nm"):
    product_id: int


class StartCheckout(CallbackData, prefix="co"):
    pass


class ProductCb(CallbackData, prefix="pv"):
    product_id: int
    category_id: int
    page: int


class OrderCb(CallbackData, prefix="od"):
    code: str


class OrdersPageCb(CallbackData, prefix="ol"):
    page: int


class CancelOrderCb(CallbackData, prefix="oc"):
    code: str
    confirmed: bool


class PayOrderCb(CallbackData, prefix="op"):
    code: str


class PickStartCb(CallbackData, prefix="ps"):
    method: str
    warehouse: int = 0  # its id; 0: the picker's own (or the only) warehouse
    zone: str = ""


class PickWarehouseCb(CallbackData, prefix="pwh"):
    warehouse: int


class PickShortCb(CallbackData, prefix="pshort"):
    line_id: int


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
    stars: int


class PoCb(CallbackData, prefix="po"):
    number: int
    action: str  # view, approve, discard


class ReturnStartCb(CallbackData, prefix="rs"):
    code: str
    kind: str  # refund, exchange


class ReturnLineCb(CallbackData, prefix="rl"):
    line_id: int  # 0: done choosing


class ReturnReasonCb(CallbackData, prefix="rr"):
    reason: str


class ReturnMethodCb(CallbackData, prefix="rm"):
    method: str  # drop_off, courier; "photos_done" ends the photos step


class RmaCb(CallbackData, prefix="rma"):
    rma: str
    action: str  # approve, reject, received, restock, writeoff, resolve
    line_id: int = 0
