"""ordergram import with what spreadsheets write: ; and tab, BOM, CRLF, decimal commas, Windows-1251."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from domain.product_file import PRODUCTS
from tests.cli import DEMO

SHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"


def _shop(tmp_path: Path, ordergram) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "DEFAULT_CURRENCY": "GBP"}
    assert ordergram("migrate", env=env).returncode == 0
    assert ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env=env).returncode == 0
    return env


def test_excel_and_google_sheets_files_import_and_the_summary_is_honest(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    products = ordergram("import", "products", str(SHEETS / "products-excel.csv"), env=env)
    assert products.stdout.strip() == "products: 3 created, 0 updated, 0 unchanged", products.stderr
    stock = ordergram("import", "stock", str(SHEETS / "stock-sheets.tsv"), env=env)
    # a count creates nothing: the bot's wording ("0 created, 2 updated" read as if the file did little)
    assert stock.stdout.strip() == "stock: 2 bins set, 1 unchanged; units in the file's bins: 43", stock.stderr
    again = ordergram("import", "products", str(SHEETS / "products-excel.csv"), env=env)
    assert again.stdout.strip() == "products: 0 created, 0 updated, 3 unchanged"
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        rows = db.execute(
            "SELECT p.sku, pp.amount_minor, p.cost_minor FROM products p JOIN product_prices pp ON pp.product_id = p.id"
            " ORDER BY p.sku"
        ).fetchall()
    assert rows == [("XL-1", 1250, 420), ("XL-2", 125000, 61050), ("XL-3", 399, None)]


def test_a_windows_1251_file_is_read_and_the_summary_names_the_encoding(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    result = ordergram("import", "products", str(SHEETS / "products-cp1251.csv"), env=env)
    assert result.stdout.strip() == (
        "products: 2 created, 0 updated, 0 unchanged; 2 priced only in RUB, which the shop does not take"
        " (it takes GBP): no customer can buy them until a rate is set with /fx (read as Windows-1251)"
    )
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        assert db.execute("SELECT name FROM products ORDER BY sku").fetchall() == [
            ("Кружка керамическая",),
            ("Полотенце льняное",),
        ]


def test_a_file_in_an_unknown_encoding_is_refused_naming_the_encoding(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    latin = tmp_path / "products.csv"
    latin.write_bytes("sku;name;category;price;currency\nA;Café crème;Drinks;2,50;EUR\n".encode("cp1252"))
    result = ordergram("import", "products", str(latin), env=env)
    assert result.returncode == 1
    assert f"{latin}:2: This is not a text file in UTF-8 or Windows-1251: 0xE9." in result.stderr
    assert "missing column" not in result.stderr


def test_every_problem_of_every_row_is_printed_and_long_lists_are_capped(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    bad = tmp_path / "products.csv"
    rows = ["sku;name;category;price;currency;weight_g", "OK-1;Fine;Kitchen;1,00;GBP;", "bad sku!;;Kitchen;x;GBP;-3"]
    bad.write_text("\r\n".join(rows + [f"B-{i};;K;1;GBP;" for i in range(60)]) + "\r\n", encoding="utf-8-sig")
    result = ordergram("import", "products", str(bad), env=env)
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    on_line_3 = [line for line in lines if line.startswith(f"{bad}:3:")]
    assert len(on_line_3) == 4  # the SKU, the name, the price, the weight
    assert any("name is required" in line for line in on_line_3) and any("weight_g" in line for line in on_line_3)
    assert len([line for line in lines if line.startswith(f"{bad}:")]) == 50
    assert "… and 14 more" in lines
    assert lines[-1] == "61 bad rows, 64 problems; nothing was imported"
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM products").fetchone() == (0,)


def test_demand_older_than_the_history_kept_is_reported(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    assert ordergram("import", "products", str(SHEETS / "products-excel.csv"), env=env).returncode == 0
    demand = tmp_path / "demand.csv"
    old = [f"XL-1;LON;2019-01-{day:02d};1" for day in range(1, 29)]
    recent = f"XL-1;LON;{date.today() - timedelta(days=7)};2"
    demand.write_text("sku;warehouse;date;quantity\n" + "\n".join([*old, recent]) + "\n")
    result = ordergram("import", "demand", str(demand), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("demand: 1 created, 0 updated, 0 unchanged; 28 rows before ")
    assert result.stdout.strip().endswith("ignored (forecasts keep 104 weeks)")


def test_reimporting_suppliers_and_reorder_terms_says_unchanged(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    for kind in ("products", "suppliers", "reorder"):
        assert ordergram("import", kind, str(DEMO / f"{kind}.csv"), env=env).returncode == 0
    assert ordergram("import", "suppliers", str(DEMO / "suppliers.csv"), env=env).stdout.strip() == (
        "suppliers: 0 created, 0 updated, 2 unchanged"
    )
    assert ordergram("import", "reorder", str(DEMO / "reorder.csv"), env=env).stdout.strip() == (
        "reorder: 0 created, 0 updated, 4 unchanged"
    )
    changed = tmp_path / "reorder.csv"
    header = (DEMO / "reorder.csv").read_text().splitlines()[0]
    changed.write_text(header + "\n85123A,LON,40,500,CANDLES,12,48,1.10,GBP\n")  # a higher max_level
    result = ordergram("import", "reorder", str(changed), env=env)
    assert result.stdout.strip() == "reorder: 0 created, 1 updated, 0 unchanged"


def test_a_misspelt_column_is_named_in_the_summary(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    typo = tmp_path / "products.csv"
    typo.write_text("sku,name,category,price,currency,weigth_g\nA-1,Mug,Kitchen,4.50,GBP,300\n")
    result = ordergram("import", "products", str(typo), env=env)
    assert result.stdout.strip() == (
        "products: 1 created, 0 updated, 0 unchanged; column(s) ignored, not part of the format: weigth_g"
    )


def test_a_bad_row_with_a_multi_line_description_is_named_by_the_line_it_starts_on(tmp_path: Path, ordergram) -> None:
    """Shopify's Body (HTML) and an Excel cell with Alt+Enter keep their new lines inside quotes:
    a problem names the line where its row begins, where a text editor shows the SKU."""
    env = _shop(tmp_path, ordergram)
    rows = [
        "sku;name;category;price;currency;description",
        'ML-1;Lamp;Lighting;1,00;GBP;"<p>Warm light</p>\r\n<ul>\r\n<li>E27</li>\r\n</ul>"',  # lines 2-5
        'ML-2;Mug;Kitchen;x;GBP;"Holds\r\n300 ml"',  # lines 6-7: a bad price
        'ML-1;Lamp again;Lighting;1,00;GBP;"One\r\nmore"',  # lines 8-9: the SKU again
    ]
    bad = tmp_path / "products.csv"
    bad.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    result = ordergram("import", "products", str(bad), env=env)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith(str(bad))] == [
        f"{bad}:6: price: x is not a valid amount in GBP.",
        f"{bad}:8: duplicate SKU ML-1 (first on line 2)",
    ]


def test_products_priced_only_in_a_currency_the_shop_does_not_take_are_counted_in_the_summary(
    tmp_path: Path,
    ordergram,
) -> None:
    env = _shop(tmp_path, ordergram)  # in pounds, no rates
    file = tmp_path / "products.csv"
    file.write_text("sku;name;category;price;currency\nRU-1;Кружка;Kitchen;350,00;RUB\nGB-1;Mug;Kitchen;3,50;GBP\n")
    result = ordergram("import", "products", str(file), env=env)
    assert result.stdout.strip() == (
        "products: 2 created, 0 updated, 0 unchanged; 1 priced only in RUB, which the shop does not take"
        " (it takes GBP): no customer can buy them until a rate is set with /fx"
    )


def test_whole_numbers_grouped_in_thousands_by_a_russian_excel_import_as_prices_do(tmp_path: Path, ordergram) -> None:
    """A cell formatted with a thousands separator is saved as shown: "1 500" (a no-break space)."""
    env = _shop(tmp_path, ordergram)
    products = tmp_path / "products.csv"
    row = "W-16;Гиря;Спорт;1 500,00;GBP;16\u00a0000"
    products.write_bytes(f"sku;name;category;price;currency;weight_g\r\n{row}\r\n".encode("cp1251"))
    assert ordergram("import", "products", str(products), env=env).returncode == 0
    stock = tmp_path / "stock.csv"
    header = "sku;warehouse;bin;quantity\nW-16;LON;A-01-01-1;1\u202f250\n"
    stock.write_text(header + "W-16;MAN;;12 34\n", encoding="utf-8-sig")
    refused = ordergram("import", "stock", str(stock), env=env)
    assert refused.stderr.splitlines()[1:-1] == [f"{stock}:3: quantity must be a whole number, got “12 34”"]
    stock.write_text(header + "W-16;MAN;;2 000\n", encoding="utf-8-sig")
    result = ordergram("import", "stock", str(stock), env=env)
    assert result.stdout.strip() == "stock: 2 bins set, 0 unchanged; units in the file's bins: 3,250"
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        assert db.execute("SELECT weight_g FROM products WHERE sku = 'W-16'").fetchone() == (16000,)
        assert db.execute("SELECT sum(on_hand) FROM stock").fetchone() == (3250,)


def test_an_empty_products_file_names_the_missing_header_once(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    empty = tmp_path / "products.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n;;;;\r\n")  # what Excel saves of a sheet whose rows were deleted
    result = ordergram("import", "products", str(empty), env=env)
    assert result.stderr.splitlines()[1:] == [
        f"{empty}: The file's header is wrong: it lacks the column(s) sku, name, category, price, currency. A products "
        f"file has the columns {', '.join(PRODUCTS.all)}. Nothing was imported."
    ]


def test_a_header_lacking_a_column_is_no_bad_row_and_a_file_of_another_kind_is_named_once(
    tmp_path: Path, ordergram
) -> None:
    env = _shop(tmp_path, ordergram)
    file = tmp_path / "products.csv"
    file.write_text("sku,name,category,price\nT-1,Tee,Clothing,1.00\n")
    result = ordergram("import", "products", str(file), env=env)
    assert result.returncode == 1
    said = result.stderr.splitlines()[1:]
    assert said == [
        f"{file}: The file's header is wrong: it lacks the column(s) currency. A products file has the columns "
        f"{', '.join(PRODUCTS.all)}. Nothing was imported."
    ]
    file.write_text("sku,name,category,price,currency\n" + "".join(f"T-{n},Tee,Clothing,1.00,GBP\n" for n in range(36)))
    result = ordergram("import", "customers", str(file), env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        f"{file}: This looks like a products file, not a customers one: import it as products. Nothing was imported."
    ]


def test_a_row_with_more_values_than_columns_is_named_once(tmp_path: Path, ordergram) -> None:
    env = _shop(tmp_path, ordergram)
    file = tmp_path / "products.csv"
    file.write_text("sku;name;category;price;currency;parent;options\nT-1;Tee;Clothing;1,00;GBP;T;Size=S;Colour=Red\n")
    result = ordergram("import", "products", str(file), env=env)  # options unquoted: ";" split them
    assert result.stderr.splitlines()[1:] == [
        f"{file}:2: more values than columns",
        "1 bad row, 1 problem; nothing was imported",
    ]


def test_russian_mobiles_written_with_the_trunk_8_import_as_their_plus_7_numbers(tmp_path: Path, ordergram) -> None:
    """1C keeps "8 (916) 123-45-67": it was stored as +89161234567, a number no one has, so the
    customer sharing +79161234567 in the bot was never found. +89… is assigned to no country."""
    env = _shop(tmp_path, ordergram)
    customers = tmp_path / "customers.csv"
    rows = "name;phone;email\r\nИван Петров;8 (916) 123-45-67;\r\nПётр;+7 916 765-43-21;\r\nАнна;89031112233;\r\n"
    customers.write_bytes(rows.encode("cp1251"))
    result = ordergram("import", "customers", str(customers), env=env)
    assert result.stdout.strip() == "customers: 3 created, 0 updated, 0 unchanged (read as Windows-1251)"
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        assert db.execute("SELECT phone FROM customers ORDER BY phone").fetchall() == [
            ("+79031112233",),
            ("+79161234567",),
            ("+79167654321",),
        ]
    again = tmp_path / "more.csv"
    again.write_text("name,phone\nIvan,+79161234567\n", encoding="utf-8")  # the same man, found by his phone
    assert ordergram("import", "customers", str(again), env=env).stdout.strip() == (
        "customers: 0 created, 0 updated, 1 unchanged"
    )
