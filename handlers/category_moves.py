"""Which stored categories a path moved and where, said alike after a typed path and a products file."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from domain.categories import CategoryMove, breadcrumbs
from handlers.catalog import TRAIL_NAME_LIMIT
from handlers.views.rendering import format_number, shorten

NAMED_MOVES = 5  # a file that reshapes the tree names the first few: the message must fit


def trail_text(names: Sequence[str]) -> str:
    """A category's path as the customer's breadcrumbs read it (``handlers.catalog``)."""
    return " › ".join(breadcrumbs([shorten(name, TRAIL_NAME_LIMIT) for name in names]))


def moves_note(moves: Sequence[CategoryMove]) -> str:
    """Plain text (the caller escapes it): each moved category, from where to where, with
    everything in it (its products and those below it), which "Saved." or a file's counts
    alone did not say."""
    said = []
    for move in moves[:NAMED_MOVES]:
        params = {"name": shorten(move.name, TRAIL_NAME_LIMIT), "after": trail_text(move.after)}
        if move.before:
            text = _("Category %(name)s moved from %(before)s to %(after)s, with everything in it.")
            params["before"] = trail_text(move.before)
        else:
            text = _("Category %(name)s moved from the top of the catalog to %(after)s, with everything in it.")
        said.append(text % params)
    if (more := len(moves) - NAMED_MOVES) > 0:
        said.append(
            ngettext("… and {n} more category moved.", "… and {n} more categories moved.", more).format(
                n=format_number(more)
            )
        )
    return " ".join(said)
