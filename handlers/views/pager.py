"""The ◀ Previous / Next ▶ row under a list shown a page at a time, one for every paged screen."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from handlers.views.markup import callback_button


def pager(page: int, pages: int, turn: Callable[[int], str]) -> list[list[InlineKeyboardButton]]:
    """The pager's row as a list of rows to add to a keyboard: none on a single page, ◀ Previous
    past the first page, Next ▶ before the last. ``page`` counts from 0; ``turn(n)`` is the
    packed callback data (``packed`` or ``CallbackData.pack``) that opens page ``n``."""
    row = []
    if page > 0:
        row.append(callback_button(_("◀ Previous"), turn(page - 1)))
    if page + 1 < pages:
        row.append(callback_button(_("Next ▶"), turn(page + 1)))
    return [row] if row else []


def with_page_number(text: str, page: int, pages: int) -> str:
    """``text``, then "Page X of Y" on a line of its own (``page`` counted from 0) when a list has
    several pages: what every paged screen says of where its pager is (the templates alike)."""
    if pages <= 1:
        return text
    return f"{text}\n" + _("Page %(page)s of %(pages)s") % {"page": page + 1, "pages": pages}
