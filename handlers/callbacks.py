"""Typed callback data: the customer's buttons' factories, and the field types all factories take
(staff's buttons are in ``handlers/callbacks_staff.py``). Ids, numbers and short codes only: a
packed value is at most 64 bytes (tests/unit/test_callbacks.py proves it at each field's largest
value, and that prefixes are unique).

Fields are typed as narrowly as they are read (a count, a choice among codes): data a
button never carried (a stale build, a modified client) fails to unpack, so no handler
takes it and the press is answered as out of date."""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import Field

from domain.orders import DeliveryMethod, PaymentMethod
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.shortages import ShortChoice
from handlers.views.markup import callback_button, inline_keyboard
from handlers.views.rendering import shorten as shorten_text

Number = Annotated[int, Field(ge=0, le=2**31 - 1)]  # an id, a page, a count: what a database column holds
# What the shop itself makes up (order and RMA codes, zones, currency and language codes, an
# action's name, a checkout's key): ASCII, so a character is a byte; as long as its column allows.
Code = Annotated[str, Field(max_length=16, pattern=r"^[0-9A-Za-z_-]*$")]
Page = Annotated[int, Field(ge=0, le=99)]  # a page of a screen's lines, where a Number would not fit

BUTTON_TEXT_LIMIT = 60  # longer button labels are cut off by Telegram clients anyway


def shorten(text: str, limit: int = BUTTON_TEXT_LIMIT) -> str:
    """``text`` on one line of at most ``limit`` characters, cut between words with "…"."""
    return shorten_text(" ".join(text.split()), limit)


def pickup_label(name: str, address: str) -> str:
    """A pickup point as the chat names it (staff-set text, of any length): its name and address, shortened."""
    return shorten(f"{name}, {address}" if address else name)


def shorten_name(name: str, limit: int) -> str:
    """A line's name on a button: a trailing "(M / Navy)" (a variant) kept whole where it fits in
    half the room, the rest cut, so two sizes of one long-named product read apart."""
    head, _, tail = " ".join(name.split()).rpartition(" (")
    if len(name) <= limit or not head or not tail.endswith(")") or len(tail) + 2 > limit // 2:
        return shorten(name, limit)
    return f"{shorten(head, limit - len(tail) - 2)} ({tail}"


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    """An inline button that sends ``data`` back."""
    return callback_button(text, data.pack())


def rows_of(*buttons: tuple[str, CallbackData], width: int = 1) -> InlineKeyboardMarkup:
    """Buttons laid out ``width`` to a row. Built directly: aiogram's InlineKeyboardBuilder
    deep-copies every button on the way, and checkout steps send one per update."""
    made = [button(text, data) for text, data in buttons]
    return inline_keyboard([made[i : i + width] for i in range(0, len(made), width)])


class CartChange(CallbackData, prefix="cq"):
    """Set a product's cart quantity from ``expected`` to ``quantity`` (0 removes)."""

    product_id: Number
    expected: Number
    quantity: Number
    view: Literal["card", "cart"]  # which screen to redraw
    page: Number  # the cart's page the button was on; on a card, the category's page it was opened from
    category_id: Number  # on a card, the category it was opened from (0: none), so its way back is kept

    @classmethod
    def unpack(cls, value: str) -> CartChange:
        """A button sent before carts were paged has no page (it was on the first and only one), and
        one sent before cards kept their way back no category: an open cart's ➖ ➕ 🗑 and an old
        card's keep working across the deploys that added them."""
        missing = len(cls.model_fields) - value.count(cls.__separator__)
        if 0 < missing <= 2:
            value += (cls.__separator__ + "0") * missing
        return super().unpack(value)


class CartView(CallbackData, prefix="cv"):
    pass


class CartLineName(CallbackData, prefix="cln"):
    """A cart line's name: the cart shown; the line gone from it since (🗑 elsewhere, checkout), said so."""

    product_id: Number
    page: Number


class CartPage(CallbackData, prefix="ck"):
    """Another page of the /cart screen, drawn when the cart had ``lines`` different products."""

    page: Number
    lines: Number


class NotifyMe(CallbackData, prefix="nm"):
    """Ask for a back-in-stock message; the card's category and page, to redraw it with its way back."""

    product_id: Number
    category_id: Number
    page: Number

    @classmethod
    def unpack(cls, value: str) -> NotifyMe:
        """A button sent before cards kept their way back carries the product alone."""
        if value.count(cls.__separator__) == 1:
            value += (cls.__separator__ + "0") * 2
        return super().unpack(value)


class StartCheckout(CallbackData, prefix="co"):
    pass


class ProductCb(CallbackData, prefix="pv"):
    product_id: Number
    category_id: Number
    page: Number


class VariantCb(CallbackData, prefix="vr"):
    """Choose another variant of the card's parent: the card is redrawn with it."""

    product_id: Number
    category_id: Number
    page: Number


class OrderCb(CallbackData, prefix="od"):
    code: Code


class OrdersPageCb(CallbackData, prefix="ol"):
    page: Number


class CancelOrderCb(CallbackData, prefix="oc"):
    code: Code
    confirmed: bool


class BuyAgainCb(CallbackData, prefix="ba"):
    """Put a past order's lines in the cart again."""

    code: Code


class PayOrderCb(CallbackData, prefix="op"):
    code: Code


class EditOrderCb(CallbackData, prefix="oe"):
    """The customer's edit screen of an order."""

    code: Code


class EditLineCb(CallbackData, prefix="oel"):
    """Set a line's quantity (0 removes it) on the order as it was at ``version``."""

    code: Code
    version: Number
    product_id: Number
    quantity: Number
    staff: bool  # pressed on a staff member's /edit screen
    page: Page = 0  # the screen's page of lines, shown again after the change


class EditPageCb(CallbackData, prefix="oeg"):
    """A page of an order's edit screen (a business order's 100 lines are 300 buttons)."""

    code: Code
    page: Page
    staff: bool


class EditAddressCb(CallbackData, prefix="oea"):
    code: Code
    version: Number


class EditAddCb(CallbackData, prefix="oen"):
    """Add a product to the order as it was at ``version`` (``product_id`` 0: ask which);
    ``quantity`` is the line's new quantity (what is on the order plus what is added)."""

    code: Code
    version: Number
    product_id: Number
    quantity: Number
    staff: bool  # on a staff member's /edit screen


class EditPickupCb(CallbackData, prefix="oep"):
    """Collect the order at a pickup point instead (``warehouse_id`` 0: choose one first)."""

    code: Code
    version: Number
    warehouse_id: Number


class PayDifferenceCb(CallbackData, prefix="opd"):
    code: Code


class DocumentCb(CallbackData, prefix="doc"):
    code: Code
    kind: Code  # label, slip, receipt, or a credit/debit note's: CREDIT_NOTE_KIND or DEBIT_NOTE_KIND and its number


CREDIT_NOTE_KIND = "cn"
DEBIT_NOTE_KIND = "dn"
NOTE_KINDS = (CREDIT_NOTE_KIND, DEBIT_NOTE_KIND)  # the buyer's own documents, as the receipt is


class RateCb(CallbackData, prefix="rt"):
    code: Code
    stars: Number


class ReturnStartCb(CallbackData, prefix="rs"):
    code: Code
    kind: ReturnKind


class ReturnLineCb(CallbackData, prefix="rl"):
    line_id: Number  # 0: done choosing


class ReturnLinesPageCb(CallbackData, prefix="rlp"):
    """A page of the lines a return may take (an order of 100 lines is 100 buttons)."""

    page: Page


class ReturnSwapCb(CallbackData, prefix="rw"):
    """An exchange's line: the variant wanted instead (0: the same again)."""

    line_id: Number
    product_id: Number


class ReturnSwapPageCb(CallbackData, prefix="rwp"):
    """A page of the variants an exchange's line may be swapped to."""

    line_id: Number
    page: Number


class ReturnReasonCb(CallbackData, prefix="rr"):
    reason: ReturnReason


class ReturnMethodCb(CallbackData, prefix="rm"):
    method: ReturnMethod | Literal["photos_done"]  # "photos_done" ends the photos step


class CategoryList(CallbackData, prefix="cats"):
    pass


class CategoryPageCb(CallbackData, prefix="cp"):
    """A category's page; category 0 is the top of the catalog. ``after``/``before``: the
    product the page starts after (Next) or ends before (Previous), 0 when not known."""

    category_id: Number
    page: Number
    after: Number = 0
    before: Number = 0


class SearchPageCb(CallbackData, prefix="sp"):
    """A page of the last search: the text stays in the conversation's data (it would not fit
    in 64 bytes); ``key`` tells a button of an older search from the current one."""

    page: Number
    key: Code


class LanguageChoice(CallbackData, prefix="lang"):
    code: Code


class CurrencyChoice(CallbackData, prefix="cur"):
    code: Code


class PolicyChoice(CallbackData, prefix="pol"):
    kind: Literal["returns", "delivery", "privacy"]


# ------------------------------------------------------------------ checkout's steps
class DeliveryChoice(CallbackData, prefix="cd"):
    method: DeliveryMethod


class SavedAddress(CallbackData, prefix="ca"):
    index: Number


class ForgetAddress(CallbackData, prefix="caf"):
    """At the address step: 0 lists the saved addresses offered, to forget one; an id forgets it."""

    address_id: Number = 0
    back: Number = 0  # 1: back to the address step, nothing forgotten


class PickupChoice(CallbackData, prefix="cp2"):
    warehouse_id: Number


class ShippingChoice(CallbackData, prefix="cs"):
    rate_id: Number


class PaymentChoice(CallbackData, prefix="cm"):
    method: PaymentMethod


class Confirm(CallbackData, prefix="cc"):
    key: Code


class GiftChoice(CallbackData, prefix="cg"):
    key: Code


class PromoAsk(CallbackData, prefix="prm"):
    """At review: type a promo code (the review's checkout key: an old review's button is dead)."""

    key: Code


class PoNumberAsk(CallbackData, prefix="pon"):
    """At review, for a business: type their purchase order number (or /skip to leave none)."""

    key: Code


class PoEditCb(CallbackData, prefix="poe"):
    """Correct a placed order's PO number: its buyer from the order's screen (``staff`` 0), staff from /order (1)."""

    code: Code
    staff: Number


class PromoDrop(CallbackData, prefix="prx"):
    """At review: go on without the promo code."""

    key: Code


class ContactCb(CallbackData, prefix="sc"):
    """ "Contact us": the order the customer came from ("" for none)."""

    code: Code


class SupportRateCb(CallbackData, prefix="sr"):
    conversation_id: Number
    stars: Annotated[int, Field(ge=1, le=5)]


class SearchInsteadCb(CallbackData, prefix="ssi"):
    """The customer's message that went to support: search the catalog for it instead."""

    message_id: Number


class AskPersonCb(CallbackData, prefix="sap"):
    """The customer's message that was searched: send it to a person instead."""

    message_id: Number


class BackorderListCb(CallbackData, prefix="bol"):
    """An order's parts still waiting for stock, with a cancel button each."""

    code: Code


class BackorderCancelCb(CallbackData, prefix="boc"):
    backorder_id: Number
    confirmed: bool


class BackorderSplitCb(CallbackData, prefix="bos"):
    """The customer's choice for an order with a waiting part: what is there now, or all together."""

    code: Code
    ship_now: bool


class ShortChoiceCb(CallbackData, prefix="shc"):
    """The customer's answer to a short pick: ``split``, ``wait`` or ``cancel``."""

    code: Code
    choice: ShortChoice


class BuyNowCb(CallbackData, prefix="bn"):
    """ "Buy now" on a product card: one unit, paid in Telegram's form with the address."""

    product_id: Number


class UnsubscribeCb(CallbackData, prefix="uns"):
    """Under every campaign message: no more campaigns (0: a manager's test)."""

    campaign_id: Number
