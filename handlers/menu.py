"""The main menu (reply keyboard) and the command lists shown in Telegram's menu: one list per
language for customers, and for each staff member a list of their own (scoped to their chat)
with the commands their role allows."""

from __future__ import annotations

from functools import lru_cache

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from domain.customers import StaffMember
from domain.i18n import N_
from domain.staff import Permission, can

CATALOG_BUTTON = __("🛍 Catalog")
CART_BUTTON = __("🛒 Cart")
ORDERS_BUTTON = __("📦 My orders")
LANGUAGE_BUTTON = __("🌐 Language")
HELP_BUTTON = __("❓ Help")
CONTACT_BUTTON = __("💬 Contact us")


def main_menu() -> ReplyKeyboardMarkup:
    labels = (CATALOG_BUTTON, CART_BUTTON, ORDERS_BUTTON, CONTACT_BUTTON, LANGUAGE_BUTTON, HELP_BUTTON)
    return _menu_in(*(str(label) for label in labels), _("Search the catalog or pick from the menu"))


@lru_cache(maxsize=16)
def _menu_in(
    catalog: str, cart: str, orders: str, contact: str, language: str, help_: str, placeholder: str
) -> ReplyKeyboardMarkup:
    """One keyboard per language, built once: it follows every finished conversation (a
    checkout's last step among them). Nothing changes a markup once built."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=catalog), KeyboardButton(text=cart)],
            [KeyboardButton(text=orders), KeyboardButton(text=contact)],
            [KeyboardButton(text=language), KeyboardButton(text=help_)],
        ],
        resize_keyboard=True,
        input_field_placeholder=placeholder,
    )


# Commands for everyone: the menu lists these (in this order) ...
CUSTOMER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("catalog", N_("Browse the catalog")),
    ("search", N_("Find a product by name, SKU or barcode")),
    ("cart", N_("Your cart")),
    ("checkout", N_("Place the order")),
    ("orders", N_("Your orders and their status")),
    ("language", N_("Change language")),
    ("currency", N_("Change the currency of prices")),
    ("policies", N_("Returns, delivery and privacy")),
    ("support", N_("Write to a person at the shop")),
    ("help", N_("How to use this bot")),
)
# ... and these it does not (typed from a hint, a step of a conversation, or a product code;
# /whoami and /chatid from the README's set-up walkthrough).
CUSTOMER_COMMANDS_OFF_MENU = frozenset(
    # /shop: the menu button; /promo: at the checkout review; /statement, /taxnumber: for business customers (/help);
    # /unsubscribe, /subscribe: under campaign messages
    {
        "add",
        "track",
        "receipt",
        "return",
        "skip",
        "cancel",
        "whoami",
        "chatid",
        "shop",
        "promo",
        "statement",
        "taxnumber",
        "unsubscribe",
        "subscribe",
    }
)


def customer_commands() -> list[BotCommand]:
    return [BotCommand(command=name, description=_(description)) for name, description in CUSTOMER_COMMANDS]


# Every staff command and the permission it needs: the one table behind a member's menu and
# /help (only what they may use), the role check before any handler runs (``StaffGate``), and
# the role × command test. A command a router handles that is neither here nor a customer
# command fails that test.
STAFF_COMMANDS: tuple[tuple[str, Permission, str], ...] = (
    ("staff", Permission.MANAGE_STAFF, N_("Staff and their roles")),
    ("invite", Permission.MANAGE_STAFF, N_("Invite a staff member")),
    ("settings", Permission.MANAGE_SHOP, N_("The shop's name, contacts and policies")),
    ("role", Permission.MANAGE_STAFF, N_("Change a staff member's role")),
    ("revoke", Permission.MANAGE_STAFF, N_("Remove a staff member")),
    ("stock", Permission.VIEW_STOCK, N_("Stock per warehouse and bin")),
    ("receive", Permission.EDIT_STOCK, N_("Receive goods into a bin")),
    ("adjust", Permission.EDIT_STOCK, N_("Correct stock, with a reason")),
    ("count", Permission.EDIT_STOCK, N_("Count a bin (stocktake) and record what differs")),
    ("move", Permission.EDIT_STOCK, N_("Move stock between bins")),
    ("transfer", Permission.EDIT_STOCK, N_("Transfer stock to another warehouse")),
    ("lowstock", Permission.VIEW_STOCK, N_("Products at or under their reorder point")),
    ("reorder", Permission.EDIT_STOCK, N_("Set a reorder point")),
    ("product", Permission.MANAGE_CATALOG, N_("A product: see and edit every field, photos, status, history")),
    ("newproduct", Permission.MANAGE_CATALOG, N_("Add a product step by step")),
    ("backorder", Permission.MANAGE_CATALOG, N_("Backorders and preorders of a product")),
    ("import", Permission.EDIT_STOCK, N_("Import a CSV file: products, stock, …")),
    ("po", Permission.PURCHASING, N_("Purchase orders")),
    ("queue", Permission.VIEW_ORDERS, N_("Orders to fulfil, by priority")),
    ("order", Permission.VIEW_ORDERS, N_("An order in full")),
    ("edit", Permission.EDIT_ORDERS, N_("Change an order before picking: lines, address, delivery")),
    (
        "cancelorder",
        Permission.EDIT_ORDERS,
        N_("Cancel an order for its customer before picking (a manager: also mid-pick or on hold after a short pick)"),
    ),
    ("reviews", Permission.VIEW_ORDERS, N_("Latest ratings and reviews")),
    ("dashboard", Permission.VIEW_ORDERS, N_("Live dashboard (Mini App, or a browser sign-in link)")),
    ("pick", Permission.PICK, N_("Start or continue picking")),
    ("pack", Permission.PACK, N_("Pack an order")),
    ("short", Permission.PACK, N_("Report an item missing at packing")),
    ("ship", Permission.SHIP, N_("Ship an order, or one parcel of it, with tracking")),
    ("delivered", Permission.SHIP, N_("Mark an order (or a parcel, by tracking) delivered")),
    ("handover", Permission.HANDOVER, N_("Hand a pickup order over by its pickup code")),
    ("returns", Permission.RETURNS, N_("Open returns")),
    ("rma", Permission.RETURNS, N_("A return in full")),
    ("conversations", Permission.SUPPORT, N_("Open support conversations, unanswered first")),
    ("refund", Permission.RETURNS, N_("A goodwill refund: money back on an order without a return")),
    ("customer", Permission.VIEW_CUSTOMERS, N_("A customer: profile, orders, figures")),
    ("top", Permission.MANAGE_CUSTOMERS, N_("The most valuable customers")),
    ("vip", Permission.MANAGE_CUSTOMERS, N_("Mark a customer VIP or not")),
    ("paid", Permission.RECORD_PAYMENTS, N_("Record an invoice as paid")),
    ("refunds", Permission.RECORD_PAYMENTS, N_("Refunds owed to customers, to pay back")),
    ("journal", Permission.RECORD_PAYMENTS, N_("The accounting journal as CSV")),
    ("trial", Permission.RECORD_PAYMENTS, N_("Trial balance")),
    ("ar", Permission.RECORD_PAYMENTS, N_("Receivables aging")),
    ("ap", Permission.RECORD_PAYMENTS, N_("Owed to suppliers")),
    ("fx", Permission.VIEW_ORDERS, N_("Exchange rates: see or set")),
    ("pricelist", Permission.SET_PRICES, N_("Price lists per customer group")),
    ("forecast", Permission.PURCHASING, N_("Demand forecast and suggested reorder point")),
    ("report", Permission.REPORTS, N_("Sales report with a chart: today, week, month")),
    ("stockvalue", Permission.REPORTS, N_("Stock value per warehouse")),
    ("slow", Permission.REPORTS, N_("Slow movers: stock that does not sell")),
    ("assist", Permission.ASSIST, N_("Order on behalf of a customer")),
    ("assist_end", Permission.ASSIST, N_("Stop ordering for a customer")),
    ("close", Permission.SUPPORT, N_("End a support conversation (in its topic)")),
    ("paylink", Permission.PAYMENT_LINKS, N_("Send a customer a link to pay an order")),
    ("promotion", Permission.MANAGE_PROMOTIONS, N_("Promotions: list, create, end")),
    ("promocode", Permission.MANAGE_PROMOTIONS, N_("Promo codes: list, create, end")),
    ("campaign", Permission.MARKETING, N_("Campaigns: write one to a segment, see reports")),
)
STAFF_PERMISSIONS: dict[str, Permission] = {name: permission for name, permission, _ in STAFF_COMMANDS}
# Subcommands that need more than their command's permission ("/po" shows purchase orders to whoever
# sees purchasing; changing one is for who edits stock, paying one for who records payments): checked
# by ``StaffGate`` before any argument is read, as a command's own permission is.
STAFF_SUBCOMMANDS: dict[tuple[str, str], Permission] = {
    ("po", "qty"): Permission.EDIT_STOCK,
    ("po", "receive"): Permission.EDIT_STOCK,
    ("po", "close"): Permission.EDIT_STOCK,
    ("po", "pay"): Permission.RECORD_PAYMENTS,
}


def staff_commands(member: StaffMember) -> list[BotCommand]:
    allowed = [
        BotCommand(command=name, description=_(description))
        for name, permission, description in STAFF_COMMANDS
        if can(member, permission)
    ]
    return customer_commands() + allowed


def _menu_languages(i18n: I18n) -> list[str]:
    """The catalogs' languages Telegram can list a menu for: it takes two-letter codes only
    (a "pt_BR" catalog's readers get the default menu, and the bot still answers in it)."""
    return [language for language in i18n.available_locales if len(language) == 2]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """One command list per language; the default list is in the default locale."""
    with i18n.context():
        for language in _menu_languages(i18n):
            with i18n.use_locale(language):
                await bot.set_my_commands(customer_commands(), language_code=language)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(customer_commands())


async def register_staff_menu(bot: Bot, i18n: I18n, member: StaffMember) -> None:
    """A staff member's own command menu (their chat only), in each language."""
    scope = BotCommandScopeChat(chat_id=member.telegram_id)
    with i18n.context():
        for language in _menu_languages(i18n):
            with i18n.use_locale(language):
                await bot.set_my_commands(staff_commands(member), scope=scope, language_code=language)
        with i18n.use_locale(i18n.default_locale):
            await bot.set_my_commands(staff_commands(member), scope=scope)


async def clear_staff_menu(bot: Bot, i18n: I18n, telegram_id: int) -> None:
    scope = BotCommandScopeChat(chat_id=telegram_id)
    for language in _menu_languages(i18n):
        await bot.delete_my_commands(scope=scope, language_code=language)
    await bot.delete_my_commands(scope=scope)
