"""Buttons that go with some notifications (rendered in the recipient's language, like
the text): back to the cart from a reminder, stars under a follow-up, the main menu back
after an order is placed (the checkout's last step), a campaign's product link and unsubscribe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.campaigns import link_payload
from domain.credit_notes import credit_note_label
from domain.debit_notes import debit_note_label
from domain.shortages import ShortChoice
from handlers.callbacks import (
    CREDIT_NOTE_KIND,
    DEBIT_NOTE_KIND,
    CartView,
    ContactCb,
    DocumentCb,
    PayDifferenceCb,
    RateCb,
    ShortChoiceCb,
    SupportRateCb,
    UnsubscribeCb,
)
from handlers.callbacks_staff import PoCb
from handlers.menu import main_menu


def buttons_for(template: str, params: dict[str, Any]) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if template == "campaign":
        return campaign_buttons(params)
    if template == "order_placed":
        return main_menu()
    if template == "order_edited" and params.get("charge_minor"):
        pay = PayDifferenceCb(code=str(params["code"])).pack()
        rows = [[InlineKeyboardButton(text=_("💳 Pay the difference"), callback_data=pay)]]
        if notes := params.get("credit_notes"):  # the same edit gave back on another order (an exchange's)
            rows += credit_note_buttons([(str(code), int(number)) for code, number in notes]).inline_keyboard
        return InlineKeyboardMarkup(inline_keyboard=rows)
    if template == "return_update" and params.get("charge_minor") and params.get("payment") == "card":
        # A size swap that costs more: the replacement's difference, paid as an edit's is.
        pay = PayDifferenceCb(code=str(params.get("replacement", ""))).pack()
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=_("💳 Pay the difference"), callback_data=pay)]]
        )
    if template in ("order_goodwill", "return_update") and params.get("credit_note"):
        return credit_note_button(str(params["code"]), int(params["credit_note"]))
    if notes := params.get("credit_notes"):  # money owed back (a cancel, an edit, a short pick, an exchange)
        return credit_note_buttons([(str(code), int(number)) for code, number in notes])
    if notes := params.get("debit_notes"):  # an issued invoice's rise (an edit)
        return debit_note_buttons([(str(code), int(number)) for code, number in notes])
    if template == "order_short":
        return short_buttons(str(params["code"]), list(params.get("choices", [])))
    if template in ("cart_reminder", "cart_count_short"):
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=_("🛒 Open my cart"), callback_data=CartView().pack())]]
        )
    if template == "order_followup":
        stars = [
            InlineKeyboardButton(text=f"{n}⭐", callback_data=RateCb(code=params["code"], stars=n).pack())
            for n in range(1, 6)
        ]
        return InlineKeyboardMarkup(inline_keyboard=[stars])
    if template == "support_closed":
        stars = [
            InlineKeyboardButton(
                text=f"{n}⭐", callback_data=SupportRateCb(conversation_id=params["conversation_id"], stars=n).pack()
            )
            for n in range(1, 6)
        ]
        return InlineKeyboardMarkup(inline_keyboard=[stars])
    if template == "return_update" and params.get("status") == "rejected":
        contact = ContactCb(code=str(params.get("code", ""))).pack()
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=_("💬 Contact us"), callback_data=contact)]]
        )
    if template == "payment_link":
        link = InlineKeyboardButton(text=_("💳 Pay"), url=str(params["url"]))
        return InlineKeyboardMarkup(inline_keyboard=[[link]])
    if template == "payment_duplicate":
        contact = ContactCb(code=str(params.get("code", ""))).pack()
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=_("💬 Contact us"), callback_data=contact)]]
        )
    if template == "staff_po_draft":
        number = int(params["number"])
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("✅ Approve"), callback_data=PoCb(number=number, action="approve").pack()
                    ),
                    InlineKeyboardButton(text=_("✏️ Edit"), callback_data=PoCb(number=number, action="view").pack()),
                    InlineKeyboardButton(
                        text=_("🗑 Discard"), callback_data=PoCb(number=number, action="discard").pack()
                    ),
                ]
            ]
        )
    return None


def campaign_buttons(params: dict[str, Any]) -> InlineKeyboardMarkup:
    """The product's deep link (a click counted for the campaign) and the way out."""
    campaign_id = int(params.get("campaign_id") or 0)
    rows = []
    if params.get("product_id") and params.get("bot"):
        link = f"https://t.me/{params['bot']}?start={link_payload(campaign_id, int(params['product_id']))}"
        rows.append([InlineKeyboardButton(text=_("🛍 See it in the shop"), url=link)])
    unsubscribe = UnsubscribeCb(campaign_id=campaign_id).pack()
    rows.append([InlineKeyboardButton(text=_("🔕 Unsubscribe from news"), callback_data=unsubscribe)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def short_buttons(code: str, choices: list[str]) -> InlineKeyboardMarkup:
    """A short pick's three answers (no split for an order collected whole)."""
    labels = {
        ShortChoice.SPLIT: _("🚚 Send what is here now, the rest later"),
        ShortChoice.WAIT: _("⏳ Wait and send it all together"),
        ShortChoice.CANCEL: _("✖ Cancel the missing part"),
    }
    rows = [
        [InlineKeyboardButton(text=text, callback_data=ShortChoiceCb(code=code, choice=choice).pack())]
        for choice, text in labels.items()
        if choice.value in choices
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def credit_note_button(code: str, number: int) -> InlineKeyboardMarkup:
    """The refund's credit note, as a PDF, for the buyer's accountant: pressed again any time."""
    return credit_note_buttons([(code, number)])


def debit_note_buttons(notes: list[tuple[str, int]]) -> InlineKeyboardMarkup:
    """One row per debit note (order code, number): what an issued invoice rose by, for the buyer's accountant."""
    return _note_buttons(
        notes, DEBIT_NOTE_KIND, lambda n: _("📄 Debit note {number} (PDF)").format(number=debit_note_label(n))
    )


def credit_note_buttons(notes: list[tuple[str, int]]) -> InlineKeyboardMarkup:
    """One row per credit note (order code, number): a cancelled replacement's own and its exchange's."""
    return _note_buttons(
        notes, CREDIT_NOTE_KIND, lambda n: _("📄 Credit note {number} (PDF)").format(number=credit_note_label(n))
    )


def _note_buttons(notes: list[tuple[str, int]], kind: str, text: Callable[[int], str]) -> InlineKeyboardMarkup:
    rows = []
    for code, number in notes:
        data = DocumentCb(code=code, kind=f"{kind}{number}").pack()
        rows.append([InlineKeyboardButton(text=text(number), callback_data=data)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
