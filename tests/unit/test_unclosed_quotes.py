"""A quote left open in a CSV file is said once, on the line it opened, in every kind of import."""

from __future__ import annotations

import pytest

from domain.csvfiles import UNCLOSED_QUOTE, Columns, HeaderQuoteOpen, Problem, read_rows
from domain.errors import ImportRejected
from domain.product_file import parse_products
from domain.usecases.import_files import COLUMNS, KINDS, import_file
from tests.fakes import FakeClock, FakeUnitOfWork

HEADER = "sku,name,category,price,currency\n"


def _said(problems: list[Problem]) -> list[tuple[int, str, object]]:
    return [(line, reason.error.key, reason.error.params.get("line")) for line, reason in problems]


def test_a_quote_left_open_to_the_end_of_the_file_is_one_problem_on_its_line() -> None:
    text = HEADER + "OK-1,Lamp,Kitchen,1.00,GBP\nOK-2,Mug,Kitchen,1.00,GBP\nOK-3,Jug,Kitchen,1.00,GBP\n"
    text += '"BAD-4,unterminated,Kitchen,1.00,GBP\nOK-5,Cup,Kitchen,1.00,GBP\nOK-6,Pan,Kitchen,1.00,GBP\n'
    _parsed, problems = parse_products(text)
    assert _said(problems) == [(5, UNCLOSED_QUOTE, 5)]
    assert problems[0][1] == (
        'the quote (") opened on line 5 is not closed: close it, or write a quote inside a cell as two ("")'
    )


def test_a_quote_left_open_on_the_last_line_without_a_line_break_is_said() -> None:
    _parsed, problems = parse_products(HEADER + 'OK-1,Lamp,Kitchen,1.00,GBP\nBAD-2,"Mug,Kitchen,1.00,GBP')
    assert _said(problems) == [(3, UNCLOSED_QUOTE, 3)]


def test_a_quote_left_open_that_a_later_rows_quote_closes_is_said_and_the_rows_after_are_read() -> None:
    """The csv module ends the open cell at the next quote, on another row: the rows between are
    swallowed, and the row of that quote is read from the middle. One problem, on the line it opened."""
    text = HEADER + 'BAD-1,"Lamp,Kitchen,1.00,GBP\nOK-2,"Mug, big",Kitchen,1.00,GBP\nOK-3,Jug,Kitchen,2.00,GBP\n'
    parsed, problems = parse_products(text)
    assert _said(problems) == [(2, UNCLOSED_QUOTE, 2)]
    assert [(line, p.sku) for line, p in parsed] == [(4, "OK-3")]


def test_a_cell_quoted_over_several_lines_as_spreadsheets_write_it_is_read_as_it_was() -> None:
    text = 'sku,name,category,price,currency,description\nOK-1,Lamp,Kitchen,1.00,GBP,"Warm ""amber""\nlight,"\n'
    text += 'OK-2,"Mug ""big""",Kitchen,1.00,GBP,"Two\nlines"\nOK-3,5" plate,Kitchen,1.00,GBP,"Sloppy" but one line\n'
    parsed, problems = parse_products(text)
    assert problems == []
    assert [(line, p.sku, p.name, p.description) for line, p in parsed] == [
        (2, "OK-1", "Lamp", 'Warm "amber"\nlight,'),
        (4, "OK-2", 'Mug "big"', "Two\nlines"),
        (6, "OK-3", '5" plate', "Sloppy but one line"),
    ]


def test_a_quote_opened_on_a_later_line_of_a_row_is_said_on_that_line() -> None:
    text = 'sku,name,description,category,price,currency\nOK-1,Lamp,"Two\nlines",Kitchen,"1.00,GBP\n'
    text += "OK-2,Jug,,Kitchen,1.00,GBP\n"
    _parsed, problems = parse_products(text)
    assert _said(problems) == [(3, UNCLOSED_QUOTE, 3)]


def test_a_quote_left_open_in_the_header_is_the_headers_problem_not_every_column_missing_nor_a_bad_row() -> None:
    problems: list[Problem] = []
    with pytest.raises(HeaderQuoteOpen):
        list(read_rows('sku,"name,category\nA,B,C\n', Columns(("sku", "name")), problems))
    assert problems == []


@pytest.mark.parametrize("kind", KINDS)
async def test_every_kind_of_import_refuses_a_quote_left_open_by_the_same_rule(kind: str) -> None:
    columns = COLUMNS[kind]
    header = ",".join(columns.required)
    row = ",".join(["x"] * len(columns.required))
    data = f'{header}\n"{row}\n{row}\n'.encode()
    with pytest.raises(ImportRejected) as rejected:
        await import_file(FakeUnitOfWork(), FakeClock(), kind, data)
    assert _said(rejected.value.problems) == [(2, UNCLOSED_QUOTE, 2)]
