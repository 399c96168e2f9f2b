"""Tax numbers are checked loosely: any country's shape passes, what is not a number does not."""

from __future__ import annotations

import pytest

from domain.tax_numbers import BadTaxNumber, tax_number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("gb 123  4567 89", "GB 123 4567 89"),  # UK VAT
        ("DE123456789", "DE123456789"),
        ("FR XX 999999999", "FR XX 999999999"),
        (" 7707083893 ", "7707083893"),  # a Russian company's ИНН
        ("500100732259", "500100732259"),  # a sole trader's
        ("12-3456789", "12-3456789"),  # a US EIN
        ("CHE-123.456.788 MWST", "CHE-123.456.788 MWST"),
    ],
)
def test_a_tax_number_is_kept_in_capitals_with_its_blanks_run_together(typed: str, kept: str) -> None:
    assert tax_number(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["", "123", "ABCDEFGH", "GB12", "<b>1234</b>", "ИНН 7707083893", "1234\u202e5678", "-1234", "1" * 33],
)
def test_what_is_not_a_tax_number_is_refused(typed: str) -> None:
    with pytest.raises(BadTaxNumber):
        tax_number(typed)
