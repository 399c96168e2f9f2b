"""What 🛒 Buy again says beyond the cart, sentence by sentence: the chat's message and the Mini App's cart say it."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from domain.orders import MAX_ORDER_LINES
from domain.usecases.buy_again import BuyAgain, Skipped
from handlers.views.rendering import format_money, format_number, shorten

NAME = 80  # a product's name in a note


@dataclass(frozen=True, slots=True)
class BuyAgainNotes:
    """Plain sentences (a chat template escapes them, the page writes them as text)."""

    heading: str
    short: list[str]  # went in short of the order's quantity
    skipped: list[tuple[Skipped, str]]  # left out, and why (a full cart's are counted in did_not_fit)
    did_not_fit: str
    repriced: list[str]
    today: str
    # The Mini App's cart shows its lines under the notes: "in your cart now:" pointed at what was skipped.
    page_heading: str

    def sentences(self) -> list[str]:
        """The Mini App cart's notes, over its lines."""
        said = [self.page_heading, *self.short, *(text for _, text in self.skipped)]
        return said + [text for text in (self.did_not_fit, *self.repriced, self.today) if text]


def _skipped(reason: Skipped, name: str) -> str:
    said = {
        Skipped.WITHDRAWN: _("%(name)s is no longer sold and was skipped."),
        Skipped.DISCONTINUED: _("%(name)s is discontinued and was skipped."),
        Skipped.UNPRICED: _("%(name)s has no price in a currency we take at the moment and was skipped."),
        Skipped.SOLD_OUT: _("%(name)s is out of stock and was skipped."),
    }[reason]
    return said % {"name": shorten(name, NAME)}


def buy_again_notes(result: BuyAgain) -> BuyAgainNotes:
    heading = page_heading = _("Nothing from order %(code)s can be ordered again at the moment:")
    if not result.nothing_added:
        heading = _("From order %(code)s, in your cart now:")
        page_heading = _("From order %(code)s, in your cart below.")
    did_not_fit = ""
    if result.did_not_fit:
        did_not_fit = ngettext(
            "%(num)d more product of the order did not fit: a cart holds %(limit)s different products at most.",
            "%(num)d more products of the order did not fit: a cart holds %(limit)s different products at most.",
            result.did_not_fit,
        ) % {"num": result.did_not_fit, "limit": MAX_ORDER_LINES}
    return BuyAgainNotes(
        heading=heading % {"code": result.code},
        short=[
            _("%(name)s: only %(added)s of %(ordered)s available, added.")
            % {"name": shorten(name, NAME), "added": format_number(added), "ordered": format_number(ordered)}
            for name, ordered, added in result.short
        ],
        skipped=[
            (reason, _skipped(reason, name)) for name, reason in result.skipped if reason is not Skipped.CART_FULL
        ],
        did_not_fit=did_not_fit,
        repriced=[
            _("%(name)s: %(now)s each now (the order paid %(was)s).")
            % {"name": shorten(name, NAME), "now": format_money(now), "was": format_money(was)}
            for name, was, now in result.repriced
        ],
        today="" if result.nothing_added else _("Prices and availability are today's."),
        page_heading=page_heading % {"code": result.code},
    )
