"""CSV parsing: every bad row reported with its line, nothing imported."""

import pytest

from domain.catalog import InvalidBarcode, normalize_barcode
from domain.csvfiles import HeaderLacksColumns
from domain.errors import ImportRejected
from domain.imports import parse_stock, parse_warehouses
from domain.money import Money
from domain.ports import SystemClock
from domain.product_file import parse_products
from domain.usecases.imports.lists import import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from tests.fakes import FakeClock, FakeUnitOfWork

HEADER = "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"


def test_good_products_parse_with_exact_prices() -> None:
    parsed, problems = parse_products(HEADER + "a-1,Mug,Kitchen,4.50,eur,,300,1,2,3,Nice\n")
    assert problems == []
    ((line, product),) = parsed
    assert line == 2 and product.sku == "A-1" and product.prices["EUR"].amount == 450
    assert product.dimensions is not None and product.dimensions.volume_mm3 == 6


def test_a_market_can_have_its_own_price_column() -> None:
    text = (
        HEADER.replace("\n", ",price_RUB,price_USD\n")
        + "A-1,Mug,Kitchen,4.50,EUR,,,,,,,399,\nA-2,Mug,Kitchen,1,EUR,,,,,,,-1,x\n"
    )
    parsed, problems = parse_products(text)
    assert next(p.prices for _, p in parsed) == {"EUR": Money(450, "EUR"), "RUB": Money(39900, "RUB")}
    assert problems == [
        (3, "price_RUB must not be negative, got -1"),
        (3, "price_USD: x is not a valid amount in USD."),
    ]


def test_every_bad_product_row_is_reported_with_its_line() -> None:
    text = HEADER + (
        "A-1,Mug,Kitchen,4.50,EUR,,,,,,\n"
        "A-2,Mug,Kitchen,abc,EUR,,,,,,\n"
        "A-1,Again,Kitchen,1,EUR,,,,,,\n"
        "A-3,Mug,Kitchen,1.999,EUR,,,,,,\n"
        "A-4,Mug,Kitchen,1,XYZ,,,,,,\n"
        "A-5,Mug,Kitchen,-1,EUR,,,,,,\n"
        "A-6,Mug,Kitchen,1,EUR,4006381333932,,,,,\n"
        "A-7,,Kitchen,1,EUR,,,,,,\n"
        "A-8,Mug,Kitchen,1,EUR,,-5,,,,\n"
    )
    _, problems = parse_products(text)
    assert [line for line, _ in problems] == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = dict(problems)
    assert "duplicate SKU A-1 (first on line 2)" in reasons[4]
    assert "not a valid amount" in reasons[3]
    assert "currency" in reasons[6].lower()
    assert "negative" in reasons[7]
    assert "barcode" in reasons[8]


def test_missing_columns_are_the_headers_problem_not_a_bad_row() -> None:
    with pytest.raises(HeaderLacksColumns) as wrong:
        parse_products("sku,name\nA,B\n")
    assert wrong.value.params["kind"] == "products" and "price" in wrong.value.params["missing"]


def test_warehouse_and_stock_rows_are_validated() -> None:
    _, problems = parse_warehouses(
        "code,name,address,latitude,longitude,pickup_point\nW1,Main,,100,0,false\nW2,Two,,1,,maybe\n"
    )
    assert [line for line, _ in problems] == [2, 3, 3]  # line 3: a latitude alone, and "maybe"
    _, problems = parse_stock("sku,warehouse,bin,quantity\nA,W1,A-1-1-1,-3\nA,W1,NOT A BIN,1\nA,W1,,x\n")
    assert [line for line, _ in problems] == [2, 3, 4]


@pytest.mark.parametrize("code", ["4006381333931", "036000291452", "ABC-123"])
def test_a_barcode_with_its_check_digit_right_or_a_code_of_letters_is_kept_as_typed(code: str) -> None:
    assert normalize_barcode(code) == code


@pytest.mark.parametrize("code", ["4006381333932", "036000291453", "", "x" * 49, "код"])
def test_a_wrong_check_digit_an_empty_a_too_long_or_a_cyrillic_code_is_no_barcode(code: str) -> None:
    with pytest.raises(InvalidBarcode):
        normalize_barcode(code)


async def test_a_bad_stock_file_imports_nothing() -> None:
    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name,address,latitude,longitude,pickup_point\nW1,Main,,,,\n")
    await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,,,,,,\n")
    with pytest.raises(ImportRejected) as caught:
        await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA,W1,,5\nNOPE,W1,,1\nA,W9,,1\n")
    assert caught.value.problems == [
        (3, "SKU NOPE does not exist — import products first"),
        (4, "warehouse W9 does not exist — import warehouses first"),
    ]
    assert uow.state.stock == {} and uow.state.movements == []


async def test_reimporting_products_updates_by_sku() -> None:
    uow = FakeUnitOfWork()
    first = await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,,,,,,\n")
    second = await import_products(uow, SystemClock(), HEADER + "A,Big mug,K,2,EUR,,,,,,\nB,Cup,K,1,EUR,,,,,,\n")
    assert (first.created, first.updated, second.created, second.updated) == (1, 0, 1, 1)
    names = sorted(p.name for p in uow.state.products.values())
    assert names == ["Big mug", "Cup"]


def test_sales_history_rows_are_checked_line_by_line() -> None:
    from domain.imports import parse_demand

    rows = ["A-1,LON,2026-11-02,5", "A-1,LON,02/11/2026,5", "A-2,,2026-11-02,1", "A-3,LON,2026-11-02,0"]
    text = "sku,warehouse,date,quantity\n" + "\n".join([*rows, "A-1,lon,2026-11-02,1"]) + "\n"
    parsed, problems = parse_demand(text)
    assert [r.quantity for r in parsed] == [5, 1]
    reasons = dict(problems)
    assert sorted(reasons) == [3, 4, 5, 6]
    assert "YYYY-MM-DD" in reasons[3] and "warehouse is required" in reasons[4] and "at least 1" in reasons[5]
    assert "duplicate day A-1@LON on 2026-11-02 (first on line 2)" in reasons[6]


def test_a_price_in_exponent_notation_in_a_products_file_is_refused_as_in_chat() -> None:
    _, problems = parse_products(HEADER + "A-1,Mug,Kitchen,1e9,EUR,,,,,,\nA-2,Mug,Kitchen,0.00,EUR,,,,,,\n")
    assert problems == [(2, "price: 1e9: write the amount in digits, like 12.50, not with an exponent.")]


async def test_a_dash_or_empty_barcode_cell_means_no_barcode_as_in_chat() -> None:
    """A "-" was stored as the barcode "-" (and a second product's "-" was a duplicate barcode)."""
    parsed, problems = parse_products(
        HEADER + "A,Mug,K,1,EUR,-,,,,,\nB,Cup,K,1,EUR, - ,,,,,\nC,Jug,K,1,EUR,,,,,,\nD,Pot,K,1,EUR,4006381333931,,,,,\n"
    )
    assert problems == [] and [p.barcode for _, p in parsed] == [None, None, None, "4006381333931"]
    uow = FakeUnitOfWork()
    await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,4006381333931,,,,,\n")
    await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,-,,,,,\n")  # the file takes it away
    assert [p.barcode for p in uow.state.products.values()] == [None]


def test_a_price_row_leaving_a_value_blank_is_told_so_once() -> None:
    """A percent row without its currency read "currency is required" and "Unknown currency code: ."."""
    from domain.imports import parse_prices

    text = "group,target,currency,percent\nwholesale,SKU-1,,5\n,SKU-1,EUR,5\nwholesale,,EUR,5\n"
    _, problems = parse_prices(text)
    assert problems == [(2, "currency is required"), (3, "group is required"), (4, "target is required")]


def test_a_russian_excel_s_true_and_false_are_read() -> None:
    """Russian Excel saves a TRUE cell as ИСТИНА (and FALSE as ЛОЖЬ); people type да and нет:
    each was refused as "must be true or false"."""
    text = "code,name,pickup_point\nMSK,Москва,ИСТИНА\nSPB,Питер,ЛОЖЬ\nKZN,Казань,да\nEKB,Екатеринбург,Нет\n"
    parsed, problems = parse_warehouses(text)
    assert problems == []
    assert [(w.code, w.is_pickup_point) for _, w in parsed] == [
        ("MSK", True),
        ("SPB", False),
        ("KZN", True),
        ("EKB", False),
    ]


def test_a_price_rows_price_of_zero_or_below_is_a_bad_row_as_in_chat() -> None:
    """A price list's 0 made the goods free for the whole group, silently: refused, as
    ``/pricelist add`` refuses it, with the same words (a free item is a promotion)."""
    from domain.imports import parse_prices

    text = "group,target,currency,price\nwholesale,SKU-1,EUR,0\nwholesale,SKU-2,EUR,-1.50\nwholesale,SKU-3,EUR,0.01\n"
    parsed, problems = parse_prices(text)
    refused = "The price must be more than 0, got {value}: to give goods away, use a promotion."
    assert problems == [(2, refused.format(value="0.00 EUR")), (3, refused.format(value="-1.50 EUR"))]
    assert [row.rule.price for row in parsed if not any(line == row.line for line, _ in problems)] == [Money(1, "EUR")]


async def test_a_line_break_typed_in_a_cell_is_stored_as_a_newline_whatever_the_file_ends_lines_with() -> None:
    uow = FakeUnitOfWork()
    rows = 'A,Mug,K,1,EUR,,,,,,"Holds 300 ml.\r\nDishwasher safe."\r\nB,Cup,K,1,EUR,,,,,,Small\r\n'
    text = HEADER.replace("\n", "\r\n") + rows
    report = await import_products(uow, SystemClock(), text)
    stored = {p.sku: p.description for p in uow.state.products.values()}
    assert report.created == 2 and stored == {"A": "Holds 300 ml.\nDishwasher safe.", "B": "Small"}


@pytest.mark.parametrize("kind", ["stock", "demand"])
async def test_stock_and_demand_files_are_read_outside_the_event_loop(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a 500,000-row file takes seconds: on the loop's thread, every chat waited for it."""
    import threading

    from domain.usecases.imports import stock as use_cases

    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name,address,latitude,longitude,pickup_point\nW1,Main,,,,\n")
    await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,,,,,,\n")
    parse = getattr(use_cases, f"parse_{kind}")
    read_in: list[threading.Thread] = []

    def reading(text: str) -> object:
        read_in.append(threading.current_thread())
        return parse(text)

    monkeypatch.setattr(use_cases, f"parse_{kind}", reading)
    if kind == "stock":
        report = await use_cases.import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\nA,W1,,5\n")
        assert report.updated == 1  # the row was imported, as before
    else:  # the fakes keep no sales history: a row naming an unknown SKU is refused, as before
        with pytest.raises(ImportRejected) as caught:
            await use_cases.import_demand(uow, FakeClock(), "sku,warehouse,date,quantity\nNOPE,W1,2026-11-02,3\n")
        assert caught.value.problems == [(2, "SKU NOPE does not exist — import products first")]
    assert read_in and read_in[0] is not threading.main_thread()


@pytest.mark.parametrize("code", ["¹²³⁴⁵⁶⁷⁸⁹⁰¹²", "①②③④⑤⑥⑦⑧⑨⑩①②"])
def test_a_barcode_of_digits_from_other_scripts_is_refused_as_invalid_not_a_crash(code: str) -> None:
    """They pass ``str.isdigit``, and the check digit's ``int`` raised ValueError: "Something went wrong"."""
    with pytest.raises(InvalidBarcode):
        normalize_barcode(code)


async def test_a_stock_file_counting_one_bin_twice_is_refused_naming_both_lines_and_imports_nothing() -> None:
    """A bin left blank counts the default bin: a row naming that bin too was a second count of
    it, both set in turn (the last won) and the summary added the units of both."""
    uow = FakeUnitOfWork()
    await import_warehouses(uow, "code,name,address,latitude,longitude,pickup_point\nW1,Main,,,,\n")
    await import_products(uow, SystemClock(), HEADER + "A,Mug,K,1,EUR,,,,,,\n")
    rows = "A,W1,a-1-1-1,5\nA,W1,A-01-01-1,3\nA,W1,,2\na,w1,main-0-0-0,4\n"
    with pytest.raises(ImportRejected) as caught:
        await import_stock(uow, FakeClock(), "sku,warehouse,bin,quantity\n" + rows)
    assert caught.value.problems == [
        (3, "duplicate stock line A@W1/A-01-01-1 (first on line 2)"),
        (5, "duplicate stock line A@W1/MAIN-00-00-0 (first on line 4)"),
    ]
    assert uow.state.stock == {} and uow.state.movements == []
