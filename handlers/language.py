"""/language and /currency: the language the bot speaks and the currency prices are shown
and charged in; both remembered on the customer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.customers import Customer
from domain.ports import Clock, UnitOfWork
from domain.usecases.customers import set_language
from domain.usecases.fx import choose_currency, currency_choice
from handlers.callbacks import CurrencyChoice, LanguageChoice
from handlers.checkout import ask_phone
from handlers.checkout_state import Checkout
from handlers.context import ShopSettings
from handlers.menu import LANGUAGE_BUTTON, main_menu
from handlers.miniapp import set_shop_button
from handlers.start import start_screen
from handlers.views.pressed import pressed_in, show_in_place
from handlers.views.rendering import Renderer, language_name

router = Router(name=__name__)


def language_keyboard(i18n: I18n) -> InlineKeyboardMarkup:
    """Every language with a catalog in ``locales/``, in a stable order (the default first)."""
    codes = sorted(i18n.available_locales, key=lambda code: (code != i18n.default_locale, code))
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=language_name(code), callback_data=LanguageChoice(code=code).pack())]
            for code in codes
        ]
    )


@router.message(Command("language"))
@router.message(F.text == LANGUAGE_BUTTON)
async def ask_language(message: Message, i18n: I18n) -> None:
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard(i18n))


@router.callback_query(LanguageChoice.filter())
async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    uow: UnitOfWork,
    clock: Clock,
    customer: Customer,
    i18n: I18n,
    renderer: Renderer,
    settings: ShopSettings,
    state: FSMContext,
) -> None:
    updated = await set_language(
        uow, telegram_id=query.from_user.id, language=callback_data.code, offered=i18n.available_locales
    )
    in_checkout = (await state.get_state() or "").startswith(f"{Checkout.__name__}:")
    with i18n.use_locale(updated.language or i18n.default_locale):
        await query.answer()
        await set_shop_button(query.bot, settings, query.from_user.id)  # the menu button says it in the new language
        await show_in_place(query, _("Language: {language}").format(language=language_name(callback_data.code)))
        chat = pressed_in(query)
        if in_checkout:  # the step asked in the old language, its keyboard replaced: asked again in the new one
            await chat.answer(_("Your checkout starts again in this language; your cart is as it was."))
            await ask_phone(chat, state, updated, uow, clock, settings, renderer)
            return
        await chat.answer(await start_screen(customer, renderer, uow, i18n), reply_markup=main_menu())


@router.message(Command("currency"))
async def ask_currency(message: Message, uow: UnitOfWork) -> None:
    assert message.from_user is not None
    current, offered = await currency_choice(uow, telegram_id=message.from_user.id)
    if len(offered) == 1:  # a lone "✅ GBP" offered no choice: say what the prices are in
        await message.answer(_("Prices in this shop are in {currency} only.").format(currency=current))
        return
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if code == current else "") + code, callback_data=CurrencyChoice(code=code).pack()
            )
            for code in offered[i : i + 4]
        ]
        for i in range(0, len(offered), 4)
    ]
    await message.answer(
        _("Prices are shown in {currency}. Choose a currency:").format(currency=current),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


@router.callback_query(CurrencyChoice.filter())
async def choose_currency_button(
    query: CallbackQuery, callback_data: CurrencyChoice, uow: UnitOfWork, customer: Customer
) -> None:
    code = await choose_currency(uow, telegram_id=query.from_user.id, currency=callback_data.code)
    await query.answer()
    await show_in_place(
        query,
        _("Prices are now shown in {currency}. An order keeps the currency it was placed in.").format(currency=code),
    )
