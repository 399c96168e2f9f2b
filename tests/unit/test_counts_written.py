"""Counts the command line and an import summary print read as English (and Russian) write them."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from bot.dbtools import counted


def test_one_of_a_kind_is_singular_and_thousands_are_grouped() -> None:
    """`ordergram backup` of a new shop said "1 customers, 1 orders", and a big one "1904 orders" beside an import's
    "15,099"."""
    held = {"products": 1, "warehouses": 2, "customers": 1, "orders": 1904}
    assert counted(held) == "1 product, 2 warehouses, 1 customer, 1,904 orders"
    assert counted({"products": 0, "orders": 1}) == "0 products, 1 order"


def test_an_import_s_counts_are_grouped_as_its_units_are() -> None:
    """`ordergram import demand` of the sample files said "demand: 1705 created" where the stock import beside it said
    "units in the file's bins: 15,099"."""
    from bot.cli_files import import_summary
    from domain.usecases.imports.report import ImportReport

    summary = import_summary("demand", ImportReport(created=1705, updated=12_000, unchanged=3))
    assert summary == "demand: 1,705 created, 12,000 updated, 3 unchanged"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "1,705 created, 12,000 updated, 3 unchanged."),
        ("ru", "создано 1\xa0705, изменено 12\xa0000, без изменений 3."),
    ],
)
def test_a_file_sent_in_chat_counts_its_rows_as_the_reader_writes_numbers(i18n: I18n, language: str, said: str) -> None:
    """A products file of ten thousand rows sent in chat was answered "products: 10000 created" (in Russian
    «создано 10000»), where the same summary's units read "15,099" and «15 099»."""
    from domain.usecases.imports.report import ImportReport
    from handlers.imports import summary

    with i18n.use_locale(language):
        shown = summary("demand", ImportReport(created=1705, updated=12_000, unchanged=3), "Europe/London")
    assert shown.split(": ", 1)[1] == said  # after the kind, named in the reader's language
