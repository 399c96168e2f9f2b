"""A scan typed as a phone worker types it: the code, then how many (``JAR-1 2 шт``, ``JAR-1 x2``); or the count
first (``2x JAR-1``, ``2 x JAR-1``, ``2 JAR-1``), both readings where both read (``2x 150``) for the item expected
to decide; anything else refused, never half-read."""

from __future__ import annotations

import pytest

from domain.errors import InvalidQuantity
from handlers.scanning import MAX_SCAN_QUANTITY, NamedABin, NotAScan, Scan, TwoCodes, readings


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
    assert readings(typed) == [scan]


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
    assert readings(typed) == [scan]


@pytest.mark.parametrize(
    ("typed", "scan"),
    [
        ("22197 3", Scan("22197", 3)),  # a numeric code then a count, as ever: not 22197 units of "3"
        ("2 3", Scan("2", 3)),
    ],
)
def test_two_bare_numbers_read_as_the_code_then_the_count(typed: str, scan: Scan) -> None:
    assert readings(typed) == [scan]


@pytest.mark.parametrize(
    ("typed", "code_first", "count_first"),
    [
        ("2x 150", Scan("2x", 150), Scan("150", 2)),  # a picker's 2 of item 150; or 150 of an item "2x"
        ("2X 150", Scan("2X", 150), Scan("150", 2)),
        ("x2 150", Scan("x2", 150), Scan("150", 2)),
        ("2× 150", Scan("2×", 150), Scan("150", 2)),
        ("2 x 150", Scan("2", 150), Scan("150", 2)),  # "x 150" is a count too
        ("X2 3", Scan("X2", 3), Scan("3", 2)),
    ],
)
def test_a_marked_count_before_a_number_reads_both_ways_for_the_expected_item_to_decide(
    typed: str, code_first: Scan, count_first: Scan
) -> None:
    """«2x 150» was read as 150 units of an item “2x” alone: the picker meant 2 of item 150."""
    assert readings(typed) == [code_first, count_first]


@pytest.mark.parametrize(
    "typed",
    [
        "JAR-1 0",
        "0x JAR-1",
        f"JAR-1 {MAX_SCAN_QUANTITY + 1}",
        f"{MAX_SCAN_QUANTITY + 1}x JAR-1",
        "JAR-1 2.5",
        "JAR-1 -2",
        "JAR-1 x2x",
        "JAR-1 2 3",
        "2 4006381333931",  # two numbers, too many for a count: which is the code is a guess
        "85123A 1 2",
        "JAR-1 x0",
        "JAR-1 0 шт",
        "JAR-1 2,5",
    ],
)
def test_anything_else_is_refused_not_half_read(typed: str) -> None:
    with pytest.raises(InvalidQuantity):
        readings(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "JAR-1 two",
        "where is the ladder?",
        "<b>JAR-1</b> <i>x</i>",
        "where is bin A3?",  # words with a digit in them: still no quantity typed
        "где полка 3?",
        "JAR-1 2 please",
        "is JAR-1 in bin 3",
    ],
)
def test_words_with_no_number_are_refused_as_no_scan_not_as_a_wrong_quantity(typed: str) -> None:
    with pytest.raises(NotAScan):
        readings(typed)


@pytest.mark.parametrize(
    "typed",
    ["JAR-1 JAR-2", "2x JAR-1 JAR-2", "JAR-1 x2 JAR-2", "JAR-1 4006381333931", "4006381333931 4006381333932"],
)
def test_two_codes_in_one_message_are_refused_as_two_codes_not_as_a_wrong_quantity(typed: str) -> None:
    """«JAR-1 JAR-2» was answered «Quantity must be a whole number from 1 to 9999»: nobody typed a quantity."""
    with pytest.raises(TwoCodes) as refused:
        readings(typed)
    assert refused.value.params == {"typed": typed}


@pytest.mark.parametrize(
    ("typed", "bin_code"), [("bin A3", "A3"), ("BIN A-03-03-3", "A-03-03-3"), ("полка 3", "3"), ("ячейка: B2", "B2")]
)
def test_a_bin_named_alone_is_refused_as_a_bin_not_as_a_wrong_quantity(typed: str, bin_code: str) -> None:
    with pytest.raises(NamedABin) as refused:
        readings(typed)
    assert refused.value.params == {"typed": typed, "bin": bin_code}
