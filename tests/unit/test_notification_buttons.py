"""Buttons under notifications: one reason for a button never hides another's."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from handlers.views.notification_buttons import buttons_for


def test_pay_the_difference_comes_with_the_credit_note_the_same_edit_issued(i18n: I18n) -> None:
    params = {"code": "BCDFGHJK", "charge_minor": 150, "credit_notes": [("QRSTVWXZ", 3)]}
    markup = buttons_for("order_edited", params)
    assert isinstance(markup, InlineKeyboardMarkup)
    texts = [[button.text for button in row] for row in markup.inline_keyboard]
    assert texts == [["💳 Pay the difference"], ["📄 Credit note CN-000003 (PDF)"]]


def test_pay_the_difference_alone_when_no_credit_note_was_issued(i18n: I18n) -> None:
    markup = buttons_for("order_edited", {"code": "BCDFGHJK", "charge_minor": 150, "credit_notes": []})
    assert isinstance(markup, InlineKeyboardMarkup)
    assert [[button.text for button in row] for row in markup.inline_keyboard] == [["💳 Pay the difference"]]
