"""A file's header checked before its rows: what it lacks said once, and a file of another kind named for it."""

from __future__ import annotations

import csv
from collections.abc import Mapping

from domain.csvfiles import Columns, HeaderLacksColumns, WrongHeader, sniff_delimiter
from domain.i18n import N_


class AnotherKindOfFile(WrongHeader):
    """A products file sent as customers was refused once per line, each for a reason of the wrong kind."""

    key = N_("This looks like a {looks} file, not a {kind} one: import it as {looks}. Nothing was imported.")


def check_header(kind: str, text: str, kinds: Mapping[str, Columns]) -> None:
    """Raise when the header lacks a column ``kind`` requires, or fits another kind better than ``kind``."""
    line = next((row for row in text.lstrip("\ufeff").splitlines() if row.strip()), "")
    cells = next(csv.reader([line], delimiter=sniff_delimiter(line)), [])
    own = kinds[kind]
    matched = _matched(own, cells)
    for other, columns in kinds.items():
        named = {columns.name(c) for c in cells}
        fits = bool(columns.required) and all(c in named for c in columns.required)
        if other != kind and fits and _matched(columns, cells) > matched:
            raise AnotherKindOfFile(looks=other, kind=kind)
    named = {own.name(c) for c in cells}
    missing = [c for c in own.required if c not in named]
    if missing:
        raise HeaderLacksColumns(missing=", ".join(missing), kind=kind, expected=", ".join(own.all))


def _matched(columns: Columns, cells: list[str]) -> int:
    return sum(1 for c in cells if columns.name(c) in columns.all)
