"""Which database ``ordergram`` uses, a shop it will not invent, empty settings, and backups."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command as alembic_command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.config import load_settings
from bot.dbtools import backup
from sandbox import SandboxServer
from storage.db import create_engine
from storage.migrate import alembic_config, script_heads, script_revisions, upgrade_to_head
from tests.cli import DEMO, ROOT, Result
from tests.conftest import PG_ADMIN_URL, _pg_admin
from tests.running_process import start_polling, start_unmigrated, stop_ordergram, wait_until

DATA_COMMANDS = [
    ("import", "warehouses", str(DEMO / "warehouses.csv")),
    ("export", "journal", "--from", "2026-01-01", "--to", "2026-01-31"),
    ("apikey", "list"),
    ("run",),
    ("serve",),
    ("backup", "copy.sqlite3"),
]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
def test_a_command_that_expects_a_shop_refuses_a_missing_database_and_creates_no_file(
    command: tuple[str, ...], tmp_path: Path, ordergram
) -> None:
    db = tmp_path / "typo.sqlite3"
    result: Result = ordergram(*command, env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "BOT_TOKEN": "1:x"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"database: sqlite+aiosqlite:///{db}",
        f"ordergram {command[0]}: there is no database at {db}; create it with `ordergram migrate` "
        "(or set DATABASE_URL to your shop's database)",
    ]
    assert not db.exists() and not (tmp_path / "copy.sqlite3").exists()


def _stamped(db: Path, revision: str | None = None) -> str:
    """The database's schema revision; with ``revision``, stamped so first (as an older or a
    newer version of Ordergram would have left it)."""
    with sqlite3.connect(db) as connection:
        if revision is not None:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        (stamped,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    connection.close()
    return str(stamped)


def _behind(db: Path) -> str:
    """``db`` migrated to one revision before head: a shop the previous release made."""
    config = alembic_config(f"sqlite:///{db}")
    (head,) = script_heads()
    previous = str(ScriptDirectory.from_config(config).get_revision(head).down_revision)
    alembic_command.upgrade(config, previous)
    return previous


ONE_OFF_COMMANDS = [command for command in DATA_COMMANDS if command[0] in ("import", "export", "apikey")]


@pytest.mark.parametrize("command", ONE_OFF_COMMANDS, ids=lambda c: c[0])
def test_a_one_off_command_on_a_schema_behind_refuses_and_says_to_back_up_and_migrate(
    command: tuple[str, ...], tmp_path: Path, ordergram
) -> None:
    """README "Upgrading": back up, then `ordergram migrate`. An export or an API key made with
    a new version must not migrate the shop's database behind the operator's back."""
    db = tmp_path / "shop.sqlite3"
    previous = _behind(db)
    (head,) = script_heads()
    result = ordergram(*command, env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}"})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[1:] == [
        f"ordergram {command[0]}: the database is at schema {previous} and this version needs {head}; back it up "
        "(`ordergram backup`), then run `ordergram migrate` (see Upgrading in the README)"
    ]
    assert _stamped(db) == previous  # nothing migrated
    assert ordergram("migrate", env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}).returncode == 0
    assert ordergram(*command, env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}).returncode == 0


def test_migrating_a_shop_at_an_older_schema_backs_it_up_beside_it_first(tmp_path: Path, ordergram) -> None:
    """README "Upgrading": `run` migrates at start, so restarting the service on a new version
    upgrades the shop; on SQLite a migration that fails half way is not rolled back. The shop as
    it was is kept beside it, whole, at its old schema; a new or current database makes none."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0 and ordergram("migrate", env=env).returncode == 0
    db = tmp_path / "shop.sqlite3"
    previous = _behind(db)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO warehouses (id, code, name, address, is_pickup_point) VALUES (1, 'LON', 'London', '', 0)"
        )
    connection.close()
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    migrated = ordergram("migrate", env=env)
    again = ordergram("migrate", env=env)
    (head,) = script_heads()
    (kept,) = tmp_path.glob("*-before-upgrade-*")
    assert migrated.returncode == 0 and again.returncode == 0 and _stamped(db) == head
    assert kept.name.startswith(f"shop-before-upgrade-{previous}-") and kept.suffix == ".sqlite3"
    assert f"backup before migrating: {kept} (integrity ok; 0 products, 1 warehouse, 0 customers" in migrated.stderr
    assert _stamped(kept) == previous
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT code FROM warehouses").fetchall() == [("LON",)]
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["new.sqlite3", "shop.sqlite3", kept.name])


def test_migrate_refuses_a_database_that_lacks_what_this_version_reads_and_says_what(tmp_path: Path, ordergram) -> None:
    """Stamped at the latest schema but without a column (a migration edited after this shop ran
    it, a hand-made change): said at once, not as "something went wrong" to each customer."""
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert ordergram("migrate", env=env).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE orders DROP COLUMN gift_message")
        connection.execute("DROP TABLE job_runs")
    connection.close()
    refused = ordergram("migrate", env=env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines()[1:] == [
        "configuration error: DATABASE_URL: the database lacks what this version reads (job_runs, "
        "orders.gift_message) although its migrations ran; restore the backup taken before the upgrade and "
        "report it to Ordergram's maintainers"
    ]


async def test_start_up_that_migrated_a_database_refuses_one_still_lacking_what_this_version_reads(
    tmp_path: Path,
) -> None:
    from bot.config import ConfigError
    from bot.runtime import open_database

    db = tmp_path / "shop.sqlite3"
    await asyncio.to_thread(_behind, db)
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE order_lines DROP COLUMN names")  # 0035's: no later revision adds it
    connection.close()
    with pytest.raises(ConfigError, match=r"lacks what this version reads \(order_lines.names\)"):
        await open_database(load_settings(database_url=f"sqlite+aiosqlite:///{db}"))


async def test_a_bot_restarted_after_refusing_a_database_lacking_what_it_reads_refuses_it_again(
    tmp_path: Path,
) -> None:
    """The first start migrated (the database is stamped at head now) and refused; a second start,
    an operator's or the service manager's restart, must not begin answering customers with it."""
    from bot.config import ConfigError
    from bot.runtime import open_database, start_runtime

    db = tmp_path / "shop.sqlite3"
    await asyncio.to_thread(_behind, db)
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE order_lines DROP COLUMN names")  # 0035's: no later revision adds it
    connection.close()
    local = "http://127.0.0.1:9"  # were it to start, it would ask no one
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{db}", bot_token="1:x", telegram_api_url=local)
    with pytest.raises(ConfigError, match=r"lacks what this version reads \(order_lines.names\)"):
        await open_database(settings)
    with pytest.raises(ConfigError, match=r"lacks what this version reads \(order_lines.names\)"):
        await start_runtime(settings)


@pytest.mark.parametrize("command", [*ONE_OFF_COMMANDS, ("migrate",)], ids=lambda c: c[0])
def test_a_schema_a_newer_version_made_is_said_in_one_line_not_a_traceback(
    command: tuple[str, ...], tmp_path: Path, ordergram
) -> None:
    """After an upgrade is rolled back to the old version: say what happened and what to do."""
    db = tmp_path / "shop.sqlite3"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert ordergram("migrate", env=env).returncode == 0
    _stamped(db, "9999")
    result = ordergram(*command, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()[1:]
    assert line.startswith(f"ordergram {command[0]}: the database is at schema 9999, newer than this version")
    assert line.endswith("Use that version, or restore the backup taken before the upgrade")
    assert _stamped(db) == "9999"
    backed_up = ordergram("backup", str(tmp_path / "before-rollback.sqlite3"), env=env)
    assert backed_up.returncode == 0  # a backup is taken whatever the schema


def test_a_file_without_ordergram_tables_is_refused_and_left_as_it_was(tmp_path: Path, ordergram) -> None:
    other = tmp_path / "notes.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    result = ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env={"DATABASE_URL": f"sqlite:///{other}"})
    assert result.returncode == 2
    assert f"ordergram import: {other} has no Ordergram tables; create it with `ordergram migrate`" in result.stderr
    with sqlite3.connect(other) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    connection.close()


def _migrate_process(workdir: Path, *args: str) -> Result:
    """``ordergram migrate`` as its own process: logging set up as an operator's is (pytest's is not)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT"}}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate", *args],
        env={**clean, "PYTHONPATH": str(ROOT)},
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_migrate_says_in_one_line_from_which_schema_to_which_and_alembics_lines_only_with_v(tmp_path: Path) -> None:
    """A new shop's migrate printed ~67 lines of Alembic INFO, one a migration: the one line that mattered was lost."""
    (head,) = script_heads()
    count = len(script_revisions())
    new = _migrate_process(tmp_path)
    assert new.returncode == 0, new.stderr
    assert new.stderr.splitlines() == [f"database: sqlite+aiosqlite:///{tmp_path / 'ordergram.sqlite3'}"]
    assert new.stdout == f"database migrated from none (a new database) to schema {head}: {count} migrations\n"
    previous = _behind(tmp_path / "shop.sqlite3")
    shop = tmp_path / "shop.sqlite3"
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite+aiosqlite:///{shop}\n")
    told = _migrate_process(tmp_path, "-v")
    assert told.returncode == 0, told.stderr
    assert told.stdout == f"database migrated from schema {previous} to schema {head}: 1 migration\n"
    assert f"Running upgrade {previous} -> {head}" in told.stderr  # Alembic's own line, asked for
    again = _migrate_process(tmp_path)
    assert (again.returncode, again.stdout) == (0, "database is at the latest schema\n")


@pytest.mark.parametrize("command", ["run", "serve"])
async def test_run_and_serve_migrating_at_start_say_it_in_one_line_as_migrate_does(
    tmp_path: Path, command: str
) -> None:
    """An upgraded bot's start printed Alembic's INFO, a line a migration, where `migrate` says one."""
    db = tmp_path / "run.sqlite3"
    previous = await asyncio.to_thread(_behind, db)
    (head,) = script_heads()
    server = SandboxServer()
    await server.start()

    async def from_the_old_schema(
        server: SandboxServer, workdir: Path, command: str, **env: str
    ) -> asyncio.subprocess.Process:
        if _stamped(db) != previous:  # a try refused its port had migrated it first
            for path in (db, db.with_name(f"{db.name}-wal"), db.with_name(f"{db.name}-shm")):
                path.unlink(missing_ok=True)
            await asyncio.to_thread(_behind, db)
        return await start_unmigrated(server, workdir, command, **env)

    process = await start_polling(server, tmp_path, command, {}, from_the_old_schema)
    try:
        await wait_until(process, lambda: "getUpdates" in server.requested, "polling")  # start-up is over
    finally:
        stderr = await stop_ordergram(process, server)
    assert " alembic" not in stderr, stderr
    said = [line.partition(" INFO ")[2] for line in stderr.splitlines() if "database migrated" in line]
    assert said == [f"bot.runtime: database migrated from schema {previous} to schema {head}: 1 migration"], stderr
    assert _stamped(tmp_path / "run.sqlite3") == head


def test_migrate_creates_the_default_database_in_the_working_directory_and_says_where(
    tmp_path: Path, ordergram
) -> None:
    created = ordergram("migrate")  # no DATABASE_URL: the fixture runs in tmp_path
    default = tmp_path / "ordergram.sqlite3"
    assert created.returncode == 0 and default.is_file()
    assert created.stderr.splitlines()[0] == f"database: sqlite+aiosqlite:///{default}"
    imported = ordergram("import", "warehouses", str(DEMO / "warehouses.csv"))
    assert imported.returncode == 0 and imported.stdout.strip() == "warehouses: 2 created, 0 updated, 0 unchanged"


def test_a_relative_sqlite_path_is_shown_resolved(tmp_path: Path, ordergram) -> None:
    result = ordergram("migrate", env={"DATABASE_URL": "sqlite+aiosqlite:///shop.sqlite3"})
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == f"database: sqlite+aiosqlite:///shop.sqlite3 ({tmp_path / 'shop.sqlite3'})"


@pytest.mark.postgres
def test_on_postgresql_the_password_is_masked_and_an_empty_database_is_refused_until_migrated(
    ordergram, pg_database: str
) -> None:
    from sqlalchemy.engine import make_url

    name = f"{make_url(pg_database).database}_empty"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(PG_ADMIN_URL).set(database=name, password="s3cret").render_as_string(hide_password=False)
        refused = ordergram("apikey", "list", env={"DATABASE_URL": url})
        assert refused.returncode == 2
        assert refused.stderr.splitlines()[0] == f"database: {url.replace(':s3cret@', ':***@')}"
        assert "the database has no Ordergram tables; create it with `ordergram migrate`" in refused.stderr
        assert "s3cret" not in refused.stderr + refused.stdout
        assert ordergram("migrate", env={"DATABASE_URL": url}).returncode == 0
        assert ordergram("apikey", "list", env={"DATABASE_URL": url}).returncode == 0
        missing = ordergram("apikey", "list", env={"DATABASE_URL": url.replace(name, f"{name}_nope")})
        assert missing.returncode == 2 and f'database "{name}_nope" does not exist' in missing.stderr
        # migrate makes the schema, never the database: one line says so (it was a traceback)
        unmade = ordergram("migrate", env={"DATABASE_URL": url.replace(name, f"{name}_nope")})
        assert unmade.returncode == 2 and "Traceback" not in unmade.stderr
        assert unmade.stderr.splitlines()[1] == (
            f'ordergram migrate: cannot open the database (database "{name}_nope" does not exist); '
            "a new database is made with createdb, then `ordergram migrate`"
        )
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_an_empty_environment_variable_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_API_URL", "ADMIN_IDS", "WEBHOOK_PORT", "DEFAULT_CURRENCY", "STAFF_CHAT_ID"):
        monkeypatch.setenv(name, "")
    (tmp_path / ".env").write_text("TIMEZONE=\nHOLD_MINUTES=\nDATABASE_URL=\n", encoding="utf-8")
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.admin_ids == () and settings.webhook_port == 8080 and settings.staff_chat_id is None
    assert settings.default_currency == "EUR" and settings.timezone == "UTC" and settings.hold_minutes == 30
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'ordergram.sqlite3'}"


def test_an_empty_variable_in_the_env_file_does_not_stop_a_command(tmp_path: Path, ordergram) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_API_URL=\nDEFAULT_CURRENCY=\nWEBHOOK_SECRET=\n", encoding="utf-8")
    assert ordergram("migrate").returncode == 0


def _journal(connection: sqlite3.Connection) -> tuple[int, int, int, int]:
    entries, lines, debit, credit = connection.execute(
        "SELECT (SELECT count(*) FROM journal_entries), count(*), sum(debit_minor), sum(credit_minor)"
        " FROM journal_lines"
    ).fetchone()
    return int(entries), int(lines), int(debit or 0), int(credit or 0)


ENTRY = text(
    "INSERT INTO journal_entries (id, at, source, memo, currency, debit_total, credit_total)"
    " VALUES (:id, '2026-11-20 10:00:00.000000', :source, 'sale', 'EUR', 500, 500)"
)
LINE = text("INSERT INTO journal_lines (entry_id, account, debit_minor, credit_minor) VALUES (:id, :account, :d, :c)")


async def test_a_backup_taken_while_the_shop_writes_is_one_consistent_moment(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    committed = 0
    stop = asyncio.Event()
    reached = {300: asyncio.Event(), 600: asyncio.Event()}

    async def writer(number: int) -> None:  # one sale per transaction: an entry and its two lines
        nonlocal committed
        for i in range(10**6):
            if stop.is_set():
                return
            entry = number * 10**6 + i
            async with engine.begin() as connection:
                await connection.execute(ENTRY, {"id": entry, "source": f"order:{entry}"})
                await connection.execute(LINE, {"id": entry, "account": "1000 Cash", "d": 500, "c": 0})
                await connection.execute(LINE, {"id": entry, "account": "4000 Sales", "d": 0, "c": 500})
            committed += 1
            for count, event in reached.items():
                if committed >= count:
                    event.set()
            await asyncio.sleep(0)

    writers = [asyncio.create_task(writer(n)) for n in range(1, 5)]
    await reached[300].wait()
    copy = tmp_path / "backups" / "shop-copy.sqlite3"
    copy.parent.mkdir()
    # A sale half written when the backup runs: the copy is taken inside its transaction.
    async with engine.begin() as connection:
        await connection.execute(ENTRY, {"id": 1, "source": "order:HALF"})
        await connection.execute(LINE, {"id": 1, "account": "1000 Cash", "d": 500, "c": 0})
        assert await asyncio.to_thread(backup, url, copy) == 0
        await connection.execute(LINE, {"id": 1, "account": "4000 Sales", "d": 0, "c": 500})
    await reached[600].wait()  # the shop goes on writing after the backup
    stop.set()
    await asyncio.gather(*writers)
    await engine.dispose()

    assert not (copy.parent / f".{copy.name}.partial").exists()
    copied = sqlite3.connect(copy)
    assert copied.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    entries, lines, debit, credit = _journal(copied)
    assert copied.execute("SELECT count(*) FROM journal_entries WHERE source = 'order:HALF'").fetchone() == (0,)
    assert copied.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copied.close()
    assert entries >= 300 and lines == 2 * entries and debit == credit == 500 * entries
    original = sqlite3.connect(tmp_path / "shop.sqlite3")
    final = _journal(original)
    original.close()
    assert final[0] > entries and final[1] == 2 * final[0] and final[2] == final[3]


def test_backup_writes_a_dated_copy_into_a_folder_and_never_overwrites(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    assert ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env=env).returncode == 0
    (tmp_path / "backups").mkdir()
    made = ordergram("backup", "backups", env=env)
    assert made.returncode == 0, made.stderr
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.name.startswith("shop-") and copy.suffix == ".sqlite3"
    assert made.stdout.startswith(f"backup: {Path('backups') / copy.name} (")
    assert "integrity ok; 0 products, 2 warehouses, 0 customers, 0 orders)" in made.stdout
    again = ordergram("backup", str(Path("backups") / copy.name), env=env)
    assert again.returncode == 1 and "exists; a backup never overwrites a file" in again.stderr
    nowhere = ordergram("backup", "no/such/folder/x.sqlite3", env=env)
    assert nowhere.returncode == 1 and "there is no folder no/such/folder" in nowhere.stderr
    # The copy is a shop: commands run on it.
    restored = {"DATABASE_URL": f"sqlite+aiosqlite:///{copy}"}
    assert ordergram("import", "warehouses", str(DEMO / "warehouses.csv"), env=restored).stdout.strip() == (
        "warehouses: 0 created, 0 updated, 2 unchanged"
    )


def test_a_backup_into_a_folder_not_made_yet_makes_it_so_the_next_nights_backups_go_there_too(
    tmp_path: Path, ordergram
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    made = ordergram("backup", "backups/", env=env)  # a trailing / says a folder; it was written as a file
    assert made.returncode == 0, made.stderr
    (manual,) = (tmp_path / "backups").iterdir()
    assert manual.name.endswith("-manual.sqlite3")
    nightly = ordergram("backup", "--prune", "backups/", env=env)
    assert nightly.returncode == 0, nightly.stderr
    assert len(list((tmp_path / "backups").iterdir())) == 2
    deep = ordergram("backup", "--prune", "nightly/shop", env=env)  # the nightly one's is a folder; parents made
    assert deep.returncode == 0, deep.stderr
    assert [p.suffix for p in (tmp_path / "nightly" / "shop").iterdir()] == [".sqlite3"]


def test_backups_taken_in_the_same_second_get_names_of_their_own_and_old_ones_are_still_pruned(
    tmp_path: Path, ordergram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two manual backups in one second were one name: the second was refused as 'exists'. A second's later
    copies take -2, -3 after the time; the nightly pruning reads their time as the first's."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}", "BACKUP_KEEP_DAYS": "7"}
    assert ordergram("migrate", env=env).returncode == 0
    moment = datetime(2026, 12, 1, 3, 0, 0, tzinfo=UTC)

    class Stopped(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return moment

    monkeypatch.setattr("bot.dbtools.datetime", Stopped)
    for _ in range(3):
        assert (made := ordergram("backup", "backups/", env=env)).returncode == 0, made.stderr
    for _ in range(2):
        assert (made := ordergram("backup", "--prune", "backups/", env=env)).returncode == 0, made.stderr
    backups = tmp_path / "backups"
    assert sorted(p.name for p in backups.iterdir()) == [
        "shop-20261201-030000-2-manual.sqlite3",
        "shop-20261201-030000-2.sqlite3",
        "shop-20261201-030000-3-manual.sqlite3",
        "shop-20261201-030000-manual.sqlite3",
        "shop-20261201-030000.sqlite3",
    ]
    moment += timedelta(days=8)  # a week and a day on: the nights' two copies are past BACKUP_KEEP_DAYS
    night = ordergram("backup", "--prune", "backups/", env=env)
    assert night.returncode == 0, night.stderr
    assert "backup: removed 2 copies older than 7 days (BACKUP_KEEP_DAYS)" in night.stdout
    assert sorted(p.name for p in backups.iterdir()) == [
        "shop-20261201-030000-2-manual.sqlite3",
        "shop-20261201-030000-3-manual.sqlite3",
        "shop-20261201-030000-manual.sqlite3",
        "shop-20261209-030000.sqlite3",
    ]


def test_a_backup_to_a_file_that_exists_is_refused_saying_to_give_a_folder(tmp_path: Path, ordergram) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    (tmp_path / "backups").write_text("an old backup written as a file\n")
    for dest in ("backups", "backups/"):
        refused = ordergram("backup", "--prune", dest, env=env)
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1] == (
            "ordergram backup: backups exists; a backup never overwrites a file: give a folder "
            "(ending in /, made if it does not exist) or a new file name"
        )
    assert (tmp_path / "backups").read_text() == "an old backup written as a file\n"


def test_backup_on_postgresql_prints_the_pg_dump_command_with_the_password_masked(ordergram) -> None:
    url = "postgresql+asyncpg://shop:s3cret@db.example:6432/ordergram"
    result = ordergram("backup", "/srv/backups/shop.dump", env={"DATABASE_URL": url})
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "PGPASSWORD=*** pg_dump --file=/srv/backups/shop.dump --format=custom --host=db.example --port=6432 "
        "--username=shop --dbname=ordergram"
    )
    assert "s3cret" not in result.stdout + result.stderr
    assert "pg_restore" in result.stderr


@pytest.mark.parametrize("args", [("/srv/backups/",), ("--prune", "/srv/backups")], ids=["slash", "prune"])
def test_backup_on_postgresql_into_a_folder_dumps_a_dated_file_inside_it(args: tuple[str, ...], ordergram) -> None:
    """The nightly unit's ``backup --prune /srv/shop/backups/`` on a PostgreSQL shop: a folder not made here
    (the dump is taken where the client tools are) is a folder still, not ``/srv/backups.dump`` beside it."""
    url = "postgresql+asyncpg://shop@db.example/ordergram"
    result = ordergram("backup", *args, env={"DATABASE_URL": url})
    assert result.returncode == 0
    dumped = result.stdout.split("--file=")[1].split()[0]
    assert dumped.startswith("/srv/backups/ordergram-") and dumped.endswith(".dump")
    datetime.strptime(dumped.removeprefix("/srv/backups/ordergram-").removesuffix(".dump"), "%Y%m%d-%H%M%S")


def test_sample_writes_the_demo_files_with_their_import_order_and_never_overwrites(tmp_path: Path, ordergram) -> None:
    made = ordergram("sample", "samples")
    assert made.returncode == 0 and made.stderr == ""  # no database involved
    written = sorted(p.relative_to(tmp_path / "samples").as_posix() for p in (tmp_path / "samples").rglob("*.*"))
    assert "products.csv" in written and "photos/22197.png" in written and len(written) == 8 + 6
    commands = [line.split()[2] for line in made.stdout.splitlines() if line.startswith("  ordergram import")]
    assert commands == ["warehouses", "products", "carriers", "boxes", "suppliers", "reorder", "stock", "demand"]
    assert (tmp_path / "samples" / "stock.csv").read_bytes() == (DEMO / "stock.csv").read_bytes()
    again = ordergram("sample", "samples")
    assert again.returncode == 1 and "exists; choose an empty folder" in again.stderr


def test_the_samples_demand_history_ends_last_week_and_imports_whole(tmp_path: Path, ordergram) -> None:
    """The shipped history is 2010–2011: written as it is, its import kept none of it (forecasts
    read 104 weeks) and said so, after the walkthrough's command. It is moved up, as the demo's."""
    before = datetime.now(UTC).date()
    assert ordergram("sample", "samples").returncode == 0
    with (tmp_path / "samples" / "demand.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    shipped = list(csv.DictReader(io.StringIO((DEMO / "demand.csv").read_text(encoding="utf-8"))))
    last = max(date.fromisoformat(row["date"]) for row in rows)
    assert any(  # the day the sample was written: a run across midnight has two
        today - timedelta(days=today.weekday() + 7) <= last < today - timedelta(days=today.weekday())
        for today in {before, datetime.now(UTC).date()}
    )
    assert len(rows) == len(shipped) and {r["sku"] for r in rows} == {r["sku"] for r in shipped}
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"}
    assert ordergram("migrate", env=env).returncode == 0
    for kind in ("warehouses", "products", "demand"):
        imported = ordergram("import", kind, f"samples/{kind}.csv", env=env)
        assert imported.returncode == 0, imported.stderr
    assert "ignored" not in imported.stdout
    with sqlite3.connect(tmp_path / "shop.sqlite3") as connection:
        weeks = connection.execute("SELECT COUNT(DISTINCT day) FROM demand").fetchone()
    assert weeks is not None and weeks[0] > 50


@pytest.mark.parametrize("command", ["backup", "sample"])
def test_the_new_commands_have_help(command: str, ordergram) -> None:
    result = ordergram(command, "--help")
    assert result.returncode == 0 and f"usage: ordergram {command}" in result.stdout


def test_migrate_with_another_books_currency_refuses_before_migrating_anything(tmp_path: Path, ordergram) -> None:
    """A DEFAULT_CURRENCY the shop's journal is not kept in is refused before the upgrade: the
    database stays at its schema and no backup is made, so "configuration error" means what it says."""
    db = tmp_path / "shop.sqlite3"
    previous = _behind(db)
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO shop_settings (key, value) VALUES ('books_currency', 'EUR')")
        connection.execute(
            "INSERT INTO journal_entries (id, at, source, memo, currency, debit_total, credit_total)"
            " VALUES (1, '2026-11-20 10:00:00.000000', 'order:AB12CD34', 'sale', 'EUR', 960, 960)"
        )
    connection.close()
    url = f"sqlite+aiosqlite:///{db}"
    refused = ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "GBP"})
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"database: {url}",
        "configuration error: DEFAULT_CURRENCY: The journal is kept in EUR and has entries; GBP as the base "
        f"currency would mix two currencies in one journal. Set it back to EUR, or keep books in GBP in a new "
        f"database. Nothing was migrated (the database is still at schema {previous}).",
    ]
    assert _stamped(db) == previous
    assert sorted(path.name for path in tmp_path.iterdir()) == ["shop.sqlite3"]  # no backup either
    migrated = ordergram("migrate", env={"DATABASE_URL": url, "DEFAULT_CURRENCY": "EUR"})
    (head,) = script_heads()
    assert migrated.returncode == 0
    assert migrated.stdout == f"database migrated from schema {previous} to schema {head}: 1 migration\n"
    assert _stamped(db) == head


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://shop@127.0.0.1:5432/ordergram", "postgresql+asyncpg://shop@127.0.0.1:5432/ordergram"),
        ("postgres://shop@127.0.0.1/ordergram", "postgresql+asyncpg://shop@127.0.0.1/ordergram"),
        ("postgresql+psycopg2://shop@db/ordergram", "postgresql+asyncpg://shop@db/ordergram"),
        ("mysql://shop@db/ordergram", "Ordergram runs on SQLite or PostgreSQL"),
    ],
)
def test_a_database_url_without_ordergrams_driver_is_one_line_naming_the_url_to_use(
    url: str, said: str, ordergram
) -> None:
    result = ordergram("migrate", env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("configuration error: DATABASE_URL: ")
    assert said in result.stderr


def test_migrate_into_a_folder_that_does_not_exist_says_so_in_one_line(tmp_path: Path, ordergram) -> None:
    db = tmp_path / "no-such-folder" / "ordergram.sqlite3"
    result = ordergram("migrate", env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"ordergram migrate: there is no folder {db.parent} for the database" in result.stderr
    assert not db.parent.exists()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite:///",
        "sqlite+aiosqlite://",
        "sqlite:///:memory:",
    ],
)
@pytest.mark.parametrize("command", [("migrate",), ("run",)], ids=lambda c: c[0])
def test_a_database_url_naming_no_file_is_refused_not_kept_in_memory_and_lost(
    url: str, command: tuple[str, ...], ordergram
) -> None:
    """An in-memory SQLite database: migrate said "latest schema" and a shop run on it lost
    every order when it stopped."""
    result = ordergram(*command, env={"DATABASE_URL": url, "BOT_TOKEN": "1:x"})
    assert result.returncode == 2 and "latest schema" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"configuration error: DATABASE_URL: {url} names no database file (SQLite would keep the shop in memory "
        "and lose it when Ordergram stops); give a path, like sqlite+aiosqlite:////srv/shop/ordergram.sqlite3"
    ]


@pytest.mark.postgres
def test_a_missing_postgresql_role_is_told_to_make_the_role_not_the_database(ordergram) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(PG_ADMIN_URL).set(username="ordergram_nouser").render_as_string(hide_password=False)
    refused = ordergram("migrate", env={"DATABASE_URL": url})
    assert refused.returncode == 2 and "createdb" not in refused.stderr
    assert refused.stderr.splitlines()[1] == (
        'ordergram migrate: cannot open the database (role "ordergram_nouser" does not exist); '
        "DATABASE_URL names a user the server does not have: create it (createuser ordergram_nouser) or name one it has"
    )


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (
            "InvalidPasswordError",
            "the password in DATABASE_URL is not this user's: correct it, or set it on the server "
            "(ALTER ROLE shop PASSWORD '…')",
        ),
        ("InvalidCatalogNameError", "a new database is made with createdb, then `ordergram migrate`"),
    ],
)
def test_a_postgresql_refusal_gets_the_hint_for_its_cause(error: str, hint: str) -> None:
    """A wrong password was told to run createdb, as a missing database is."""
    import asyncpg  # type: ignore[import-untyped]

    from bot.dbtools import cannot_open

    said = cannot_open(getattr(asyncpg.exceptions, error)("refused"), user="shop")
    assert said == f"cannot open the database (refused); {hint}"


def test_a_wrong_password_hint_names_a_mixed_case_role_as_postgresql_reads_it() -> None:
    """ALTER ROLE Shop set the password of the role "shop": PostgreSQL folds a name left unquoted."""
    import asyncpg

    from bot.dbtools import cannot_open

    said = cannot_open(asyncpg.exceptions.InvalidPasswordError("refused"), user="Shop-EU")
    assert said.endswith("""(ALTER ROLE "Shop-EU" PASSWORD '…')""")
