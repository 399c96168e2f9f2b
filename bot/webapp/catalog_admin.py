"""The web catalog admin (managers and admins): the chat's /product use cases, photo uploads and CSV imports."""

from __future__ import annotations

import io
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiohttp import BodyPartReader, web
from PIL import Image, UnidentifiedImageError

from bot.runtime import Runtime
from bot.webapp.payloads import MAX_SEARCH, body, money, path_id
from bot.webapp.security import PROBLEM, RENDER, RUNTIME, WebProblem, viewer
from domain.catalog import MAX_PHOTOS, Dimensions, ProductStatus
from domain.catalog_edits import NotAnImage, check_photo, field_value
from domain.contention import with_fresh_tries
from domain.errors import ImportRejected
from domain.i18n import N_
from domain.money import Money
from domain.staff import Permission
from domain.text import typed
from domain.usecases.catalog_admin import (
    ProductSheet,
    TooManyPhotos,
    add_photo,
    catalog_list,
    clear_photos,
    edit_product,
    product_history,
    product_sheet,
    set_status,
)
from domain.usecases.import_files import KINDS, import_file
from domain.usecases.staff import require
from handlers.imports import MAX_FILE_BYTES, reason_text, summary
from handlers.product_fields import field_hint, field_label, history_value, moved_note, other_languages
from handlers.views.labels import actor_name, label
from handlers.views.rendering import Renderer, format_exact_decimal

PAGE_SIZE = 20
HISTORY_SHOWN = 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # what the Bot API's sendPhoto takes
MAX_PROBLEMS_SHOWN = 200  # a page shows many more than a chat message, still bounded

# The page's own words (its template says them too, for the first paint), in the reader's language.
ADMIN_STRINGS = {
    "catalog": N_("Catalog"),
    "dashboard": N_("Dashboard"),  # the link back: the page is served before it knows its reader's language
    "category": N_("Category"),  # the filters' names, said by a screen reader (they show only a placeholder)
    "search": N_("Search by SKU, name or barcode"),
    "any_status": N_("Any status"),
    "any_category": N_("Any category"),
    "found": N_("{n} found"),
    "previous": N_("◀ Previous"),
    "next": N_("Next ▶"),
    "back": N_("⬅ Back"),
    "save": N_("Save"),
    "saved": N_("Saved ✅"),
    "status": N_("Status"),
    "on_hand": N_("On hand: {on_hand}, available: {available}"),
    "photos": N_("Photos"),
    "photo_count": N_("{n} of {limit} photos"),
    "upload": N_("Upload a photo"),
    "remove_photos": N_("Remove all photos"),
    "history": N_("History"),
    "no_history": N_("No changes yet."),
    "import": N_("Import a CSV file"),
    "import_kind": N_("What the file holds"),
    "import_file": N_("CSV file"),
    "import_button": N_("Import"),
    "line": N_("Line {line}"),
    "more_problems": N_("… and {n} more problem(s)."),
    "error": N_("Something went wrong. Reopen the app."),
}


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def _languages(runtime: Runtime) -> frozenset[str]:
    return frozenset(other_languages(runtime.i18n))


def _kinds() -> list[dict[str, str]]:
    """What an import file may hold: the code it is sent as, named in the reader's language."""
    return [{"value": kind, "label": label("import_kind", kind)} for kind in KINDS]


async def get_catalog(request: web.Request) -> web.Response:
    """What the page needs before its first list: its words, the statuses, categories and import kinds."""
    runtime, who = _runtime(request), viewer(request)
    await require(runtime.uow(), who.telegram_id, Permission.MANAGE_CATALOG)
    uow = runtime.uow()
    async with uow:
        categories = await uow.products.category_nodes()
    return web.json_response(
        {
            "strings": {name: _(text) for name, text in ADMIN_STRINGS.items()},
            "statuses": [{"value": s.value, "label": label("product_status", s.value)} for s in ProductStatus],
            "categories": sorted(({"id": c.id, "name": c.name} for c in categories), key=lambda c: str(c["name"])),
            "kinds": _kinds(),
        }
    )


def _query_int(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # "²" passes isdigit; int() refuses it
        raise WebProblem(422, _("“{field}” must be a whole number.").format(field=name))
    return int(raw)


async def get_products(request: web.Request) -> web.Response:
    runtime, who = _runtime(request), viewer(request)
    status = request.query.get("status", "")
    if status and status not in {s.value for s in ProductStatus}:
        raise WebProblem(422, _("That field cannot be edited."))
    found = await catalog_list(
        runtime.uow(),
        staff_id=who.telegram_id,
        text=typed(request.query.get("q", ""), MAX_SEARCH),
        status=ProductStatus(status) if status else None,
        category_id=_query_int(request, "category"),
        page=_query_int(request, "page") or 0,
        page_size=PAGE_SIZE,
    )
    return web.json_response(
        {
            "products": [
                {
                    "id": p.id,
                    "sku": p.sku,
                    "name": p.display_name,  # a variant's options too ("T-shirt (M / Navy)"), as /stock names it
                    "category": p.category,
                    "status": p.status.value,
                    "status_label": label("product_status", p.status.value),
                    "prices": [money(p.prices[currency]) for currency in sorted(p.prices)],
                }
                for p in found.products
            ],
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
        }
    )


def _input_value(sheet: ProductSheet, field: str) -> str:
    """A field's value as the form shows it for editing (what the chat would accept back)."""
    value = field_value(sheet.product, field)
    if value is None:
        return ""
    if isinstance(value, Money):  # "3,75" beside the hint's "12,50" in Russian; both signs are read back
        return format_exact_decimal(str(value.to_decimal()))
    if isinstance(value, Dimensions):
        return f"{value.length_mm}x{value.width_mm}x{value.height_mm}"
    return str(value)


def _fields(sheet: ProductSheet, languages: list[str]) -> list[str]:
    """The typed fields, in the chat sheet's order (status and photos have their own controls)."""
    fields = ["name", "description", *(f"price_{c}" for c in sheet.currencies), "category", "barcode"]
    fields += ["weight", "dims", "cost"]
    fields += [f"{kind}_{language}" for language in languages for kind in ("name", "description")]
    # A variant's option words in a language (chat's ✏️ Options (ru)): only where it has options to say.
    return fields + [f"options_{language}" for language in languages if sheet.product.option_names]


async def _sheet_json(runtime: Runtime, staff_id: int, sheet: ProductSheet) -> dict[str, Any]:
    product = sheet.product
    assert product.id is not None
    history = await product_history(
        runtime.uow(), staff_id=staff_id, product_id=product.id, page=0, page_size=HISTORY_SHOWN
    )
    languages = sorted(_languages(runtime))
    renderer: Renderer = runtime.dp["renderer"]
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.display_name,
        "status": product.status.value,
        "on_hand": sheet.on_hand,
        "available": sheet.available,
        "photos": len(product.photos),
        "max_photos": MAX_PHOTOS,
        "cover": f"/app/photo/{product.id}" if product.photos and product.listed else None,
        "fields": [
            {
                "field": field,
                "label": field_label(field),
                "hint": field_hint(field, runtime.settings.default_currency),
                "value": _input_value(sheet, field),
                "multiline": field.startswith("description"),
            }
            for field in _fields(sheet, languages)
        ],
        "history": [
            {
                # As the chat's /product history says them: the shop's time the reader's way, "import" in their words.
                "at": renderer.format_when(change.at),
                "actor": history.who.get(change.actor) or actor_name(change.actor),
                "field": field_label(change.field),
                "before": history_value(change.field, change.before),
                "after": history_value(change.field, change.after),
            }
            for change in history.changes
        ],
        "changes": sheet.changes,
        "moved": sheet.moved,  # variants a category edit took along (the category is the product's)
        "notice": moved_note(sheet) or None,
    }


async def get_product(request: web.Request) -> web.Response:
    runtime, who = _runtime(request), viewer(request)
    sheet = await product_sheet(runtime.uow(), staff_id=who.telegram_id, product_id=path_id(request))
    return web.json_response(await _sheet_json(runtime, who.telegram_id, sheet))


async def post_field(request: web.Request) -> web.Response:
    """One field, as the chat's ✏️ button and typed reply change it: checked, audited, or refused."""
    runtime, who = _runtime(request), viewer(request)
    data = await body(request)
    field, value = data.get("field"), data.get("value")
    if not isinstance(field, str) or not isinstance(value, str) or len(field) > 32:
        raise WebProblem(422, _("That field cannot be edited."))
    if field in ("status", "photos"):  # their own endpoints, as the chat has its own buttons
        raise WebProblem(422, _("That field cannot be edited."))
    sheet = await with_fresh_tries(  # given up by the database (a deadlock's victim): whole again
        edit_product,
        runtime.uow,
        runtime.clock,
        product_id=path_id(request),
        field=field,
        text=value[:4000],
        staff_id=who.telegram_id,
        languages=_languages(runtime),
    )
    return web.json_response(await _sheet_json(runtime, who.telegram_id, sheet))


async def post_status(request: web.Request) -> web.Response:
    runtime, who = _runtime(request), viewer(request)
    status = (await body(request)).get("status")
    if status not in {s.value for s in ProductStatus}:
        raise WebProblem(422, _("That field cannot be edited."))
    sheet = await with_fresh_tries(
        set_status,
        runtime.uow,
        runtime.clock,
        product_id=path_id(request),
        status=ProductStatus(status),
        staff_id=who.telegram_id,
    )
    return web.json_response(await _sheet_json(runtime, who.telegram_id, sheet))


async def _upload(request: web.Request, limit: int) -> tuple[dict[str, str], bytes, str]:
    """A multipart form's text fields and its one file (its bytes and name), at most ``limit`` bytes."""
    if not request.content_type.startswith("multipart/"):
        raise WebProblem(415, "Send the file as multipart/form-data.")
    reader = await request.multipart()
    fields: dict[str, str] = {}
    content, name = b"", ""
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.filename is None:
            fields[part.name or ""] = (await part.read_chunk(256)).decode("utf-8", "replace")
            continue
        content, name = await _read_limited(part, limit), part.filename
    return fields, content, name


async def _read_limited(part: BodyPartReader, limit: int) -> bytes:
    buffer = bytearray()
    while chunk := await part.read_chunk():
        buffer += chunk
        if len(buffer) > limit:
            raise WebProblem(413, _("This file is too large: at most {mb} MB.").format(mb=limit >> 20))
    return bytes(buffer)


def _image(content: bytes) -> tuple[str, int, int]:
    """The picture's format and size as its bytes say (never its name or declared type)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return image.format or "", image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise NotAnImage() from None


async def post_photo(request: web.Request) -> web.Response:
    """A picture from the browser becomes a Telegram photo the chat can show: sent to the
    uploader's own chat with the bot (a receipt they can see), its ``file_id`` stored exactly
    as a picture sent to /product is. Checked first; a refused one is sent nowhere."""
    runtime, who = _runtime(request), viewer(request)
    product_id = path_id(request)
    sheet = await product_sheet(runtime.uow(), staff_id=who.telegram_id, product_id=product_id)  # may they?
    if len(sheet.product.photos) >= MAX_PHOTOS:
        raise TooManyPhotos(limit=MAX_PHOTOS)
    content, name = (await _upload(request, MAX_PHOTO_BYTES))[1:]
    kind, width, height = _image(content)
    check_photo(kind, width, height)
    caption = _("📷 {sku}: photo added in the web catalog.").format(sku=sheet.product.sku)
    try:
        sent = await runtime.bot.send_photo(
            who.telegram_id, BufferedInputFile(content, filename=name or "photo"), caption=caption[:1024]
        )
    except TelegramAPIError as error:
        raise WebProblem(
            502,
            _("Telegram did not take the photo ({reason}); nothing was saved.").format(reason=str(error)[:120]),
        ) from None
    if not sent.photo:
        raise NotAnImage()
    sheet = await with_fresh_tries(  # the photo sent to the staff member once, saved with its tries
        add_photo,
        runtime.uow,
        runtime.clock,
        product_id=product_id,
        file_id=sent.photo[-1].file_id,
        staff_id=who.telegram_id,
    )
    return web.json_response(await _sheet_json(runtime, who.telegram_id, sheet))


async def post_clear_photos(request: web.Request) -> web.Response:
    runtime, who = _runtime(request), viewer(request)
    sheet = await with_fresh_tries(
        clear_photos, runtime.uow, runtime.clock, product_id=path_id(request), staff_id=who.telegram_id
    )
    return web.json_response(await _sheet_json(runtime, who.telegram_id, sheet))


async def post_import(request: web.Request) -> web.Response:
    """/import in chat, from a page: the same kinds and checks; a bad line anywhere imports nothing
    and every problem comes back with its line number."""
    runtime, who = _runtime(request), viewer(request)
    await require(runtime.uow(), who.telegram_id, Permission.MANAGE_CATALOG)
    fields, content, name = await _upload(request, MAX_FILE_BYTES)
    kind = fields.get("kind", "").strip().lower()
    if kind not in KINDS:
        kinds = ", ".join(KINDS)
        raise WebProblem(422, _("Choose what the file holds: {kinds}.").format(kinds=kinds))
    if not content:
        raise WebProblem(422, _("Choose a CSV file to import."))
    try:
        report = await with_fresh_tries(
            import_file,
            runtime.uow,
            runtime.clock,
            kind,
            content,
            staff_id=who.telegram_id,
            languages=runtime.i18n.available_locales,
        )
    except ImportRejected as rejected:
        ordered = sorted(rejected.problems, key=lambda p: p[0])
        rows = len({problem[0] for problem in ordered})
        detail = ngettext(
            "Nothing was imported: {rows} row has problems.", "Nothing was imported: {rows} rows have problems.", rows
        ).format(rows=rows)
        return web.json_response(  # a problem document, with every problem and its line as an extension
            {
                "type": "about:blank",
                "title": "Import rejected",
                "status": 422,
                "detail": detail,
                "file": name[:120],
                "problems": [
                    {"line": line, "reason": reason_text(r, html=False, timezone=runtime.settings.timezone)}
                    for line, r in ordered[:MAX_PROBLEMS_SHOWN]
                ],
                "more": max(len(ordered) - MAX_PROBLEMS_SHOWN, 0),
            },
            status=422,
            content_type=PROBLEM,
        )
    return web.json_response(
        {"imported": True, "summary": summary(kind, report, runtime.settings.timezone, html=False)}
    )


async def catalog_page(request: web.Request) -> web.Response:
    return request.app[RENDER]("catalog.html.j2", kinds=_kinds(), search_limit=MAX_SEARCH)


def add_catalog_routes(app: web.Application) -> None:
    app.router.add_get("/catalog", catalog_page)
    app.router.add_get("/api/catalog", get_catalog)
    app.router.add_get("/api/catalog/products", get_products)
    app.router.add_get("/api/catalog/products/{id}", get_product)
    app.router.add_post("/api/catalog/products/{id}", post_field)
    app.router.add_post("/api/catalog/products/{id}/status", post_status)
    app.router.add_post("/api/catalog/products/{id}/photos", post_photo)
    app.router.add_post("/api/catalog/products/{id}/photos/clear", post_clear_photos)
    app.router.add_post("/api/catalog/import", post_import)
