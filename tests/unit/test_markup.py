"""Buttons and keyboards made without validation are aiogram's validated ones, as objects and as sent."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import make_i18n
from bot.telegram_session import JsonBodySession, request_body
from domain.cart import Cart, CartLine
from domain.catalog import Product
from domain.money import Money
from domain.pricing import OrderingTerms
from domain.usecases.product_cards import ProductCard
from domain.variants import OptionChoice, OptionRow
from handlers.callbacks import (
    BuyNowCb,
    CartChange,
    CartLineName,
    CategoryPageCb,
    NotifyMe,
    ProductCb,
    StartCheckout,
    VariantCb,
    shorten,
)
from handlers.cart import cart_keyboard
from handlers.catalog import OPTIONS_PER_ROW, VALUES_SHOWN, option_buttons
from handlers.views.markup import NUMBER_MAX, callback_button, inline_keyboard, packed, packed_each

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
        (
            (CartChange, 7, 0, 6, "card", 2, 5),
            CartChange(product_id=7, expected=0, quantity=6, view="card", page=2, category_id=5),
        ),
        ((CategoryPageCb, 5, 2, 0, 0), CategoryPageCb(category_id=5, page=2)),
        ((NotifyMe, 9, 5, 2), NotifyMe(product_id=9, category_id=5, page=2)),
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


@pytest.mark.parametrize(
    ("kind", "rest"),
    [
        (VariantCb, (3, 4)),
        (VariantCb, (0, 0)),
        (CartChange, (0, 6, "card", 0, 0)),
        (NotifyMe, (0, 0)),
        (ProductCb, (NUMBER_MAX, 99)),
    ],
)
def test_data_packed_for_each_of_many_ids_is_what_packing_each_gives(
    kind: type[CallbackData], rest: tuple[Any, ...]
) -> None:
    ids = [0, 7, 12345, NUMBER_MAX]
    assert packed_each(kind, ids, *rest) == [packed(kind, pid, *rest) for pid in ids]


@pytest.mark.parametrize(
    ("leading", "rest"),
    [([-1], (0, 0)), ([NUMBER_MAX + 1], (0, 0)), ([True], (0, 0)), ([1.0], (0, 0)), ([1], (0,)), ([1], (-1, 0))],
)
def test_packing_for_each_refuses_what_packing_each_refuses(leading: list[Any], rest: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        packed_each(VariantCb, leading, *rest)


def test_the_cart_keyboard_is_the_one_aiogram_s_builder_makes() -> None:
    shirt = Product(sku="TS-M", name="T-shirt <b>M</b> " + "x" * 40, category="Tops", id=7)
    bolts = Product(sku="B-10", name="Bolts", category="Hardware", id=NUMBER_MAX)
    cart = Cart(
        lines=[
            CartLine(shirt, 2, 2, Money(1500, "GBP"), None),
            CartLine(bolts, 20, 20, Money(10, "GBP"), None, terms=OrderingTerms(minimum=10, pack=10)),
        ],
        currency="GBP",
    )
    builder = InlineKeyboardBuilder()
    for line, less, more in ((cart.lines[0], 1, 3), (cart.lines[1], 10, 30)):
        pid, qty = line.product.id or 0, line.quantity
        name = CartLineName(product_id=pid, page=0)
        builder.button(text=f"{shorten(line.product.display_name, 32)} ×{qty}", callback_data=name)
        short = shorten(line.product.display_name, 12)
        builder.button(
            text=f"➖ {short}",
            callback_data=CartChange(product_id=pid, expected=qty, quantity=less, view="cart", page=0, category_id=0),
        )
        builder.button(
            text=f"➕ {short}",
            callback_data=CartChange(product_id=pid, expected=qty, quantity=more, view="cart", page=0, category_id=0),
        )
        builder.button(
            text=f"🗑 {short}",
            callback_data=CartChange(product_id=pid, expected=qty, quantity=0, view="cart", page=0, category_id=0),
        )
    builder.button(text="✅ Checkout", callback_data=StartCheckout())
    builder.adjust(4, 4, 1)
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        made = cart_keyboard(cart)
    assert made is not None
    same(made, builder.as_markup())
    for row in made.inline_keyboard:
        for button in row:
            same(button, InlineKeyboardButton(text=button.text, callback_data=button.callback_data))


@pytest.mark.parametrize(
    ("sent", "understood"),
    [
        ("cq:1:1:2:cart", CartChange(product_id=1, expected=1, quantity=2, view="cart", page=0, category_id=0)),
        ("cq:1:0:1:card:0", CartChange(product_id=1, expected=0, quantity=1, view="card", page=0, category_id=0)),
        ("cq:1:1:2:cart:3", CartChange(product_id=1, expected=1, quantity=2, view="cart", page=3, category_id=0)),
        ("nm:9", NotifyMe(product_id=9, category_id=0, page=0)),
    ],
)
def test_a_button_sent_before_cards_kept_their_way_back_is_still_understood(
    sent: str, understood: CallbackData
) -> None:
    """A card or cart on a customer's screen across the deploy: its press works, the card just has no way back."""
    assert type(understood).unpack(sent) == understood


def test_packing_for_each_refuses_a_true_where_a_one_was_packed_before() -> None:
    assert packed_each(VariantCb, [5], 1, 0) == ["vr:5:1:0"]
    with pytest.raises(ValueError):
        packed_each(VariantCb, [5], True, 0)  # equal to 1 and hashed alike, yet not a Number


def test_a_card_s_option_buttons_are_the_validated_buttons_around_the_chosen_value() -> None:
    choices = tuple(OptionChoice(f"Shade {n}", 100 + n, n == 40, n % 7 == 0) for n in range(60))
    card = ProductCard(
        Product(sku="RING-40", name="Ring", category="Rings", id=140), None, 0, options=(OptionRow("Shade", choices),)
    )
    rows = option_buttons(card, 3, 2)
    shown = [b for row in rows for b in row]
    assert [len(row) for row in rows] == [OPTIONS_PER_ROW] * (VALUES_SHOWN // OPTIONS_PER_ROW)
    first, last = choices[40 - VALUES_SHOWN // 2], choices[40 + VALUES_SHOWN // 2 - 1]
    expected = [
        InlineKeyboardButton(
            text=("◀ " if c is first else "")
            + ("✔ " if c.chosen else "")
            + shorten(c.value, 20)
            + (" ✖" if c.sold_out else "")
            + (" ▶" if c is last else ""),
            callback_data=VariantCb(product_id=c.product_id, category_id=3, page=2).pack(),
        )
        for c in choices[40 - VALUES_SHOWN // 2 : 40 + VALUES_SHOWN // 2]
    ]
    for made, validated in zip(shown, expected, strict=True):
        same(made, validated)
