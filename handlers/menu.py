"""The main menu (reply keyboard) and the command list shown in Telegram's menu."""

from __future__ import annotations

from aiogram.types import BotCommand, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

CATALOG_BUTTON = __("🛍 Catalog")
CART_BUTTON = __("🛒 Cart")
ORDERS_BUTTON = __("📦 My orders")
LANGUAGE_BUTTON = __("🌐 Language")
HELP_BUTTON = __("❓ Help")


def main_menu() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=str(CATALOG_BUTTON)), KeyboardButton(text=str(CART_BUTTON))],
            [KeyboardButton(text=str(ORDERS_BUTTON))],
            [KeyboardButton(text=str(LANGUAGE_BUTTON)), KeyboardButton(text=str(HELP_BUTTON))],
        ],
        resize_keyboard=True,
        input_field_placeholder=_("Search the catalog or pick from the menu"),
    )


def customer_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Main menu")),
        BotCommand(command="catalog", description=_("Browse the catalog")),
        BotCommand(command="search", description=_("Find a product by name, SKU or barcode")),
        BotCommand(command="cart", description=_("Your cart")),
        BotCommand(command="checkout", description=_("Place the order")),
        BotCommand(command="orders", description=_("Your orders and their status")),
        BotCommand(command="language", description=_("Change language")),
        BotCommand(command="help", description=_("How to use this bot")),
    ]
