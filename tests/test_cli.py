"""The ``ordergram`` command as an operator uses it: exit codes and what it prints."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli_files import IMPORT_KINDS
from bot.config import ConfigError, load_settings
from tests.cli import DEMO, ROOT, Result
from tests.services import free_port

REORDER_HEADER = "sku,warehouse,reorder_point,max_level,supplier,pack_size,min_order_qty,unit_cost,currency\n"


def test_the_installed_command_starts_without_a_traceback(tmp_path: Path) -> None:
    """One real process: the console script's module runs and fails cleanly without a token."""
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env={**clean, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("configuration error: BOT_TOKEN:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["migrate"], ["import"], ["demo"]])
def test_every_subcommand_has_help(command: list[str], ordergram) -> None:
    result = ordergram(*command, "--help")
    assert result.returncode == 0 and "usage: ordergram" in result.stdout


def test_export_help_describes_what_it_exports_and_each_option(ordergram) -> None:
    """`ordergram export --help` listed `{journal}`, `--from`, `--to` and `--format` with no word of what they are."""
    out = ordergram("export", "--help").stdout
    assert re.search(r"^  \{journal\}\s+what to export: journal, the accounting journal", out, flags=re.MULTILINE), out
    assert re.search(r"^  --from YYYY-MM-DD\s+the first day", out, flags=re.MULTILINE), out
    assert re.search(r"^  --to YYYY-MM-DD\s+the last day", out, flags=re.MULTILINE), out
    assert re.search(r"^  --format \{csv\}\s+\S", out, flags=re.MULTILINE), out


def test_apikey_help_readme_and_openapi_say_an_orders_key_cancels_an_order_being_picked_its_pickers_told(
    ordergram,
) -> None:
    """A key with `orders` cancels its order mid-pick (pickers told what to put back); the help said "cancel its
    orders" only, and the OpenAPI summary "before it is picked"."""
    from bot.api import ENDPOINTS
    from bot.api_openapi import openapi_document

    help_text = " ".join(ordergram("apikey", "--help").stdout.split())
    assert "cancel its orders, one being picked too (each picker holding it told what to put back)" in help_text
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    scopes = readme[readme.index("**Scopes.**") :][:2500]
    assert "an order being picked too, nothing of it shipped: each picker holding it is told at once" in scopes
    document = openapi_document({(method, path): scope for method, path, _, scope in ENDPOINTS})
    summary = document["paths"]["/api/v1/orders/{code}/cancel"]["post"]["summary"]
    assert "before it is picked" not in summary and "while it is being picked" in summary


def test_the_help_and_readme_name_every_kind_import_takes(ordergram) -> None:
    """`ordergram --help` and README's commands table list what `ordergram import` accepts."""
    kinds = set(IMPORT_KINDS)
    said = re.search(r"\bimport\s+bulk set-up from CSV \(([^)]*)\)", ordergram("--help").stdout)
    assert said is not None
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `ordergram import "))
    assert set(re.findall(r"[a-z]+", said.group(1))) == kinds, said.group(1)
    assert set(row.split("`")[1].removeprefix("ordergram import ").split(" ")[0].split("\\|")) == kinds, row


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BOT_TOKEN": ""}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:x", "ADMIN_IDS": "12,x1"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": "1:x", "DEFAULT_CURRENCY": "XYZ"}, "DEFAULT_CURRENCY"),
        ({"BOT_TOKEN": "1:x", "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": "1:x", "HOLD_MINUTES": "soon"}, "HOLD_MINUTES"),
        ({"BOT_TOKEN": "1:x", "WEBHOOK_URL": "ftp://shop.example/hook"}, "WEBHOOK_URL"),
        ({"BOT_TOKEN": "1:x", "WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET"),
        ({"BOT_TOKEN": "1:x", "DATABASE_URL": "shop.sqlite3"}, "DATABASE_URL"),
        ({"BOT_TOKEN": "1:x", "REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"BOT_TOKEN": "1:x", "API_RATE_LIMIT": "lots"}, "API_RATE_LIMIT"),
        ({"BOT_TOKEN": "1:x", "CASH_ON_DELIVERY": "false"}, "CASH_ON_DELIVERY"),  # and no card payments: no way to pay
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(
    env: dict[str, str],
    variable: str,
    ordergram,
) -> None:
    result = ordergram("run", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"configuration error: {variable}:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "url", "lost"),
    [
        ("WEBHOOK_URL", "https://shop.example.com/tg/hook", "Telegram would post every update there"),
        ("WEBHOOK_URL", "https://example.org/tg/hook", "Telegram would post every update there"),
        ("WEBHOOK_URL", "https://bot.shop.EXAMPLE.NET./tg/hook", "Telegram would post every update there"),
        ("WEBHOOK_URL", "https://example.com:8443/tg/hook", "Telegram would post every update there"),
        ("WEBAPP_URL", "https://shop.example.com", "the menu button, /shop and /dashboard would open it"),
        ("WEBAPP_URL", "https://Example.NET/", "the menu button, /shop and /dashboard would open it"),
    ],
)
def test_a_url_on_a_documentation_domain_stops_start_up(variable: str, url: str, lost: str, ordergram) -> None:
    """The env example's WEBHOOK_URL left as it was pointed Telegram's webhook at example.com: every update went to
    a reserved documentation domain (RFC 2606) and was lost without a word; its WEBAPP_URL gave every customer a
    menu button and /shop opening example.com. Refused at start, in one line."""
    result = ordergram("run", env={"BOT_TOKEN": "1:x", variable: url})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"configuration error: {variable}: {url!r} is an example address"), lines[0]
    assert lost in lines[0] and "your shop's own" in lines[0]


@pytest.mark.parametrize(
    ("variable", "url", "said"),
    [
        (
            "DATABASE_URL",
            "PostgreSQL+asyncpg://shop:s3cret@db/shop",
            "'PostgreSQL+asyncpg://shop:***@db/shop' is not a",
        ),
        ("DATABASE_URL", "postgresql+asyncpg//shop:s3cret@db/shop", "'postgresql+asyncpg//shop:***@db/shop' is not a"),
        ("REDIS_URL", "http://:s3cret@cache", "'http://:***@cache' is not a Redis URL"),
    ],
)
def test_migrate_refusing_a_misspelt_url_never_prints_its_password(
    variable: str, url: str, said: str, tmp_path: Path, ordergram
) -> None:
    """A scheme written wrong had the whole URL, password and all, printed on the console and into the journal."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", variable: url}
    result = ordergram("migrate", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"configuration error: {variable}: {said}"), result.stderr
    assert "s3cret" not in result.stderr + result.stdout


def test_a_url_that_only_looks_like_an_example_domain_is_taken() -> None:
    for url in ("https://myexample.com/tg/hook", "https://example.com.shop.io/tg/hook", "https://shop.example/tg"):
        assert load_settings(bot_token="1:x", webhook_url=url).webhook_url == url
        assert load_settings(bot_token="1:x", webapp_url=url).webapp_url == url


def test_cash_on_delivery_switched_off_says_why_and_starts_with_card_payments() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(cash_on_delivery="false", payment_provider_token=None)
    assert str(refused.value) == (
        "CASH_ON_DELIVERY: false leaves customers no way to pay (only business buyers could, by invoice): set "
        "PAYMENT_PROVIDER_TOKEN to take cards, or keep cash on delivery (CASH_ON_DELIVERY=true)"
    )
    card_only = load_settings(cash_on_delivery="false", payment_provider_token="284685063:TEST:abc")
    assert (card_only.checkout_policy().cash_on_delivery, card_only.checkout_policy().card_payments) == (False, True)
    assert load_settings().checkout_policy().cash_on_delivery  # on unless switched off


def test_serve_refuses_a_health_port_that_is_its_own_port_naming_it(tmp_path: Path, ordergram) -> None:
    """The probes' listener took the port first, and serve was then refused it as if another
    program held it (the line named WEBHOOK_PORT, the one that was right)."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "BOT_TOKEN": "1:x"}
    assert ordergram("migrate", env=env).returncode == 0
    for port in ("8080", "9000"):
        result = ordergram("serve", env={**env, "HEALTH_PORT": port, "WEBHOOK_PORT": port})
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.splitlines()[1:] == [
            f"configuration error: HEALTH_PORT: {port} is WEBHOOK_PORT too; give it another port, or unset it "
            "(serve answers /healthz, /readyz and /metrics on WEBHOOK_PORT)"
        ]


def test_settings_parse_admin_ids_and_normalise_currency() -> None:
    settings = load_settings(admin_ids="1, 2;3", default_currency="gbp", bot_token="1:x")
    assert settings.admin_ids == (1, 2, 3) and settings.default_currency == "GBP"
    with pytest.raises(ConfigError, match=r"^DEFAULT_LOCALE: 'English' is not a language code"):
        load_settings(default_locale="English")
    # A well-formed code without a catalog ("fr") is refused at start: tests/unit/test_shop_identity.py


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _import(ordergram, env: dict[str, str], kind: str, path: Path, text: str) -> Result:
    """``text`` written to ``path`` and imported as ``kind``, as an operator would."""
    path.write_text(text, encoding="utf-8")
    result: Result = ordergram("import", kind, str(path), env=env)
    return result


def test_import_good_files_then_reimport_is_idempotent(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "DEFAULT_CURRENCY": "GBP"}  # the demo shop's
    assert ordergram("migrate", env=env).returncode == 0
    for kind in ("warehouses", "products", "stock"):
        result = ordergram("import", kind, str(DEMO / f"{kind}.csv"), env=env)
        assert result.returncode == 0, result.stderr
    assert _count(db, "products") == 36 and _count(db, "warehouses") == 2
    with sqlite3.connect(db) as connection:  # each product's creation in its history, with the file's name
        created = connection.execute("SELECT actor, after FROM product_changes WHERE field = 'created'").fetchall()
    assert len(created) == 36 and ("import", "85123A · products.csv") in created
    movements = _count(db, "inventory_movements")
    again = ordergram("import", "products", str(DEMO / "products.csv"), env=env)
    assert again.stdout.strip() == "products: 0 created, 0 updated, 36 unchanged"
    assert _count(db, "product_changes") == len(created)  # created once
    restock = ordergram("import", "stock", str(DEMO / "stock.csv"), env=env)
    assert restock.returncode == 0 and _count(db, "inventory_movements") == movements  # nothing changed
    assert restock.stdout.strip() == "stock: 0 bins set, 42 unchanged; units in the file's bins: 15,099"


def test_a_bad_file_reports_every_line_and_imports_nothing(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert ordergram("migrate", env=env).returncode == 0
    bad = tmp_path / "products.csv"
    result = _import(
        ordergram,
        env,
        "products",
        bad,
        "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description\n"
        "OK-1,Fine,Kitchen,1.00,EUR,,,,,,\n"
        "BAD-1,Price,Kitchen,one,EUR,,,,,,\n"
        "OK-1,Duplicate,Kitchen,1.00,EUR,,,,,,\n",
    )
    assert result.returncode == 1
    assert f"{bad}:3: price: one is not a valid amount in EUR." in result.stderr
    assert f"{bad}:4: duplicate SKU OK-1 (first on line 2)" in result.stderr
    assert "2 bad rows, 2 problems; nothing was imported" in result.stderr
    assert _count(db, "products") == 0


def test_stock_for_an_unknown_sku_is_refused(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env=env)
    stock = tmp_path / "stock.csv"
    result = _import(ordergram, env, "stock", stock, "sku,warehouse,bin,quantity\nNOPE,LON,A-01-01-1,5\n")
    assert result.returncode == 1 and f"{stock}:2: SKU NOPE does not exist — import products first" in result.stderr


def test_a_stock_demand_or_reorder_file_reports_its_unknown_codes_with_its_other_bad_lines(
    tmp_path: Path, ordergram
) -> None:
    """One run names every bad line: a bad quantity on one line no longer hides the unknown SKU
    and warehouse of others until it is fixed and the file is run again."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env=env)
    stock = tmp_path / "stock.csv"
    result = _import(
        ordergram, env, "stock", stock, "sku,warehouse,bin,quantity\nNOPE,LON,A-01-01-1,5\nNOPE,LON,A-01-01-2,-1\n"
    )
    assert result.returncode == 1
    assert f"{stock}:2: SKU NOPE does not exist — import products first" in result.stderr
    assert f"{stock}:3: quantity must not be negative, got -1" in result.stderr
    demand = tmp_path / "demand.csv"
    result = _import(
        ordergram, env, "demand", demand, "sku,warehouse,date,quantity\nNOPE,XXX,2026-11-01,2\nNOPE,LON,2026-11-02,x\n"
    )
    assert result.returncode == 1
    assert f"{demand}:2: SKU NOPE does not exist — import products first" in result.stderr
    assert f"{demand}:2: warehouse XXX does not exist — import warehouses first" in result.stderr
    assert f"{demand}:3:" in result.stderr
    reorder = tmp_path / "reorder.csv"
    rows = "NOPE,LON,40,400,NOBODY,12,48,1.10,GBP\nNOPE,LON,x,400,NOBODY,12,48,1.10,GBP\n"
    result = _import(ordergram, env, "reorder", reorder, REORDER_HEADER + rows)
    assert result.returncode == 1
    assert f"{reorder}:2: SKU NOPE does not exist — import products first" in result.stderr
    assert f"{reorder}:2: supplier NOBODY does not exist — import suppliers first" in result.stderr
    assert f"{reorder}:3:" in result.stderr


def test_boxes_suppliers_and_reorder_terms_import_and_bad_lines_are_reported(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert ordergram("migrate", env=env).returncode == 0
    for kind in ("warehouses", "products", "boxes", "suppliers", "reorder"):
        result = ordergram("import", kind, str(DEMO / f"{kind}.csv"), env=env)
        assert result.returncode == 0, (kind, result.stderr)
    assert _count(db, "boxes") == 5 and _count(db, "suppliers") == 2 and _count(db, "supply_terms") == 4
    reorder = tmp_path / "reorder.csv"
    rows = "85123A,LON,40,30,CANDLES,12,0,1.10,GBP\n85123A,MAN,5,40,NOBODY,6,0,1.10,GBP\n"
    rows += "85123A,LON,5,40,CANDLES,0,0,1.10,GBP\n"
    result = _import(ordergram, env, "reorder", reorder, REORDER_HEADER + rows)
    assert result.returncode == 1
    assert f"{reorder}:2: max_level (30) must not be below reorder_point (40)" in result.stderr
    assert f"{reorder}:4: pack_size must be at least 1, got 0" in result.stderr
    unknown = tmp_path / "unknown.csv"
    result = _import(ordergram, env, "reorder", unknown, REORDER_HEADER + "85123A,MAN,5,40,NOBODY,6,0,1.10,GBP\n")
    assert f"{unknown}:2: supplier NOBODY does not exist — import suppliers first" in result.stderr
    assert _count(db, "supply_terms") == 4


def _book_a_sale(db: Path, at: str) -> None:
    """A £9.60 cash sale in the journal at ``at`` (UTC)."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO journal_entries (id, at, source, memo, currency, debit_total, credit_total)"
            " VALUES (1, ?, 'order:AB12CD34', 'sale', 'GBP', 960, 960)",
            (at,),
        )
        connection.executemany(
            "INSERT INTO journal_lines (entry_id, account, debit_minor, credit_minor) VALUES (1, ?, ?, ?)",
            [("1000 Cash", 960, 0), ("4000 Sales", 0, 960)],
        )


def test_the_journal_exports_as_csv_and_bad_dates_are_refused(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "books.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert ordergram("migrate", env=env).returncode == 0
    _book_a_sale(db, "2026-11-20 10:00:00.000000")
    result = ordergram("export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "entry,date,source,memo,account,debit,credit,currency",
        "1,2026-11-20T10:00:00+00:00,order:AB12CD34,sale,1000 Cash,9.60,,GBP",
        "1,2026-11-20T10:00:00+00:00,order:AB12CD34,sale,4000 Sales,,9.60,GBP",
    ]
    later = ordergram("export", "journal", "--from", "2026-11-21", "--to", "2026-12-31", env=env)
    assert later.stdout.splitlines() == ["entry,date,source,memo,account,debit,credit,currency"]
    one_day = ordergram("export", "journal", "--from", "2026-11-20", "--to", "2026-11-20", env=env)
    assert one_day.stdout.splitlines() == result.stdout.splitlines()  # both days included, as /journal takes them
    bad = ordergram("export", "journal", "--from", "yesterday", "--to", "2027-01-01", env=env)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1] == (
        "ordergram export: error: argument --from: 'yesterday' is not a day like 2026-12-31"
    )
    swapped = ordergram("export", "journal", "--from", "2026-12-01", "--to", "2026-11-01", env=env)
    assert (swapped.returncode, swapped.stdout) == (2, "")  # it gave a header alone, exit 0
    assert swapped.stderr == (
        "ordergram export: --to 2026-11-01 must not be before --from 2026-12-01 (the days from --from to --to, "
        "both included)\n"
    )


def test_the_journal_export_takes_days_and_times_of_the_shop_s_time_zone(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "books.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "TIMEZONE": "Europe/Moscow"}
    assert ordergram("migrate", env=env).returncode == 0
    _book_a_sale(db, "2026-11-30 22:30:00.000000")  # 1 December, 01:30 in Moscow
    november = ordergram("export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", env=env)
    assert november.returncode == 0, november.stderr
    assert len(november.stdout.splitlines()) == 1  # the header only
    december = ordergram("export", "journal", "--from", "2026-12-01", "--to", "2026-12-31", env=env)
    assert [row.split(",")[1] for row in december.stdout.splitlines()[1:]] == ["2026-12-01T01:30:00+03:00"] * 2


def test_product_photos_are_found_next_to_the_file_or_reported(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "mug.png").write_bytes(b"\x89PNG fake")
    products = tmp_path / "products.csv"
    header = "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description,photo\n"
    products.write_text(header + "M-1,Mug,K,1,EUR,,,,,,,pics/mug.png\nM-2,Cup,K,1,EUR,,,,,,,pics/cup.png\n")
    result = ordergram("import", "products", str(products), env=env)
    assert result.returncode == 1 and f"{products}:3: Photo file pics/cup.png was not found." in result.stderr
    products.write_text(header + "M-1,Mug,K,1,EUR,,,,,,,pics/mug.png\nM-2,Cup,K,1,EUR,,,,,,,https://x.test/cup.jpg\n")
    assert ordergram("import", "products", str(products), env=env).returncode == 0
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        photos = dict(db.execute("SELECT sku, photo_file_id FROM products").fetchall())
    assert photos == {"M-1": f"file:{tmp_path / 'pics' / 'mug.png'}", "M-2": "https://x.test/cup.jpg"}


def test_an_unreachable_bot_api_is_one_clear_line(tmp_path: Path, ordergram) -> None:
    env = {
        "BOT_TOKEN": "1:x",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}",
    }
    assert ordergram("migrate", env=env).returncode == 0
    result = ordergram("run", env=env)
    assert result.returncode == 3
    assert result.stderr.strip().splitlines()[-1].startswith("cannot reach the Bot API at TELEGRAM_API_URL:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["run", "serve", "migrate", "import"])
def test_a_database_server_not_reached_is_exit_code_3_so_the_service_is_started_again(
    command: str, tmp_path: Path, ordergram
) -> None:
    """PostgreSQL not up yet at boot (or the network not): deploy/ordergram.service restarts exit 3, as for a Bot API
    not reached, but never exit 2, a configuration error; run and serve stopped there for good."""
    args = {"import": ("import", "warehouses", str(DEMO / "warehouses.csv"))}.get(command, (command,))
    url = f"postgresql+asyncpg://shop:s3cret@127.0.0.1:{free_port()}/shop"  # nothing listens there
    result = ordergram(*args, env={"DATABASE_URL": url, "BOT_TOKEN": "1:x"})
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"ordergram {command}: cannot reach the database (")
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_a_misspelt_setting_in_dotenv_is_named_with_the_setting_meant_not_silently_ignored(
    tmp_path: Path, ordergram, caplog: pytest.LogCaptureFixture
) -> None:
    """STAFF_CHAT= in .env was dropped without a word: new orders then went to no one, and nothing said why."""
    (tmp_path / ".env").write_text(
        "DEFAULT_CURRENCY=GBP\nSTAFF_CHAT=-1001234567890\nTELEGRAM_TOKEN=1:x\nPGPASSWORD=kept-for-pg-dump\n",
        encoding="utf-8",
    )
    result = ordergram("migrate", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"})
    assert result.returncode == 0
    said = [record.getMessage() for record in caplog.records if record.name == "ordergram.cli"]
    assert said == [
        ".env: STAFF_CHAT is not an Ordergram setting and is ignored (did you mean STAFF_CHAT_ID?)",
        ".env: TELEGRAM_TOKEN is not an Ordergram setting and is ignored (did you mean BOT_TOKEN?)",
        ".env: PGPASSWORD is not an Ordergram setting and is ignored",
    ]
    assert "kept-for-pg-dump" not in result.stderr + caplog.text


def test_the_base_currency_cannot_change_under_a_journal(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "books.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    assert ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "GBP"}).returncode == 0
    # Before anything is booked the shop may still pick another base currency …
    assert ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "EUR"}).returncode == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT value FROM shop_settings WHERE key = 'books_currency'").fetchone() == ("EUR",)
        connection.execute(
            "INSERT INTO journal_entries (id, at, source, memo, currency, debit_total, credit_total)"
            " VALUES (1, '2026-11-20 10:00:00.000000', 'order:AB12CD34', 'sale', 'EUR', 960, 960)"
        )
    # … but not once the journal has entries: they would sit beside entries in another currency.
    refused = ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "GBP"})
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"database: {url}",
        "configuration error: DEFAULT_CURRENCY: The journal is kept in EUR and has entries; GBP as the base "
        "currency would mix two currencies in one journal. Set it back to EUR, or keep books in GBP in a new database.",
    ]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT value FROM shop_settings").fetchall() == [("EUR",)]
    assert ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "EUR"}).returncode == 0


def test_api_keys_get_orders_only_unless_scopes_are_given_and_list_shows_them(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'keys.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    shop = ordergram("apikey", "create", "web shop", env=env)
    assert shop.returncode == 0 and shop.stdout.startswith("og_") and "scopes orders;" in shop.stderr
    store = ordergram("apikey", "create", "store", "--scope", "stock:read", "--scope", "receipts", env=env)
    assert store.returncode == 0 and "scopes stock:read,receipts;" in store.stderr
    assert ordergram("apikey", "create", "x", "--scope", "everything", env=env).returncode == 2
    nameless = ordergram("apikey", "create", "DPD", "--scope", "carrier", env=env)
    assert nameless.returncode == 1 and "--carrier DPD" in nameless.stderr and not nameless.stdout
    dpd = ordergram("apikey", "create", "DPD", "--scope", "carrier", "--carrier", "DPD", env=env)
    assert dpd.returncode == 0 and "scopes carrier for carriers DPD;" in dpd.stderr
    listing = ordergram("apikey", "list", env=env).stdout.splitlines()
    assert [line.split("\t")[::2] for line in listing] == [
        ["DPD", "carrier", "active"],
        ["store", "stock:read,receipts", "active"],
        ["web shop", "orders", "active"],
    ]
    assert listing[0].endswith("\tcarriers DPD")
    gone = ordergram("apikey", "revoke", "web", env=env)  # a typo of "web shop"
    assert gone.returncode == 1 and gone.stderr.splitlines()[1:] == [
        "ordergram apikey revoke: no active API key named 'web'"
    ]


def test_a_new_api_key_says_it_is_for_the_intake_api_that_serve_runs_and_where(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'keys.sqlite3'}", "WEBHOOK_PORT": "8090"}
    assert ordergram("migrate", env=env).returncode == 0
    made = ordergram("apikey", "create", "web shop", env=env)
    assert made.returncode == 0 and made.stdout.count("\n") == 1  # the key alone on stdout, for a script
    assert made.stderr.splitlines()[1:] == [
        "API key 'web shop' created with scopes orders; it is shown only now.",
        "It works with the intake API, which `ordergram serve` runs (`ordergram run` has none): "
        "http://127.0.0.1:8090/api/v1 (OpenAPI at /api/v1/openapi.json); send it as `Authorization: Bearer og_…`",
    ]
    public = ordergram("apikey", "create", "till", env={**env, "WEBAPP_URL": "https://shop.example"})
    assert public.stderr.splitlines()[-1].split(": ", 1)[1].startswith("https://shop.example/api/v1 (")


def test_a_channels_callback_url_is_set_with_its_secret_printed_once_shown_and_removed(
    tmp_path: Path, ordergram
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'keys.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    assert ordergram("apikey", "create", "market", env=env).returncode == 0
    nobody = ordergram("apikey", "callback", "nobody", "https://m.example/hook", env=env)
    assert nobody.returncode == 1 and "no active API key named 'nobody'" in nobody.stderr and not nobody.stdout
    bad = ordergram("apikey", "callback", "market", "m.example/hook", env=env)
    assert bad.returncode == 1 and "http:// or https://" in bad.stderr
    # README's example copied as it was: refused as start-up refuses WEBHOOK_URL and WEBAPP_URL there.
    copied = ordergram("apikey", "callback", "market", "https://shop.example.com/ordergram-hook", env=env)
    assert copied.returncode == 1 and "example address (a reserved documentation domain)" in copied.stderr
    made = ordergram("apikey", "callback", "market", "https://m.example/hook", env=env)
    assert made.returncode == 0 and made.stdout.startswith("ogwh_") and "shown only now" in made.stderr
    shown = ordergram("apikey", "callback", "market", env=env).stdout
    assert shown.split("\t")[:2] == ["market", "https://m.example/hook"] and "given up 0" in shown
    assert made.stdout.strip() not in shown  # the secret is not shown again
    removed = ordergram("apikey", "callback", "market", "--remove", env=env)
    assert removed.returncode == 0
    assert removed.stdout == (
        "Callback of 'market' removed: no events were waiting; a URL set again gets events from then on\n"
    )
    assert ordergram("apikey", "callback", "market", env=env).stdout == "market\tno callback URL\n"
    assert ordergram("apikey", "callback", "market", "--remove", env=env).returncode == 1


def test_customers_import_sets_business_terms_all_or_nothing(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "DEFAULT_CURRENCY": "EUR"}
    assert ordergram("migrate", env=env).returncode == 0
    header = "name,telegram_id,phone,email,business,payment_terms_days,credit_limit\n"
    bad = tmp_path / "bad.csv"
    result = _import(
        ordergram,
        env,
        "customers",
        bad,
        header + "Acme Ltd,,+49 30 1234567,buyer@acme.example,true,30,5000\n"
        "Nobody,,,,true,,\n"
        "Shop,,,shop@example.com,false,30,\n"
        "Big,,,big@example.com,true,400,\n"
        "Odd,,,odd@example.com,true,,12.345\n"
        "Again,,,buyer@acme.example,true,,\n",
    )
    assert result.returncode == 1, result.stderr
    assert f"{bad}:3: give a telegram_id, a phone or an email" in result.stderr
    assert f"{bad}:4: payment_terms_days and credit_limit are for business customers" in result.stderr
    assert f"{bad}:5: Payment terms are due days from 0 to 365" in result.stderr
    assert f"{bad}:6: Payment terms are due days" in result.stderr
    assert f"{bad}:7: duplicate email buyer@acme.example (first on line 2)" in result.stderr
    assert _count(db, "customers") == 0

    two = "Acme Ltd,,+49 30 1234567,buyer@acme.example,yes,30,5000.50\nCara Consumer,4242,,,,,\n"
    good = _import(ordergram, env, "customers", tmp_path / "customers.csv", header + two)
    assert good.stdout.strip() == "customers: 2 created, 0 updated, 0 unchanged"
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT first_name, is_business, payment_terms_days, credit_limit_minor FROM customers ORDER BY id"
        ).fetchall()
    assert rows == [("Acme", 1, 30, 500050), ("Cara", 0, None, None)]
    off = _import(ordergram, env, "customers", tmp_path / "off.csv", header + "Acme Ltd,,+4930 1234567,,false,,\n")
    assert off.stdout.strip() == "customers: 0 created, 1 updated, 0 unchanged"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT is_business, credit_limit_minor FROM customers WHERE id = 1").fetchone() == (
            0,
            None,
        )


def test_a_photo_path_leading_out_of_the_csv_files_folder_is_a_bad_row(tmp_path: Path, ordergram) -> None:
    """A products file from elsewhere (a supplier's feed) could name any image the server can read
    (`/home/…/scan.png`, `../../…`, a link out): its bytes became a product photo, shown to anyone
    in the Mini App and sent to Telegram. Photos are taken from the file's folder and below."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    feed, private = tmp_path / "feed", tmp_path / "private"
    (feed / "pics").mkdir(parents=True)
    private.mkdir()
    (private / "scan.png").write_bytes(b"\x89PNG private")
    (feed / "pics" / "mug.png").write_bytes(b"\x89PNG fake")
    (feed / "pics" / "link.png").symlink_to(private / "scan.png")
    header = "sku,name,category,price,currency,barcode,weight_g,length_mm,width_mm,height_mm,description,photo\n"
    products = feed / "products.csv"
    outside = (private / "scan.png", "../private/scan.png", "pics/link.png")
    rows = "".join(f"M-{n},Mug,K,1,EUR,,,,,,,{path}\n" for n, path in enumerate(outside, start=2))
    products.write_text(header + "M-1,Mug,K,1,EUR,,,,,,,pics/mug.png\n" + rows)
    result = ordergram("import", "products", str(products), env=env)
    assert result.returncode == 1
    for line, path in enumerate(outside, start=3):
        said = f"{products}:{line}: Photo file {path} is outside the folder of the CSV file: put it there or below."
        assert said in result.stderr, result.stderr
    with sqlite3.connect(tmp_path / "shop.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM products").fetchone() == (0,)  # a bad row imports nothing


def test_run_help_says_it_takes_updates_by_webhook_when_webhook_url_is_set(ordergram) -> None:
    assert "WEBHOOK_URL" in " ".join(ordergram("run", "--help").stdout.split())
    assert "WEBHOOK_URL" in " ".join(ordergram("--help").stdout.split()).split(" serve ")[0]


def test_import_says_which_stored_categories_a_products_file_moved(tmp_path: Path, ordergram) -> None:
    """As the chat's summary does: the file's counts alone called the shirt "unchanged"."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "DEFAULT_CURRENCY": "GBP"}
    assert ordergram("migrate", env=env).returncode == 0
    head = "sku,name,category,price,currency\n"
    for path in ("Clothing > Women > Shirts", "Clothing > Men > Shirts"):
        result = _import(
            ordergram, env, "products", tmp_path / "p.csv", head + f"SHIRT-1,Oxford shirt,{path},20.00,GBP\n"
        )
    assert result.stdout.strip() == (
        "products: 0 created, 0 updated, 1 unchanged; category Shirts moved from Clothing › Women to Clothing › Men, "
        "with everything in it"
    )


def test_import_names_the_stored_variants_a_products_file_leaves_without_words_in_a_language(
    tmp_path: Path, ordergram
) -> None:
    """As the chat's summary does: a file translating one T-shirt of two said nothing of the other."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "DEFAULT_CURRENCY": "GBP"}
    assert ordergram("migrate", env=env).returncode == 0
    head = "sku,name,category,price,currency,parent,options,options_ru\n"
    stored = "TEE,T-shirt,Clothing,12.00,GBP,,Size=S,\nTEE-M,,,,,TEE,Size=M,\n"
    _import(ordergram, env, "products", tmp_path / "p.csv", head + stored)
    result = _import(ordergram, env, "products", tmp_path / "p.csv", head + "TEE-M,,,,,TEE,Size=M,Размер=M\n")
    assert result.stdout.strip() == (
        "products: 0 created, 1 updated, 0 unchanged; TEE: options_ru gives no words to its stored variants TEE, "
        "which the file leaves out"
    )
