"""/product SKU: a product's sheet with a button per field, each edit asked for, checked and
audited; photos sent as pictures; the status; the history (/newproduct: ``handlers/new_product.py``)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.catalog import Dimensions, ProductStatus
from domain.catalog_edits import field_value, shown
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.catalog import list_categories
from domain.usecases.catalog_admin import (
    ProductSheet,
    add_photo,
    clear_photos,
    edit_product,
    product_history,
    product_sheet,
    set_category,
    set_status,
)
from handlers.callbacks import button, shorten
from handlers.callbacks_staff import (
    ProductCategoryCb,
    ProductEditCb,
    ProductHistoryCb,
    ProductOptionsCb,
    ProductPhotosCb,
    ProductSheetCb,
    ProductStatusCb,
)
from handlers.catalog import send_photos
from handlers.category_moves import trail_text
from handlers.context import ShopSettings
from handlers.imports import import_document
from handlers.product_fields import field_hint, field_label, history_value, moved_note, other_languages
from handlers.views.labels import label
from handlers.views.markup import packed
from handlers.views.pager import pager
from handlers.views.pressed import pressed_in
from handlers.views.rendering import Renderer, fill, format_money, format_size_mm

router = Router(name=__name__)
HISTORY_PAGE = 10
CATEGORY_BUTTONS = 30  # more than that are typed by name
SIBLING_BUTTONS = 40  # more than that are opened by typing /product SKU


class Editing(StatesGroup):
    value = State()  # a typed value for the field in the state's data
    photos = State()  # pictures, one or several


def sheet_keyboard(sheet: ProductSheet, languages: list[str]) -> InlineKeyboardMarkup:
    pid = sheet.product.id or 0

    def edit(field: str) -> InlineKeyboardButton:
        return button("✏️ " + field_label(field), ProductEditCb(product_id=pid, field=field))

    fields = ["name", "description", *(f"price_{c}" for c in sheet.currencies), "category", "barcode"]
    fields += ["weight", "dims", "cost", "photos", "status"]
    fields += [f"{kind}_{language}" for language in languages for kind in ("name", "description", "category")]
    fields += [f"options_{language}" for language in languages if sheet.product.option_names]
    made = [edit(field) for field in fields]
    rows = [made[i : i + 2] for i in range(0, len(made), 2)]
    rows += variant_rows(sheet)
    history = _("📜 History (%(count)s)") % {"count": sheet.changes}
    rows.append([button(history, ProductHistoryCb(product_id=pid, page=0))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def variant_rows(sheet: ProductSheet) -> list[list[InlineKeyboardButton]]:
    """✏️ Options, and once it has options: the names, ➕ Add variant, and a button per sibling."""
    product = sheet.product
    pid = product.id or 0
    options = button("✏️ " + label("product_field", "options"), ProductOptionsCb(product_id=pid, action="values"))
    if not product.option_names:
        return [[options]]
    names = button("✏️ " + label("product_field", "option_names"), ProductOptionsCb(product_id=pid, action="names"))
    rows = [[options, names], [button(_("➕ Add variant"), ProductOptionsCb(product_id=pid, action="add"))]]
    siblings = [v for v in sheet.variants if v.id != product.id and v.id is not None][:SIBLING_BUTTONS]
    for sibling in siblings:
        text = f"{sibling.sku} · {sibling.variant_label or '—'} · {label('product_status', sibling.status.value)}"
        rows.append([button(shorten(text, 60), ProductSheetCb(product_id=sibling.id or 0))])
    return rows


async def show_sheet(
    bot: Bot,
    chat_id: int,
    sheet: ProductSheet,
    renderer: Renderer,
    i18n: I18n,
    *,
    photos: bool = False,
    saved: bool = False,
) -> None:
    languages = other_languages(i18n)
    if photos:
        await send_photos(bot, chat_id, sheet.product.photos)
    moved = moved_note(sheet) if saved else ""
    category = trail_text(sheet.trail) or shorten(sheet.product.category, 100)
    text = renderer.render(
        "staff/product.html.j2", sheet=sheet, languages=languages, saved=saved, moved=moved, category=category
    )
    await bot.send_message(chat_id, text, reply_markup=sheet_keyboard(sheet, languages))


def _now(value: object) -> str:
    """A field's current value the reader's way («2,95 £», «100×140×65 мм»); the audit trail
    keeps ``shown``'s («2.95 GBP», «100x140x65 mm»)."""
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, Dimensions):
        return format_size_mm(value.length_mm, value.width_mm, value.height_mm)
    return shown(value)


@router.message(Command("product"))
async def product_command(
    message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork, renderer: Renderer, i18n: I18n
) -> None:
    assert message.from_user is not None
    sku = (command.args or "").strip()
    if not sku:
        await message.answer(_("Usage: /product SKU, e.g. /product MUG-1. /newproduct adds one."))
        return
    sheet = await product_sheet(uow, staff_id=message.from_user.id, sku=sku)
    await show_sheet(bot, message.chat.id, sheet, renderer, i18n, photos=True)


@router.callback_query(ProductSheetCb.filter())
async def back_to_sheet(
    query: CallbackQuery,
    callback_data: ProductSheetCb,
    bot: Bot,
    uow: UnitOfWork,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    await state.clear()
    sheet = await product_sheet(uow, staff_id=query.from_user.id, product_id=callback_data.product_id)
    await query.answer()
    await show_sheet(bot, query.from_user.id, sheet, renderer, i18n)


@router.callback_query(ProductEditCb.filter())
async def ask_value(
    query: CallbackQuery, callback_data: ProductEditCb, uow: UnitOfWork, state: FSMContext, i18n: I18n
) -> None:
    """Statuses and categories are buttons; photos are pictures; the rest is typed."""
    field, pid = callback_data.field, callback_data.product_id
    sheet = await product_sheet(uow, staff_id=query.from_user.id, product_id=pid)
    field_value(sheet.product, field)  # an unknown field (a forged button) is refused here
    await query.answer()
    chat = pressed_in(query)
    back = [button(_("⬅ Back"), ProductSheetCb(product_id=pid))]
    if field == "status":
        statuses = [
            button(label("product_status", s.value), ProductStatusCb(product_id=pid, status=s)) for s in ProductStatus
        ]
        markup = InlineKeyboardMarkup(inline_keyboard=[statuses, back])
        await chat.answer(_("Choose the status:"), reply_markup=markup)
        return
    if field == "photos":
        await state.set_state(Editing.photos)
        await state.update_data(product_id=pid, sku=sheet.product.sku)
        rows = [[button(_("🗑 Remove all photos"), ProductPhotosCb(product_id=pid, action="clear"))], back]
        count = len(sheet.product.photos)
        await chat.answer(
            _("Send a picture (several are fine, one by one; up to 10). It has %(count)s now.") % {"count": count},
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
        )
        return
    if field.startswith(("name_", "description_", "category_", "options_")) and field.partition("_")[
        2
    ] not in other_languages(i18n):
        await chat.answer(_("This button is out of date. Please open the menu again."))
        return
    await state.set_state(Editing.value)
    await state.update_data(product_id=pid, field=field)
    rows = [back]
    if field == "category":
        categories = (await list_categories(uow))[:CATEGORY_BUTTONS]
        picks = [button(shorten(c.name, 30), ProductCategoryCb(product_id=pid, category_id=c.id)) for c in categories]
        rows = [picks[i : i + 2] for i in range(0, len(picks), 2)] + rows
    now = _now(field_value(sheet.product, field)) or "—"
    if field.startswith("category_"):  # the category's, not the product's: as the sheet shows it
        now = " › ".join(sheet.trail_in.get(field.removeprefix("category_"), ())) or "—"
    prompt = fill(_("Send the new value of {field}. Now: {value}"), field=field_label(field), value=shorten(now, 200))
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    await chat.answer(f"{prompt}\n{field_hint(field, uow.base_currency)}", reply_markup=markup)


@router.message(StateFilter(Editing.value), F.text, ~F.text.startswith("/"))
async def typed_value(
    message: Message, bot: Bot, uow: UnitOfWork, clock: Clock, renderer: Renderer, i18n: I18n, state: FSMContext
) -> None:
    """Bad input is refused with what is wrong (the error handler says it); the question stays open."""
    assert message.from_user is not None
    data = await state.get_data()
    sheet = await edit_product(
        uow,
        clock,
        product_id=int(data["product_id"]),
        field=str(data["field"]),
        text=message.text or "",
        staff_id=message.from_user.id,
        languages=frozenset(other_languages(i18n)),
    )
    await state.clear()
    await show_sheet(bot, message.chat.id, sheet, renderer, i18n, saved=True)


@router.callback_query(ProductCategoryCb.filter())
async def picked_category(
    query: CallbackQuery,
    callback_data: ProductCategoryCb,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    sheet = await set_category(
        uow,
        clock,
        product_id=callback_data.product_id,
        category_id=callback_data.category_id,
        staff_id=query.from_user.id,
    )
    await state.clear()
    await query.answer()
    await show_sheet(bot, query.from_user.id, sheet, renderer, i18n, saved=True)


@router.callback_query(ProductStatusCb.filter())
async def picked_status(
    query: CallbackQuery,
    callback_data: ProductStatusCb,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
) -> None:
    sheet = await set_status(
        uow, clock, product_id=callback_data.product_id, status=callback_data.status, staff_id=query.from_user.id
    )
    await query.answer()
    await show_sheet(bot, query.from_user.id, sheet, renderer, i18n, saved=True)


@router.message(StateFilter(Editing.photos), F.photo)
async def sent_photo(message: Message, uow: UnitOfWork, clock: Clock, state: FSMContext) -> None:
    assert message.from_user is not None and message.photo
    pid = int((await state.get_data())["product_id"])
    sheet = await add_photo(
        uow, clock, product_id=pid, file_id=message.photo[-1].file_id, staff_id=message.from_user.id
    )
    done = InlineKeyboardMarkup(inline_keyboard=[[button(_("✅ Done"), ProductSheetCb(product_id=pid))]])
    await message.answer(
        _("Photo saved: %(count)s in all. Send another, or press Done.") % {"count": len(sheet.product.photos)},
        reply_markup=done,
    )


@router.message(StateFilter(Editing.photos), Command("import"), F.document)
async def import_at_photos(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
    settings: ShopSettings,
) -> None:
    """A file captioned /import is what its caption says, not a photo sent as a file: imported,
    then the step, still open, said again."""
    await import_document(message, command, uow, clock, i18n, settings)
    data = await state.get_data()
    done = InlineKeyboardMarkup(inline_keyboard=[[button(_("✅ Done"), ProductSheetCb(product_id=data["product_id"]))]])
    sku = shorten(str(data.get("sku", "")), 64)
    await message.answer(
        fill(_("You are still adding photos to {sku}: send a picture, or press Done."), sku=sku), reply_markup=done
    )


@router.message(StateFilter(Editing.photos), ~F.photo, ~F.text.startswith("/"), ~F.caption.startswith("/"))
async def not_a_photo(message: Message) -> None:
    """A file (even a picture sent as a file: Telegram cannot show it in an album), text, a sticker…"""
    await message.answer(_("That is not a photo. Please send a picture (as a photo, not as a file), or /cancel."))


@router.callback_query(ProductPhotosCb.filter())
async def remove_photos(
    query: CallbackQuery,
    callback_data: ProductPhotosCb,
    bot: Bot,
    uow: UnitOfWork,
    clock: Clock,
    renderer: Renderer,
    i18n: I18n,
    state: FSMContext,
) -> None:
    sheet = await clear_photos(uow, clock, product_id=callback_data.product_id, staff_id=query.from_user.id)
    await state.clear()
    await query.answer()
    await show_sheet(bot, query.from_user.id, sheet, renderer, i18n, saved=True)


@router.callback_query(ProductHistoryCb.filter())
async def history(query: CallbackQuery, callback_data: ProductHistoryCb, uow: UnitOfWork, renderer: Renderer) -> None:
    pid = callback_data.product_id
    page = await product_history(
        uow, staff_id=query.from_user.id, product_id=pid, page=callback_data.page, page_size=HISTORY_PAGE
    )
    rows = pager(page.page, page.pages, lambda n: packed(ProductHistoryCb, pid, n))
    rows.append([button(_("⬅ Back"), ProductSheetCb(product_id=pid))])
    fields = [field_label(change.field) for change in page.changes]
    values = [
        (history_value(change.field, change.before), history_value(change.field, change.after))
        for change in page.changes
    ]
    text = renderer.render("staff/product_history.html.j2", history=page, fields=fields, values=values)
    await query.answer()
    chat = pressed_in(query)
    await chat.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
