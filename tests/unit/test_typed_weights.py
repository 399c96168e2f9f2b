"""A parcel's weight is read as people type it, in grams or kilograms, and as the bot writes it."""

from __future__ import annotations

import pytest

from handlers.scanning import typed_grams


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("1250", 1250),
        ("1250g", 1250),
        ("1250 гр.", 1250),
        ("1 250 г", 1250),
        ("1\xa0250 г", 1250),  # as the bot writes it in Russian
        ("1,250 g", 1250),  # as it writes it in English
        ("1,25 кг", 1250),
        ("1,250 кг", 1250),  # a decimal comma: no parcel weighs a tonne
        ("1.25 kg", 1250),
    ],
)
def test_a_weight_is_read_in_grams_or_kilograms(typed: str, grams: int) -> None:
    assert typed_grams(typed) == grams


@pytest.mark.parametrize("typed", ["heavy", "тяжёлая", "1,5 г", "12,5", "1,2345 кг", "1 2", "", "-5"])
def test_anything_but_whole_grams_is_not_a_weight(typed: str) -> None:
    assert typed_grams(typed) is None
