"""What Excel and Google Sheets write is read as meant: delimiter, encoding, decimal comma."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.csvfiles import (
    UTF8,
    UTF8_BOM,
    UTF16,
    WINDOWS_1251,
    HeaderLacksColumns,
    decimal_point,
    decode_csv,
    sniff_delimiter,
)
from domain.errors import ImportRejected
from domain.imports import parse_carriers, parse_customers, parse_prices, parse_stock, parse_suppliers
from domain.money import Money
from domain.ports import SystemClock
from domain.product_file import parse_products
from domain.usecases.import_files import COLUMNS, import_file
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from tests.fakes import FakeClock, FakeUnitOfWork

SHEETS = Path(__file__).parent.parent / "fixtures" / "spreadsheets"


@pytest.mark.parametrize(("header", "delimiter"), [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("sku", ",")])
def test_the_delimiter_is_sniffed_from_the_header(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


def test_excel_csv_utf8_with_bom_crlf_semicolons_and_decimal_commas_reads_as_meant() -> None:
    text = decode_csv((SHEETS / "products-excel.csv").read_bytes())
    assert text.encoding == UTF8_BOM
    parsed, problems = parse_products(text.text)
    assert problems == []
    products = {p.sku: p for _, p in parsed}
    assert products["XL-1"].name == "Mug «North», stoneware"
    assert products["XL-1"].prices == {"GBP": Money(1250, "GBP")} and products["XL-1"].cost == Money(420, "GBP")
    assert products["XL-2"].prices["GBP"] == Money(125000, "GBP")  # "1 250,00": a space groups thousands
    assert products["XL-3"].cost is None and products["XL-3"].weight_g == 0


def test_a_windows_1251_file_is_read_and_the_encoding_named() -> None:
    text = decode_csv((SHEETS / "products-cp1251.csv").read_bytes())
    assert text.encoding == WINDOWS_1251
    parsed, problems = parse_products(text.text)
    assert problems == [] and [p.name for _, p in parsed] == ["Кружка керамическая", "Полотенце льняное"]
    assert parsed[0][1].prices == {"RUB": Money(45000, "RUB")}


def test_utf16_as_excel_unicode_text_writes_it_is_read() -> None:
    data = "sku\twarehouse\tquantity\r\nA\tLON\t3\r\n".encode("utf-16")
    text = decode_csv(data)
    assert text.encoding == UTF16 and parse_stock(text.text)[0][0].quantity == 3


@pytest.mark.parametrize(
    ("data", "line", "named"),
    [
        ("sku,name\nA,Café crème\n".encode("cp1252"), 2, "0xE9"),  # Latin-1: not Cyrillic, so not guessed
        (b"PK\x03\x04\x14\x00rest of a zip", 1, "Excel workbook"),
        (b"sku,name\nA,\x00\x00\n", 2, "NUL"),
    ],
)
def test_a_file_in_another_encoding_is_refused_naming_the_encoding_problem(data: bytes, line: int, named: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        decode_csv(data)
    ((at, reason),) = caught.value.problems
    assert at == line and named in reason and "UTF-8" in reason and "missing column" not in reason


def test_plain_utf8_is_utf8() -> None:
    assert decode_csv("sku,name\nA,Кружка\n".encode()).encoding == UTF8


def test_decimal_commas_and_thousand_groups() -> None:
    assert [decimal_point(v) for v in ("12,50", "1\u00a0234,5", "1.234,50", "7", "3.5")] == [
        "12.50",
        "1234.5",
        "1234.50",
        "7",
        "3.5",
    ]


def test_a_comma_file_keeps_commas_out_of_numbers() -> None:
    _, problems = parse_products('sku,name,category,price,currency\nA,Mug,K,"12,50",GBP\n')
    assert problems == [(2, "price: 12,50 is not a valid amount in GBP.")]


def test_every_problem_of_a_row_is_listed_not_only_the_first() -> None:
    text = "sku;name;category;price;currency;weight_g;barcode\nbad sku!;;;abc;GBP;-1;4006381333932\n"
    _, problems = parse_products(text)
    assert {line for line, _ in problems} == {2}
    reasons = " | ".join(reason for _, reason in problems)
    for expected in ("SKU", "name is required", "category is required", "abc", "weight_g", "barcode"):
        assert expected in reasons, expected
    assert len(problems) == 6


def test_optional_columns_may_be_left_out_of_the_header() -> None:
    assert parse_stock("sku,warehouse,quantity\nA,LON,3\n")[0][0].bin == ""
    assert parse_suppliers("code,name,lead_time_days\nS,Supplies,5\n")[1] == []
    assert parse_customers("name,phone\nAnn Lee,+44 7911 123456\n", "GBP")[1] == []
    carriers = (
        "carrier,service,zone,base_price,currency,transit_days,cutoff_hour,max_weight_g\nRM,24,local,3,GBP,1,15,2000\n"
    )
    ((rate,), problems) = parse_carriers(carriers)
    assert problems == [] and rate.per_kg == Money(0, "GBP")
    _, problems = parse_products("SKU,Name,Category,Price,Currency\nA,Mug,K,1,GBP\n")  # header case does not matter
    assert problems == []


def test_a_missing_required_column_is_the_headers_problem_naming_the_kinds_columns_not_a_bad_row() -> None:
    """Read by any importer, the price rules' among them: said once, as ``import_file``'s header check says it."""
    with pytest.raises(HeaderLacksColumns) as stock:
        parse_stock("sku;warehouse;bin\nA;LON;\n")
    assert stock.value.params == {"missing": "quantity", "kind": "stock", "expected": "sku, warehouse, quantity, bin"}
    with pytest.raises(HeaderLacksColumns) as prices:
        parse_prices("group,currency,price\nretail,GBP,1\n")
    assert prices.value.params["missing"] == "target" and prices.value.params["kind"] == "prices"
    assert all(columns.kind == kind for kind, columns in COLUMNS.items())  # each names the import it is read for


async def test_reimporting_the_same_file_says_unchanged_and_a_changed_row_updated() -> None:
    uow = FakeUnitOfWork()
    data = (SHEETS / "products-excel.csv").read_bytes()
    first = await import_file(uow, FakeClock(), "products", data)
    again = await import_file(uow, FakeClock(), "products", data)
    changed = await import_products(
        uow, SystemClock(), "sku,name,category,price,currency\nXL-1,Mug,Kitchen,12.50,GBP\n"
    )
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)


async def test_stock_before_products_says_what_to_import_first() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ImportRejected) as caught:
        await import_file(uow, FakeClock(), "stock", (SHEETS / "stock-sheets.tsv").read_bytes())
    assert caught.value.problems[:2] == [
        (2, "SKU XL-1 does not exist — import products first"),
        (2, "warehouse LON does not exist — import warehouses first"),
    ]
    await import_products(uow, SystemClock(), (SHEETS / "products-excel.csv").read_text(encoding="utf-8-sig"))
    with pytest.raises(ImportRejected) as caught:
        await import_file(uow, FakeClock(), "stock", (SHEETS / "stock-sheets.tsv").read_bytes())
    assert caught.value.problems[0] == (2, "warehouse LON does not exist — import warehouses first")


async def test_a_stock_count_that_changes_nothing_is_unchanged() -> None:
    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name\nLON,London\nMAN,Manchester\n")
    await import_products(uow, SystemClock(), (SHEETS / "products-excel.csv").read_text(encoding="utf-8-sig"))
    stock = (SHEETS / "stock-sheets.tsv").read_text()
    first = await import_stock(uow, FakeClock(), stock)
    again = await import_stock(uow, FakeClock(), stock)
    assert (first.updated, first.unchanged) == (2, 1)  # XL-3 counted 0 where there was nothing
    assert (again.updated, again.unchanged) == (0, 3)


def test_dates_as_european_excel_saves_them_are_read_and_ambiguous_ones_refused() -> None:
    from domain.imports import parse_demand

    parsed, problems = parse_demand("sku;warehouse;date;quantity\nA;LON;30.11.2026;2\nA;LON;11/30/2026;1\n")
    assert [r.day for r in parsed] == [date(2026, 11, 30)]
    assert problems == [(3, "date must be YYYY-MM-DD or DD.MM.YYYY, got “11/30/2026”")]


async def test_reimporting_warehouses_says_unchanged_and_an_edited_one_updated() -> None:
    uow = FakeUnitOfWork()
    text = "code;name;latitude;longitude\nLON;London;51,5;-0,1\nMAN;Manchester;;\n"
    first = await import_warehouses(uow, text)
    again = await import_warehouses(uow, text.replace("Manchester", "Manchester store"))
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 1, 1)


async def test_a_column_that_is_not_part_of_the_format_is_named_as_ignored() -> None:
    data = b"sku;name;category;price;currency;weigth_g;Price_RUB;notes\nA;Mug;K;1,50;GBP;300;150;fragile\n"
    report = await import_file(FakeUnitOfWork(), FakeClock(), "products", data)
    assert report.created == 1 and report.ignored_columns == ("weigth_g", "notes")


def test_a_customer_email_is_someone_at_a_domain_not_any_text_with_an_at_sign() -> None:
    """Customers are matched by email: "@" or "n/a@" would make every such row one customer."""
    rows, problems = parse_customers("name,email\nA,@\nB,n/a@\nC,a b@shop.example\nD,Ann@Shop.Example\n", "GBP")
    assert [line for line, _ in problems] == [2, 3, 4]
    assert [r.email for r in rows] == ["ann@shop.example"]
