"""/product SKU: a product's sheet with a button per field, each edit asked for, checked and
audited; photos sent as pictures; the status; the history. /newproduct: guided creation."""

from __future__ import annotations

from typing import Literal

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
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from domain.catalog import Dimensions, ProductStatus
from domain.catalog_edits import field_value, parse_amount, parse_category, parse_name, shown
from domain.i18n import N_
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.catalog import list_categories
from domain.usecases.catalog_admin import (
    NewProduct,
    ProductSheet,
    add_photo,
    check_new_barcode,
    check_new_sku,
    clear_photos,
    create_product,
    edit_product,
    product_history,
    product_sheet,
    set_category,
    set_status,
)
from handlers.callbacks import button, shorten
from handlers.callbacks_staff import (
    NewProductSkip,
    ProductCategoryCb,
    ProductEditCb,
    ProductHistoryCb,
    ProductOptionsCb,
    ProductPhotosCb,
    ProductSheetCb,
    ProductStatusCb,
)
from handlers.catalog import send_photos
from handlers.category_moves import moves_note, trail_text
from handlers.context import ShopSettings
from handlers.imports import import_document
from handlers.views.labels import label
from handlers.views.markup import packed
from handlers.views.pager import pager
from handlers.views.pressed import Target, pressed_in
from handlers.views.rendering import Renderer, fill, format_money, format_size_mm

router = Router(name=__name__)
HISTORY_PAGE = 10
CATEGORY_BUTTONS = 30  # more than that are typed by name
SIBLING_BUTTONS = 40  # more than that are opened by typing /product SKU


class Editing(StatesGroup):
    value = State()  # a typed value for the field in the state's data
    photos = State()  # pictures, one or several


def other_languages(i18n: I18n) -> list[str]:
    return sorted(code for code in i18n.available_locales if code != i18n.default_locale)


def field_label(field: str) -> str:
    """A field's name as the reader reads it: "Price (EUR)", "Name (ru)" …"""
    for prefix, sentence in (
        ("price_", _("Price (%(currency)s)")),
        ("name_", _("Name (%(language)s)")),
        ("description_", _("Description (%(language)s)")),
        ("category_", _("Category (%(language)s)")),
        ("options_", _("Options (%(language)s)")),
    ):
        if field.startswith(prefix):
            code = field.removeprefix(prefix)
            return sentence % {"currency": code, "language": code}
    return label("product_field", field)


def field_hint(field: str, base_currency: str = "") -> str:
    if field == "cost":
        return _("An amount, e.g. 12.50; - removes it.")
    if field.startswith("price_") and base_currency and field != f"price_{base_currency}":
        return _("An amount, e.g. 12.50; - removes it (the price in %(base)s converted at the rate applies).") % {
            "base": base_currency
        }
    if field.startswith("price_"):
        return _("An amount, e.g. 12.50.")
    if field == "weight":
        return _("Grams, a whole number, e.g. 350.")
    if field == "dims":
        return _("Length x width x height in millimetres, e.g. 300x200x100; - removes them.")
    if field == "barcode":
        return _("EAN-13, UPC-A or Code 128; - removes it.")
    if field.startswith("description"):
        return _("Up to 3000 characters; - removes it.")
    if field == "category":
        return _("A name, or a path in the tree: Clothing > T-shirts (a new name makes a new category).")
    if field.startswith("category_"):
        return _(
            "Its category's name in that language, or the path down to it: a name for each category above it too; - "
            "removes its name there."
        )
    if field.startswith("options_"):
        return _(
            "Each option and this variant's value in that language, in their order, as Size=M; Colour=Red reads in "
            "English; - removes them."
        )
    return _("Up to 256 characters.")


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


def moved_note(sheet: ProductSheet) -> str:
    """Plain text (the chat escapes it, the Mini App shows it): the stored categories a typed path
    moved, with everything in them, and how many variants it took along."""
    return " ".join(note for note in (moves_note(sheet.relinked), _variants_moved(sheet)) if note)


def _variants_moved(sheet: ProductSheet) -> str:
    """How many variants a category edit moved, when the product has variants: the category is
    the product's, so its sizes and colours go together."""
    product = sheet.product
    if not sheet.moved or not product.option_names:
        return ""
    text = ngettext(
        "%(num)d variant of %(parent)s moved to %(category)s: a product's variants share one category.",
        "%(num)d variants of %(parent)s moved to %(category)s: a product's variants share one category.",
        sheet.moved,
    )
    return text % {"num": sheet.moved, "parent": product.parent_code, "category": shorten(product.category, 100)}


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


def history_value(field: str, kept: str) -> str:
    """A value as the trail keeps it, a status in the reader's words ("active" is "в продаже"),
    dimensions without the English unit (the field's name gives it: "Размеры, мм")."""
    if field == "status" and kept:
        return label("product_status", kept)
    return kept.removesuffix(" mm") if field == "dims" else kept


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
