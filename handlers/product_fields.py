"""A product's fields as staff read them, in the chat's /product and the Mini App's catalog admin alike."""

from __future__ import annotations

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from domain.catalog_edits import kept_money
from domain.usecases.catalog_admin import ProductSheet
from handlers.callbacks import shorten
from handlers.category_moves import moves_note
from handlers.views.labels import label
from handlers.views.rendering import format_money


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


def history_value(field: str, kept: str) -> str:
    """A value as the trail keeps it, a status in the reader's words ("active" is "в продаже"),
    an amount as money is shown ("2.08 GBP" is "£2.08", "2,08 £"), dimensions without the English
    unit (the field's name gives it: "Размеры, мм")."""
    if field == "status" and kept:
        return label("product_status", kept)
    if (field == "cost" or field.startswith("price_")) and (money := kept_money(kept)) is not None:
        return format_money(money)
    return kept.removesuffix(" mm") if field == "dims" else kept
