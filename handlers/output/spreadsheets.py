"""CSV files sent in chat, written as the reader's spreadsheet reads them (delimiter, decimals, BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Sequence

from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol

BOM = "\ufeff"
# A date and time as the reader's spreadsheet reads one (Excel took "2026-12-01T01:30:00+03:00"
# for text): Russian Excel reads "01.12.2026 01:30"; every Excel reads "2026-12-01 01:30".
SPREADSHEET_DATES = {"ru": "%d.%m.%Y %H:%M"}
ISO_DATE_TIME = "%Y-%m-%d %H:%M"


def spreadsheet_date_format(language: str) -> str:
    """``strftime``'s format of a date and time a spreadsheet in ``language`` reads as one."""
    return SPREADSHEET_DATES.get((language or "en").split("_")[0].split("-")[0], ISO_DATE_TIME)


def spreadsheet_csv(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, language: str, numbers: Collection[str]
) -> bytes:
    """``rows`` (numbers written with a point, in the columns named ``numbers``) as a file a
    spreadsheet in ``language`` opens as columns of numbers. Where that language writes a decimal
    comma (Russian), Excel splits on ";" and reads "12.50" as text or a date, and reads UTF-8 as
    such only after a BOM: so ";", decimal commas and a BOM; otherwise commas and points, as is."""
    try:
        comma = get_decimal_symbol(language or "en") == ","
    except (UnknownLocaleError, ValueError):
        comma = False
    at = {index for index, name in enumerate(header) if name in numbers}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma else ",", lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell.replace(".", ",") if comma and index in at else cell for index, cell in enumerate(row)])
    return ((BOM if comma else "") + out.getvalue()).encode("utf-8")
