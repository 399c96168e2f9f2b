"""/newproduct: a product created step by step, in one transaction at the end."""

from __future__ import annotations

from typing import Literal

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.catalog_edits import parse_amount, parse_category, parse_name
from domain.i18n import N_
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.catalog_admin import NewProduct, check_new_barcode, check_new_sku, create_product
from handlers.callbacks import button, shorten
from handlers.callbacks_staff import NewProductSkip
from handlers.context import ShopSettings
from handlers.imports import import_document
from handlers.products import not_a_photo, show_sheet
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill

router = Router(name=__name__)


class Creating(StatesGroup):
    sku = State()
    name = State()
    category = State()
    price = State()
    barcode = State()
    photo = State()


NEW_PRODUCT_STEPS = {
    Creating.name: N_("What is it called? (up to 256 characters)"),
    Creating.category: N_(
        "Which category? Type its name, or a path in the tree: Clothing > T-shirts (a new name makes a new category)."
    ),
    Creating.price: N_("Its price in {currency}, e.g. 12.50?"),
    Creating.barcode: N_("Its barcode (EAN-13, UPC-A or Code 128)?"),
    Creating.photo: N_("A photo of it? The product is created after this step."),
}


async def _next_step(message: Target, state: FSMContext, step: State, settings: ShopSettings, lead: str = "") -> None:
    await state.set_state(step)
    question = lead + _(NEW_PRODUCT_STEPS[step]).format(currency=settings.default_currency)
    skip = None
    if step in (Creating.barcode, Creating.photo):
        which: Literal["barcode", "photo"] = "barcode" if step == Creating.barcode else "photo"
        skip = InlineKeyboardMarkup(inline_keyboard=[[button(_("Skip ⏭"), NewProductSkip(step=which))]])
    await message.answer(f"{question}\n{_('/cancel stops; nothing is saved until the end.')}", reply_markup=skip)


@router.message(Command("newproduct"))
async def new_product(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(Creating.sku)
    await message.answer(
        _("A new product. Its SKU? (Latin letters, digits, - _ . / up to 64 characters)")
        + "\n"
        + _("/cancel stops; nothing is saved until the end.")
    )


@router.message(StateFilter(Creating.sku), F.text, ~F.text.startswith("/"))
async def new_sku(message: Message, uow: UnitOfWork, state: FSMContext, settings: ShopSettings) -> None:
    sku = await check_new_sku(uow, message.text or "")
    await state.update_data(sku=sku)
    await _next_step(message, state, Creating.name, settings)


@router.message(StateFilter(Creating.name), F.text, ~F.text.startswith("/"))
async def new_name(message: Message, state: FSMContext, settings: ShopSettings) -> None:
    await state.update_data(name=parse_name(message.text or ""))
    await _next_step(message, state, Creating.category, settings)


@router.message(StateFilter(Creating.category), F.text, ~F.text.startswith("/"))
async def new_category(message: Message, state: FSMContext, settings: ShopSettings) -> None:
    await state.update_data(category=parse_category(message.text or ""))
    await _next_step(message, state, Creating.price, settings)


@router.message(StateFilter(Creating.price), F.text, ~F.text.startswith("/"))
async def new_price(message: Message, state: FSMContext, settings: ShopSettings) -> None:
    price = parse_amount(message.text or "", settings.default_currency)
    await state.update_data(price=price.amount, currency=price.currency)
    await _next_step(message, state, Creating.barcode, settings)


@router.callback_query(StateFilter(Creating.barcode), NewProductSkip.filter(F.step == "barcode"))
async def new_without_barcode(query: CallbackQuery, state: FSMContext, settings: ShopSettings) -> None:
    await query.answer()
    chat = pressed_in(query)
    await _next_step(chat, state, Creating.photo, settings)


@router.message(StateFilter(Creating.barcode), F.text, ~F.text.startswith("/"))
async def new_barcode(message: Message, uow: UnitOfWork, state: FSMContext, settings: ShopSettings) -> None:
    barcode = await check_new_barcode(uow, message.text or "")
    await state.update_data(barcode=barcode)
    await _next_step(message, state, Creating.photo, settings)


@router.callback_query(StateFilter(Creating.photo), NewProductSkip.filter(F.step == "photo"))
async def new_without_photo(
    query: CallbackQuery, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    await query.answer()
    await _create(bot, query.from_user.id, query.from_user.id, None, uow, clock, renderer, i18n, state)


@router.message(StateFilter(Creating.photo), F.photo)
async def new_with_photo(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    assert message.from_user is not None and message.photo
    photo = message.photo[-1].file_id
    await _create(bot, message.chat.id, message.from_user.id, photo, uow, clock, renderer, i18n, state)


async def _create(
    bot: Bot,
    chat_id: int,
    staff_id: int,
    photo: str | None,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    """The one transaction that creates it, with everything gathered."""
    data = await state.get_data()
    draft = NewProduct(
        sku=str(data["sku"]),
        name=str(data["name"]),
        category=str(data["category"]),
        price=Money(int(data["price"]), str(data["currency"])),
        barcode=data.get("barcode"),
        photo=photo,
    )
    sheet = await create_product(uow, clock, draft=draft, staff_id=staff_id)
    await state.clear()
    await show_sheet(bot, chat_id, sheet, renderer, i18n, photos=True, saved=True)


@router.message(StateFilter(Creating.photo), Command("import"), F.document)
async def import_at_new_photo(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    """The manager meant to import: the file is imported, and the new product, its answers kept,
    asked for its photo again (its SKU named: the import's result came between)."""
    await import_document(message, command, uow, clock, i18n, settings)
    sku = shorten(str((await state.get_data()).get("sku", "")), 64)
    await _next_step(message, state, Creating.photo, settings, fill(_("You are still adding {sku}."), sku=sku) + " ")


@router.message(StateFilter(Creating.photo), ~F.photo, ~F.text.startswith("/"), ~F.caption.startswith("/"))
async def new_not_a_photo(message: Message) -> None:
    await not_a_photo(message)
