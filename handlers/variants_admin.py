"""/product's options and variants: a variant's option values, the option names, ➕ Add variant."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.catalog_edits import parse_amount
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.catalog_admin import check_new_barcode, product_sheet
from domain.usecases.variant_admin import (
    NewVariant,
    add_variant,
    check_variant_options,
    check_variant_sku,
    rename_options,
    set_options,
)
from domain.variants import NameOptionsFirst
from handlers.callbacks import button, shorten
from handlers.callbacks_staff import ProductOptionsCb, ProductSheetCb, VariantSkip
from handlers.context import ShopSettings
from handlers.products import show_sheet
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)


class OptionsEditing(StatesGroup):
    values = State()  # this variant's Name=value pairs
    names = State()  # the parent's option names


class AddingVariant(StatesGroup):
    sku = State()
    options = State()
    barcode = State()
    price = State()


def _pairs(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    return "; ".join(f"{name}={value}" for name, value in zip(names, values, strict=True))


def _back(product_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("⬅ Back"), ProductSheetCb(product_id=product_id))]])


@router.callback_query(ProductOptionsCb.filter())
async def ask_options(
    query: CallbackQuery, callback_data: ProductOptionsCb, uow: UnitOfWork, state: FSMContext
) -> None:
    pid, action = callback_data.product_id, callback_data.action
    product = (await product_sheet(uow, staff_id=query.from_user.id, product_id=pid)).product
    if action != "values" and not product.option_names:  # a button drawn before its options were removed
        raise NameOptionsFirst(sku=product.sku)
    await query.answer()
    chat = pressed_in(query)
    await state.clear()
    await state.update_data(product_id=pid)
    now = shorten(_pairs(product.option_names, product.options), 200)
    if action == "values" and product.option_names:
        await state.set_state(OptionsEditing.values)
        text = fill(_("Send the option values of {sku}, e.g. {example}."), sku=product.sku, example=now)
    elif action == "values":
        await state.set_state(OptionsEditing.values)
        text = fill(
            _("{sku} has no options. Name them with its values, e.g. Size=M; Colour=White (up to 3)."), sku=product.sku
        )
    elif action == "names":
        await state.set_state(OptionsEditing.names)
        names = shorten(", ".join(product.option_names), 200)
        text = fill(
            _("Send new names for the options {names}, in this order, separated by ;. Every variant gets them."),
            names=names,
        )
    else:
        await state.set_state(AddingVariant.sku)
        text = fill(
            _("A new variant of {parent}. Its SKU? (Latin letters, digits, - _ . / up to 64 characters)"),
            parent=product.parent_code,
        )
    await chat.answer(f"{text}\n{_('/cancel stops; nothing is saved until the end.')}", reply_markup=_back(pid))


@router.message(StateFilter(OptionsEditing.values), F.text, ~F.text.startswith("/"))
async def typed_options(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    """Refused with what is wrong (the error handler says it); the question stays open."""
    assert message.from_user is not None
    pid = int((await state.get_data())["product_id"])
    sheet = await set_options(uow, clock, product_id=pid, text=message.text or "", staff_id=message.from_user.id)
    await state.clear()
    await show_sheet(bot, message.chat.id, sheet, renderer, i18n, saved=True)


@router.message(StateFilter(OptionsEditing.names), F.text, ~F.text.startswith("/"))
async def typed_names(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    assert message.from_user is not None
    pid = int((await state.get_data())["product_id"])
    sheet = await rename_options(uow, clock, product_id=pid, text=message.text or "", staff_id=message.from_user.id)
    await state.clear()
    await show_sheet(bot, message.chat.id, sheet, renderer, i18n, saved=True)


@router.message(StateFilter(AddingVariant.sku), F.text, ~F.text.startswith("/"))
async def variant_sku(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    assert message.from_user is not None
    pid = int((await state.get_data())["product_id"])
    sku = await check_variant_sku(uow, product_id=pid, sku=message.text or "", staff_id=message.from_user.id)
    await state.update_data(sku=sku)
    await state.set_state(AddingVariant.options)
    await message.answer(_("Its option values, e.g. Size=L; Colour=Navy?"))


@router.message(StateFilter(AddingVariant.options), F.text, ~F.text.startswith("/"))
async def variant_options(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    assert message.from_user is not None
    pid = int((await state.get_data())["product_id"])
    options = await check_variant_options(uow, product_id=pid, text=message.text or "", staff_id=message.from_user.id)
    await state.update_data(options=options)
    await state.set_state(AddingVariant.barcode)
    skip = InlineKeyboardMarkup(inline_keyboard=[[button(_("Skip ⏭"), VariantSkip(step="barcode"))]])
    await message.answer(_("Its barcode (EAN-13, UPC-A or Code 128)?"), reply_markup=skip)


async def _ask_price(message: Target, state: FSMContext, settings: ShopSettings) -> None:
    await state.set_state(AddingVariant.price)
    skip = InlineKeyboardMarkup(inline_keyboard=[[button(_("The parent's price ⏭"), VariantSkip(step="price"))]])
    question = _("Its own price in {currency}, e.g. 13.00? Or the parent's.").format(currency=settings.default_currency)
    await message.answer(question, reply_markup=skip)


@router.callback_query(StateFilter(AddingVariant.barcode), VariantSkip.filter(F.step == "barcode"))
async def variant_without_barcode(query: CallbackQuery, state: FSMContext, settings: ShopSettings) -> None:
    await query.answer()
    chat = pressed_in(query)
    await _ask_price(chat, state, settings)


@router.message(StateFilter(AddingVariant.barcode), F.text, ~F.text.startswith("/"))
async def variant_barcode(message: Message, uow: UnitOfWork, state: FSMContext, settings: ShopSettings) -> None:
    barcode = await check_new_barcode(uow, message.text or "")
    await state.update_data(barcode=barcode)
    await _ask_price(message, state, settings)


@router.callback_query(StateFilter(AddingVariant.price), VariantSkip.filter(F.step == "price"))
async def variant_parents_price(
    query: CallbackQuery, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    await query.answer()
    await _create(bot, query.from_user.id, query.from_user.id, None, uow, clock, renderer, i18n, state)


@router.message(StateFilter(AddingVariant.price), F.text, ~F.text.startswith("/"))
async def variant_price(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    assert message.from_user is not None
    price = parse_amount(message.text or "", settings.default_currency)
    await _create(bot, message.chat.id, message.from_user.id, price, uow, clock, renderer, i18n, state)


async def _create(
    bot: Bot,
    chat_id: int,
    staff_id: int,
    price: Money | None,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    """The one transaction that creates it, with everything gathered."""
    data = await state.get_data()
    draft = NewVariant(
        sku=str(data["sku"]),
        options=str(data["options"]),
        barcode=data.get("barcode"),
        prices={price.currency: price} if price is not None else {},
    )
    sheet = await add_variant(uow, clock, product_id=int(data["product_id"]), draft=draft, staff_id=staff_id)
    await state.clear()
    await show_sheet(bot, chat_id, sheet, renderer, i18n, saved=True)
