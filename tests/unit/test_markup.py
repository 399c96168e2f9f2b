"""Buttons and keyboards made without validation are aiogram's validated ones, as objects and as sent."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.telegram_session import JsonBodySession, request_body
from handlers.callbacks import BuyNowCb, CartChange, CategoryPageCb, NotifyMe, ProductCb, VariantCb
from handlers.views.markup import NUMBER_MAX, callback_button, inline_keyboard, packed

BOT = Bot("123456:TEST")


def same(made: Any, validated: Any) -> None:
    assert made == validated
    assert type(made) is type(validated)
    assert made.model_dump() == validated.model_dump()
    assert made.model_fields_set == validated.model_fields_set
    assert made.__pydantic_extra__ == validated.__pydantic_extra__
    assert made.__pydantic_private__ == validated.__pydantic_private__


def test_a_button_made_fast_is_the_validated_button() -> None:
    same(callback_button("✔ M ✖", "vr:12:3:0"), InlineKeyboardButton(text="✔ M ✖", callback_data="vr:12:3:0"))


def test_a_keyboard_made_fast_is_the_validated_keyboard_and_is_sent_the_same() -> None:
    rows = [[callback_button(s, f"vr:{n}:0:0") for n, s in enumerate(["S", "M", "L", "XL"])]]
    rows.append([InlineKeyboardButton(text="🛍 Open in shop", web_app=WebAppInfo(url="https://x.example/app"))])
    validated = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in rows[0]], rows[1]]
    )
    made = inline_keyboard(rows)
    same(made, validated)
    session = JsonBodySession()
    fast = request_body(session, BOT, SendMessage(chat_id=1, text="card", reply_markup=made), {})
    slow = request_body(session, BOT, SendMessage(chat_id=1, text="card", reply_markup=validated), {})
    assert fast == slow
    assert fast["reply_markup"] == session.prepare_value(validated, bot=BOT, files={}, _dumps_json=False)


def test_anything_but_a_str_label_or_data_is_validated_as_before() -> None:
    with pytest.raises(ValueError):
        callback_button(5, "cq:1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        inline_keyboard([["not a button"]])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("made", "validated"),
    [
        ((VariantCb, 12, 3, 4), VariantCb(product_id=12, category_id=3, page=4)),
        ((ProductCb, NUMBER_MAX, 0, 0), ProductCb(product_id=NUMBER_MAX, category_id=0, page=0)),
        ((CartChange, 7, 0, 6, "card"), CartChange(product_id=7, expected=0, quantity=6, view="card")),
        ((CategoryPageCb, 5, 2, 0, 0), CategoryPageCb(category_id=5, page=2)),
        ((NotifyMe, 9), NotifyMe(product_id=9)),
        ((BuyNowCb, 9), BuyNowCb(product_id=9)),
    ],
)
def test_callback_data_packed_fast_is_what_pack_gives(made: tuple[Any, ...], validated: CallbackData) -> None:
    kind, *values = made
    assert packed(kind, *values) == validated.pack()
    assert type(validated).unpack(packed(kind, *values)) == validated


@pytest.mark.parametrize(
    "values", [(-1, 0, 0), (NUMBER_MAX + 1, 0, 0), (1, 0), (1, 0, 0, 0), (1.0, 0, 0), (True, 0, 0), ("a:b", 0, 0)]
)
def test_packing_refuses_what_the_callback_data_would_not_take(values: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        packed(VariantCb, *values)
