"""A scan typed as a phone worker types it: the code, then how many (``JAR-1 2 шт``, ``JAR-1 x2``); or the count
first when it can be read one way only (``2x JAR-1``, ``2 x JAR-1``, ``2 JAR-1``); anything else refused, never
half-read."""

from __future__ import annotations

import pytest

from domain.errors import InvalidQuantity
from handlers.scanning import MAX_SCAN_QUANTITY, Scan, parse_scan


@pytest.mark.parametrize(
    ("typed", "scan"),
    [
        ("JAR-1", Scan("JAR-1", 1)),
        ("  JAR-1  ", Scan("JAR-1", 1)),
        ("JAR-1 2", Scan("JAR-1", 2)),
        ("JAR-1 x2", Scan("JAR-1", 2)),
        ("JAR-1 X2", Scan("JAR-1", 2)),
        ("JAR-1 ×2", Scan("JAR-1", 2)),
        ("JAR-1 х2", Scan("JAR-1", 2)),  # a Cyrillic х
        ("JAR-1 *2", Scan("JAR-1", 2)),
        ("JAR-1 x 2", Scan("JAR-1", 2)),
        ("JAR-1 2 шт", Scan("JAR-1", 2)),
        ("JAR-1 2шт.", Scan("JAR-1", 2)),
        ("JAR-1 2 pcs", Scan("JAR-1", 2)),
        ("JAR-1 2x", Scan("JAR-1", 2)),
        ("JAR-1 2 ×", Scan("JAR-1", 2)),
        ("4006381333931 3", Scan("4006381333931", 3)),  # a barcode, then a count
        (f"JAR-1 {MAX_SCAN_QUANTITY}", Scan("JAR-1", MAX_SCAN_QUANTITY)),
    ],
)
def test_a_code_then_a_count_as_people_type_it_is_read(typed: str, scan: Scan) -> None:
    assert parse_scan(typed) == scan


@pytest.mark.parametrize(
    ("typed", "scan"),
    [
        ("2x JAR-1", Scan("JAR-1", 2)),
        ("2X JAR-1", Scan("JAR-1", 2)),
        ("2 x JAR-1", Scan("JAR-1", 2)),
        ("2 × JAR-1", Scan("JAR-1", 2)),  # as the bot writes a line back
        ("2× JAR-1", Scan("JAR-1", 2)),
        ("2 х JAR-1", Scan("JAR-1", 2)),  # a Cyrillic х
        ("x2 JAR-1", Scan("JAR-1", 2)),
        ("2 шт JAR-1", Scan("JAR-1", 2)),
        ("2 pcs 85123A", Scan("85123A", 2)),
        ("2 JAR-1", Scan("JAR-1", 2)),  # JAR-1 is no count: the 2 is
        ("2x 4006381333931", Scan("4006381333931", 2)),  # a barcode after a marked count
    ],
)
def test_a_count_first_is_read_when_it_can_be_read_one_way_only(typed: str, scan: Scan) -> None:
    assert parse_scan(typed) == scan


@pytest.mark.parametrize(
    ("typed", "scan"),
    [
        ("22197 3", Scan("22197", 3)),  # a numeric code then a count, as ever: not 22197 units of "3"
        ("2 3", Scan("2", 3)),
        ("X2 3", Scan("X2", 3)),  # a code that reads as a count keeps the code-first reading it always had
    ],
)
def test_two_readings_keep_the_code_first_one(typed: str, scan: Scan) -> None:
    assert parse_scan(typed) == scan


@pytest.mark.parametrize(
    "typed",
    [
        "JAR-1 0",
        "0x JAR-1",
        f"JAR-1 {MAX_SCAN_QUANTITY + 1}",
        f"{MAX_SCAN_QUANTITY + 1}x JAR-1",
        "JAR-1 two",
        "JAR-1 2.5",
        "JAR-1 -2",
        "JAR-1 x2x",
        "JAR-1 2 3",
        "JAR-1 JAR-2",
        "2x JAR-1 JAR-2",
        "2 4006381333931",  # two numbers, too many for a count: which is the code is a guess
    ],
)
def test_anything_else_is_refused_not_half_read(typed: str) -> None:
    with pytest.raises(InvalidQuantity):
        parse_scan(typed)
