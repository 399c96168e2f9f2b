"""The correction rule of a mistyped search: which words are corrected, and to what."""

from __future__ import annotations

import pytest

from domain.search_words import SearchWords, word_form

CATALOG = SearchWords.of(
    ["Wool jumper", "T-shirt, white", "Paper lantern", "Свеча ароматическая", "Ёлка", "Mug", "Kitchen", "Jumpsuit"]
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("jumpr", "jumper"),  # a letter left out
        ("lantren", "lantern"),  # two letters swapped count as one edit
        ("tshirt", "t-shirt"),  # the hyphenated word whole, rather than its part "shirt"
        ("свича", "свеча"),
        ("ёлко", "елка"),  # ё read as е, as a search reads names
        ("Wool jumpr", "Wool jumper"),  # a known word kept as typed
        ("paper lantrn", "paper lantern"),
    ],
)
def test_a_mistyped_word_is_corrected_to_the_closest_catalog_word(typed: str, meant: str) -> None:
    assert CATALOG.corrected(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "mgu",  # three letters or fewer: too short to guess
        "jumper",  # a word of the catalog
        "W-2O",  # a code, not a word
        "xyzzy",  # nothing within the allowed edits
        "jmpr",  # two edits in a word of four letters: one is allowed
        "",
    ],
)
def test_a_short_known_coded_or_too_distant_word_is_not_corrected(typed: str) -> None:
    assert CATALOG.corrected(typed) == ""


def test_six_letters_allow_two_edits_and_five_one() -> None:
    assert CATALOG.closest("jumprr") == "jumper"  # two edits, six letters
    assert CATALOG.closest("jumxy") is None  # two edits, five letters


def test_the_vocabulary_holds_each_word_once_in_every_language() -> None:
    assert len(SearchWords.of(["Mug", "mug", "Кружка", "кружка"])) == 2


@pytest.mark.parametrize(
    ("typed", "meant", "form"),
    [
        ("mugs", "mug", True),  # an ending added
        ("свечами", "свеча", True),
        ("кружки", "кружка", True),  # only the last letter differs
        ("jumper", "jumpers", True),
        ("jumpr", "jumper", False),  # a letter lost inside the word: mistyped
        ("свитр", "свитер", False),
        ("lantren", "lantern", False),
    ],
)
def test_a_word_differing_only_in_its_ending_is_another_form_not_a_typo(typed: str, meant: str, form: bool) -> None:
    assert word_form(typed, meant) is form


def test_a_correction_is_said_when_any_word_of_it_was_misspelt() -> None:
    assert CATALOG.only_word_forms("mugs", "mug")
    assert not CATALOG.only_word_forms("mugs jumpr", "mug jumper")
