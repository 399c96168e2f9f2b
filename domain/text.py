"""Free text people type (reasons, notes, addresses, reviews), kept to lengths that every
screen showing it later can hold; refused when longer, with the limit said."""

from __future__ import annotations

from domain.errors import DomainError
from domain.i18n import N_

MAX_REASON = 200  # a stock adjustment's or a rejection's reason, a carrier event's place
MAX_NOTE = 500  # what a customer says about a return
MAX_ADDRESS = 500
MAX_CODE = 64  # what staff type as a code: a bin, a carrier, a tracking number
# Direction embeddings, overrides and isolates: they make text read otherwise than it is (a name
# ending in U+202E shows the phone after it backwards). Right-to-left text itself needs none.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class TextTooLong(DomainError):
    key = N_("That is too long: {length} characters, at most {limit} please.")


def without_direction_controls(text: str) -> str:
    """``text`` without ``BIDI_CONTROLS``: invisible, they only change how what follows reads."""
    return text.translate(_NO_BIDI) if any(c in BIDI_CONTROLS for c in text) else text


_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def typed(text: str, limit: int) -> str:
    """``text`` without surrounding blanks or direction controls, if it is at most ``limit`` characters."""
    text = without_direction_controls(text).strip()
    if len(text) > limit:
        raise TextTooLong(length=len(text), limit=limit)
    return text
