"""Scans for picking and packing alike: typed as ``CODE`` or ``CODE QTY`` (a SKU or barcode,
then how many units of it; or ``QTY CODE``), or a photo of the barcode; and a parcel's weight as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError, InvalidQuantity
from domain.i18n import N_
from domain.ports import UnitOfWork
from domain.usecases.short_picks import coded_item
from handlers.output.barcodes import read_barcode

MAX_SCAN_QUANTITY = 9999


class NotAScan(DomainError):
    key = N_(
        "“{typed}” is not a scan: send the item's SKU or barcode, or a photo of the barcode;"
        " for more than one, the count after it (2 or x2)."
    )


class TwoCodes(DomainError):
    key = N_(
        "“{typed}” holds more than one code: send one code at a time; for more than one unit, the count after it"
        " (2 or x2)."
    )


class NamedABin(DomainError):
    key = N_("“{typed}” names a bin, not an item: send the item's SKU or barcode, or a photo of the barcode.")

    def __init__(self, scans: list[Scan], **params: str) -> None:
        super().__init__(**params)
        self.scans = scans  # how the text reads as a scan all the same (“BIN 2”: 2 × “BIN”), for ``scans_of``


class AtBin(DomainError):
    """A bin named where a line of a pick round is scanned: the line's bin is told."""

    key = N_(
        "“{typed}” names a bin, not an item: this line is picked from bin {bin}; send the SKU or barcode of the item"
        " there."
    )


@dataclass(frozen=True, slots=True)
class Scan:
    code: str  # a SKU or a barcode, as typed
    quantity: int


# A count as people type it on a phone: "2", "x2", "×2", "х2" (Cyrillic), "2x", "2 ×", "2 шт", "2шт.", "2 pcs".
_TIMES = r"[x×х*]"
_COUNT = re.compile(
    rf"(?:{_TIMES}\s*(?P<before>\d+)|(?P<after>\d+)\s*(?:{_TIMES}|шт\.?|pcs\.?|pc\.?)|(?P<bare>\d+))", re.IGNORECASE
)
# The count first, then the code: "2x JAR-1", "2 x JAR-1", "x2 JAR-1", "2 шт JAR-1", "2 JAR-1".
_COUNT_FIRST = re.compile(rf"(?P<count>{_COUNT.pattern})\s+(?P<code>\S+)", re.IGNORECASE)
# What a mistyped count or a second code is made of ("0", "2.5", "-2", "x2x", "JAR-2", "x", "шт"): a word of a
# sentence ("is", "A3?", "полка") is not, so words with a digit among them are no quantity typed.
_SCAN_WORD = re.compile(rf"(?=.*\d)[\w.,+\-*×]+|{_TIMES}|шт\.?|pcs\.?|pc\.?", re.IGNORECASE)
# What marks a count inside a word ("2x", "2шт."): a word still holding a letter without them is a code's.
_MARKS = re.compile(rf"{_TIMES}|шт|pcs|pc", re.IGNORECASE)
# A bin named alone, as a picker announces where they stand: "bin A3", "ячейка: B-01-02".
_BIN = re.compile(r"(?:bin|shelf|полка|ячейка|ячейку)\s*[:#№]?\s*(?P<bin>[\w\-./]+)", re.IGNORECASE)
# An EAN-8 is the shortest barcode of digits alone; a number that long is no count (at most MAX_SCAN_QUANTITY).
_BARCODE_DIGITS = 8


def readings(text: str) -> list[Scan]:
    """Every way ``text`` reads as a scan, the code then the count first: ``CODE`` (one unit),
    ``CODE QTY`` (the count as people type it), ``QTY CODE`` where the count is marked (2x, x2,
    2 шт) or the code is no number (2 JAR-1; but 2 4006381333931 is a guess at which is the code).
    Two where both read (``2x 150``: 150 × “2x”, or 2 × “150”): the item expected decides, as the
    picker meant it. Anything else is refused, never half-read: as two codes ("JAR-1 JAR-2"), as a bin named
    ("bin A3"), as a wrong quantity when what follows the code is numbers ("JAR-1 2.5"), as no scan when it has
    words ("where is bin A3?")."""
    parts = text.split(maxsplit=1)
    if len(parts) == 1:
        return [Scan(parts[0], 1)]
    if (named := _BIN.fullmatch(text.strip())) is not None:
        try:
            scans = _readings(text, parts)
        except DomainError:
            scans = []
        raise NamedABin(scans, typed=text.strip(), bin=named["bin"])
    return _readings(text, parts)


async def scans_of(uow: UnitOfWork, text: str) -> list[Scan]:
    """``readings``, but a bin named (“bin 2”) that reads as a scan of an item the catalog has (SKU BIN) is that
    scan: an item's code is never taken for a bin."""
    try:
        return readings(text)
    except NamedABin as named:
        for scan in named.scans:
            if await coded_item(uow, scan.code) is not None:
                return named.scans
        raise


def _readings(text: str, parts: list[str]) -> list[Scan]:
    found = []
    if (count := _count(parts[1].strip())) is not None:
        found.append(Scan(parts[0], count))
    first = _COUNT_FIRST.fullmatch(text.strip())
    readable = first is not None and (first["bare"] is None or not first["code"].isdigit())
    if first is not None and readable and (count := _count(first["count"])) is not None:
        found.append(Scan(first["code"], count))
    if not found and _is_code(parts[0], first=True) + sum(_is_code(word) for word in parts[1].split()) > 1:
        raise TwoCodes(typed=text.strip())
    if not found and any(c.isdigit() for c in parts[1]) and all(map(_SCAN_WORD.fullmatch, parts[1].split())):
        raise InvalidQuantity(maximum=MAX_SCAN_QUANTITY)  # a number out of range or in a shape we do not read
    if not found:
        raise NotAScan(typed=text.strip())  # words (a question, “JAR-1 two”): no number to call a quantity
    return found


def _is_code(word: str, *, first: bool = False) -> bool:
    """Whether ``word`` reads as an item's code, never as a count mistyped: letters beside its digits
    (``JAR-2``, not ``x2x``), or a number too long for a count (a barcode; the first word of a scan
    is the code where it is no count: ``22197``)."""
    if not re.fullmatch(r"[\w\-./]+", word) or not any(c.isdigit() for c in word):
        return False
    if any(c.isalpha() for c in _MARKS.sub("", word)):
        return True
    return word.isdigit() and (len(word) >= _BARCODE_DIGITS or (first and _count(word) is None))


def _count(text: str) -> int | None:
    """How many units ``text`` says, when it is a count from 1 to MAX_SCAN_QUANTITY."""
    found = _COUNT.fullmatch(text)
    if found is None:
        return None
    count = int(found["before"] or found["after"] or found["bare"])
    return count if 1 <= count <= MAX_SCAN_QUANTITY else None


async def code_in_photo(bot: Bot, message: Message) -> str | None:
    """The barcode in the message's photo; if there is none, the sender is told and None
    is returned."""
    assert message.photo
    file = await bot.download(message.photo[-1].file_id)
    code = read_barcode(file.read()) if file else None
    if code is None:
        await message.answer(_("No barcode found in the photo. Try again closer, or type the code."))
    return code


# A weight as the scale's reader types it, and as the bot writes weights back: grams ("1250",
# "1 250 г", "1,250 g") or kilograms ("1,25 кг", "1.25 kg").
_WEIGHT = re.compile(
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f,]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<unit>g|gr|г|гр|kg|кг)?\.?",
    re.IGNORECASE,
)


def typed_grams(text: str) -> int | None:
    """Whole grams, or ``None`` for anything else (a fraction of a gram, a word)."""
    found = _WEIGHT.fullmatch(text.strip())
    if found is None:
        return None
    number = re.sub(r"[ \u00a0\u202f]", "", found["number"])
    if (found["unit"] or "g").lower() in ("kg", "кг"):
        grams = Decimal(number.replace(",", ".")) * 1000  # "1,250 кг": a decimal comma (no parcel weighs a tonne)
    elif re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", number):
        grams = Decimal(number.replace(",", ""))
    else:
        return None
    return int(grams) if grams == grams.to_integral_value() else None
