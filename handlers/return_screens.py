"""What a customer's return shows: the list of an order's lines to choose from, and which variant a line is exchanged
for; each a page of buttons that says which of how many."""

from __future__ import annotations

from collections import Counter

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.catalog import Product
from domain.orders import OrderLine
from domain.parcels import Parcel
from domain.returns import ReturnKind
from handlers.callbacks import (
    ReturnLineCb,
    ReturnLinesPageCb,
    ReturnSwapCb,
    ReturnSwapPageCb,
    button,
    shorten,
    shorten_name,
)
from handlers.return_state import ReturnDraft
from handlers.views.dates import current_locale
from handlers.views.markup import packed
from handlers.views.pager import pager, with_page_number
from handlers.views.rendering import fill

# Lines a page: an order of 100 lines (the intake API's most) was a button each and "Continue".
LINES_PER_PAGE = 24


def lines_screen(draft: ReturnDraft, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """The question, on a page of the lines (past the last: the last) that says which of how many."""
    chosen, labels = draft.chosen, list(draft.labels.items())
    pages = min(max(1, -(-len(labels) // LINES_PER_PAGE)), 100)  # what a button's page number holds
    page = min(page, pages - 1)
    rows = []
    for line_id, text in labels[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]:
        shown = line_button(text, chosen.get(line_id, 0), draft.left.get(line_id, 0))
        rows.append([button(shown, ReturnLineCb(line_id=line_id))])
    rows += pager(page, pages, lambda n: packed(ReturnLinesPageCb, n))
    if chosen:
        rows.append([button(_("Continue ➡️"), ReturnLineCb(line_id=0))])
    if draft.kind is ReturnKind.EXCHANGE:
        question = _("Which items to exchange? Tap each one; you can choose several.")
    else:
        question = _("Which items? Tap each one to return; you can choose several.")
    return with_page_number(question, page, pages), InlineKeyboardMarkup(inline_keyboard=rows)


# A line's button: its name first (a variant's options kept, "Towel (M / White)"), an SKU only where two lines read
# alike, the parcel it came in where there were several, then how many of how many may come back. Within ~40
# characters where it can be (what a phone shows), 60 at most.
NAME_ROOM = 28


def line_labels(lines: list[OrderLine], sent: dict[int, list[Parcel]]) -> dict[int, str]:
    """What stays each line's across the steps (the draft keeps it): its name (shorter beside a parcel), the SKU
    where two names read alike as shown, its parcel."""
    named = {
        line.id or 0: shorten_name(line.name, NAME_ROOM - 8 if sent.get(line.id or 0) else NAME_ROOM) for line in lines
    }
    seen = Counter(named.values())
    labels = {}
    for line in lines:
        key = line.id or 0
        sku = f" · {shorten(line.sku, 12)}" if seen[named[key]] > 1 else ""
        labels[key] = f"{named[key]}{sku}{came_in(sent.get(key))}"
    return labels


def line_button(label: str, chosen: int, left: int) -> str:
    """The line as the question shows it now: chosen, how many of how many may come back; else up to how many."""
    if chosen:
        return _("✅ {line} · {chosen} of {left}").format(line=label, chosen=chosen, left=left)
    return _("{line} · up to {left}").format(line=label, left=left)


def came_in(parcels: list[Parcel] | None) -> str:
    """Which parcel a line came in, so the customer knows which box to send back: by its number
    only (its tracking, on /track, ran a button to ~70 characters, cut off on a phone)."""
    if not parcels:
        return ""
    return " · " + _("📦 parcel {numbers}").format(numbers=", ".join(str(p.seq) for p in parcels[:2]))


# Variants offered a page: a product in 130 shades was a button each, over Telegram's 100.
SWAPS_PER_PAGE = 24


def swap_screen(draft: ReturnDraft, line_id: int, others: list[Product], page: int) -> tuple[str, InlineKeyboardMarkup]:
    """Which variant a line is exchanged for, on a page of them that says which of how many."""
    pages = max(1, -(-len(others) // SWAPS_PER_PAGE))
    page = min(page, pages - 1)  # an older list's page past a shorter one's end: its last
    rows = [[button(_("The same again"), ReturnSwapCb(line_id=line_id, product_id=0))]]
    language = current_locale()  # each size and colour as the card names it to this reader
    rows += [
        [
            button(
                shorten(v.in_language(language).variant_label or v.sku),
                ReturnSwapCb(line_id=line_id, product_id=v.id or 0),
            )
        ]
        for v in others[page * SWAPS_PER_PAGE : (page + 1) * SWAPS_PER_PAGE]
    ]
    rows += pager(page, pages, lambda n: packed(ReturnSwapPageCb, line_id, n))
    question = fill(_("Exchange {item} for which one?"), item=item_named(draft, line_id))
    return with_page_number(question, page, pages), InlineKeyboardMarkup(inline_keyboard=rows)


# An item named in a sentence: room for a long name, its variant's options kept whole where they fit.
ITEM_ROOM = 60


def item_named(draft: ReturnDraft, line_id: int) -> str:
    """Line ``line_id`` as a question names it: its SKU and name as sold, options kept, shortened (not escaped)."""
    item = draft.items.get(line_id) or draft.labels.get(line_id, "")  # a draft from before items: its button
    return shorten_name(item, ITEM_ROOM)


def how_many(draft: ReturnDraft, line_id: int) -> str:
    """How many of line ``line_id`` come back, named, since the question takes the place of the list's words and
    sits above all of its buttons; one chosen already may be left out with 0."""
    if line_id in draft.chosen:
        question = _("How many of {item}? Send a number from 1 to {n}, or 0 to leave it out.")
    else:
        question = _("How many of {item}? Send a number from 1 to {n}.")
    return fill(question, item=item_named(draft, line_id), n=draft.left[line_id])
