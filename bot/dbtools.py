"""Which database a command uses, whether it holds a shop, and ``ordergram backup``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

# Commands that only read or add to a shop: an absent database is a mistake (a typo in
# DATABASE_URL, another working directory), never a reason to start an empty shop.
NEEDS_A_SHOP = frozenset({"run", "serve", "import", "export", "apikey", "backup", "copy"})
# Commands that bring the schema up to date themselves (README "Upgrading", step 4); migrate too.
UPGRADE_AT_START = frozenset({"run", "serve", "migrate"})
CREATE_IT = "create it with `ordergram migrate` (or set DATABASE_URL to your shop's database)"
COUNTED = ("products", "warehouses", "customers", "orders")


def shown(url: str) -> str:
    """The URL as it may be printed: the password masked, a relative SQLite path made absolute."""
    parsed = make_url(url)
    text = parsed.render_as_string(hide_password=True)
    path = sqlite_path(parsed)
    if path is not None and not Path(parsed.database or "").is_absolute():
        text += f" ({path})"
    return text


def sqlite_path(url: URL | str) -> Path | None:
    """The file of a SQLite URL; None for another engine or an in-memory database."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "").resolve()


def database_ready(url: str, command: str, *, json_logs: bool = False) -> bool:
    """Say on stderr which database ``command`` uses; for a command that needs a shop, refuse
    (False, with what to do) a database that does not exist or has no schema. Checking a
    SQLite file opens it read-only, so a wrong path never leaves an empty file behind."""
    if json_logs:  # every line on stderr is then one JSON object, this one too
        logging.getLogger("ordergram.cli").info("database: %s", shown(url))
    else:
        print(f"database: {shown(url)}", file=sys.stderr)
    server = sqlite_path(url) is None and make_url(url).get_backend_name() != "sqlite"
    path = sqlite_path(url)
    if command == "migrate":
        # migrate makes the schema, not the database: a server it cannot open is said in one line,
        # and so is a schema newer than this version's (restore, or run the newer version)
        if server:
            problem = asyncio.run(_server_problem(url, need_tables=False, command=command))
        else:
            problem = _sqlite_problem(path, command) if path is not None and path.is_file() else None
            problem = None if problem is not None and "no Ordergram tables" in problem else problem
        if problem is not None:
            print(f"ordergram {command}: {problem}", file=sys.stderr)
        return problem is None
    if command not in NEEDS_A_SHOP:
        return True
    if path is not None:
        problem = _sqlite_problem(path, command)
    elif make_url(url).get_backend_name() == "sqlite" or command == "backup":
        problem = None  # in memory: nothing to find; PostgreSQL's backup is a command to run where it can connect
    else:
        problem = asyncio.run(_server_problem(url, command=command))
    if problem is None:
        return True
    print(f"ordergram {command}: {problem}", file=sys.stderr)
    return False


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _sqlite_problem(path: Path, command: str | None = None) -> str | None:
    """Why ``command`` cannot use the SQLite file (read only); None also for a ``command`` of
    None, which asks only whether it holds a shop, not at which schema."""
    if not path.is_file():
        return f"there is no database at {path}; {CREATE_IT}"
    try:
        stamped = _stamped_in(path)
    except sqlite3.DatabaseError as error:
        return f"{path} is not a database Ordergram can read ({error})"
    if stamped is None:
        return f"{path} has no Ordergram tables; {CREATE_IT}"
    return _schema_problem(stamped, command)


def _stamped_in(path: Path) -> frozenset[str] | None:
    """The revisions a SQLite file is stamped with (read only); None when it has no Ordergram tables."""
    connection = _read_only(path)
    try:
        found = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        stamped = connection.execute("SELECT version_num FROM alembic_version").fetchall() if found else []
    finally:
        connection.close()
    return frozenset(str(row[0]) for row in stamped) if found is not None else None


def backup_before_migrating(url: str, *, json_logs: bool = False) -> Path | None:
    """A SQLite shop at an older schema is copied beside itself before its migrations run: a
    migration that fails half way is not rolled back on SQLite, and ``run`` migrates at start, so
    an upgrade made by restarting the service is never without a way back (README "Upgrading").
    None when nothing is to be migrated, for a new database, and on PostgreSQL (its DDL is
    transactional; ``pg_dump`` is the operator's to run)."""
    from bot.config import ConfigError
    from storage.migrate import newer_than_scripts, script_heads

    source = sqlite_path(url)
    if source is None or not source.is_file():
        return None
    stamped, heads = _stamped_in(source), script_heads()
    if not stamped or stamped == heads or newer_than_scripts(stamped):
        return None
    moment = f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    dest = source.with_name(f"{source.stem}-before-upgrade-{'-'.join(sorted(stamped))}-{moment}.sqlite3")
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        integrity, counts = _copy(source, partial)
    except (OSError, sqlite3.Error) as error:
        _remove(partial)
        problem = f"cannot back up {source} before migrating it ({error}); nothing migrated"
        raise ConfigError(f"DATABASE_URL: {problem}") from None
    if integrity != "ok":
        _remove(partial)
        raise ConfigError(f"DATABASE_URL: {source} failed its integrity check ({integrity}); nothing migrated")
    os.replace(partial, dest)
    summary = ", ".join(f"{count} {table}" for table, count in counts.items())
    line = f"backup before migrating: {dest} (integrity ok; {summary})"
    if json_logs:  # every line on stderr is then one JSON object
        logging.getLogger("ordergram.cli").info(line)
    else:
        print(line, file=sys.stderr)  # where "database: …" is said: whatever LOG_LEVEL, the operator sees it
    return dest


def _schema_problem(stamped: frozenset[str], command: str | None) -> str | None:
    from storage.migrate import schema_problem

    if command is None or command == "backup":  # a backup is wanted whatever the schema
        return None
    # run and serve apply pending migrations at start (README "Upgrading"); the one-off commands
    # (import, export, apikey, copy) never change the schema behind the operator's back.
    return schema_problem(stamped, may_upgrade=command in UPGRADE_AT_START, runs_on_newer=command in ("run", "serve"))


async def _server_problem(url: str, *, need_tables: bool = True, command: str | None = None) -> str | None:
    from sqlalchemy import inspect, text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(lambda sync: inspect(sync).has_table("alembic_version"))
            stamped = (
                (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
                if found
                else []
            )
    except Exception as error:  # noqa: BLE001 - whatever the driver says is the reason
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"cannot open the database ({reason}); a new database is made with createdb, then `ordergram migrate`"
    finally:
        await engine.dispose()
    if not found:
        return None if not need_tables else f"the database has no Ordergram tables; {CREATE_IT}"
    return _schema_problem(frozenset(stamped), command)


def backup(url: str, dest: Path) -> int:
    """``ordergram backup DEST``: a consistent copy of a SQLite database, taken with SQLite's
    online backup API while the bot keeps running; for PostgreSQL the ``pg_dump`` command."""
    source = sqlite_path(url)
    if source is None:
        print(pg_dump_command(url, dest))
        print(
            "Run this on a machine with the PostgreSQL client tools; give the password in PGPASSWORD or "
            "~/.pgpass (shown as ***). Restore: pg_restore --clean --if-exists --dbname=… FILE.",
            file=sys.stderr,
        )
        return 0
    if dest.is_dir():
        dest = dest / f"{source.stem}-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
    if dest.exists():
        print(f"ordergram backup: {dest} exists; a backup never overwrites a file", file=sys.stderr)
        return 1
    if not dest.parent.is_dir():
        print(f"ordergram backup: there is no folder {dest.parent}", file=sys.stderr)
        return 1
    partial = dest.with_name(f".{dest.name}.partial")  # never a half-written file under the backup's name
    try:
        integrity, counts = _copy(source, partial)
    except (OSError, sqlite3.Error) as error:
        _remove(partial)
        print(f"ordergram backup: cannot write {dest}: {error}", file=sys.stderr)
        return 1
    if integrity != "ok":
        _remove(partial)
        print(f"ordergram backup: the copy failed its integrity check ({integrity}); nothing kept", file=sys.stderr)
        return 1
    os.replace(partial, dest)
    size = dest.stat().st_size / 1_000_000
    summary = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(f"backup: {dest} ({size:.1f} MB, integrity ok; {summary})")
    return 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _copy(source: Path, dest: Path) -> tuple[str, dict[str, int]]:
    """One backup step for the whole file: it reads one snapshot (in WAL mode writers go on
    beside it), so the copy is the database as of one moment, however busy the shop is."""
    reading, copy = _read_only(source), sqlite3.connect(dest)
    try:
        reading.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        integrity = "; ".join(row[0] for row in copy.execute("PRAGMA integrity_check"))
        counts = {table: int(copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in COUNTED}
    finally:
        copy.close()
        reading.close()
    return integrity, counts


def pg_dump_command(url: str, dest: Path) -> str:
    """The ``pg_dump`` command that backs up a PostgreSQL ``DATABASE_URL`` (password masked)."""
    parsed = make_url(url)
    if dest.suffix == "" and not dest.is_dir():
        dest = dest.with_suffix(".dump")
    elif dest.is_dir():
        dest = dest / f"{parsed.database or 'ordergram'}-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    options = [f"--file={dest}", "--format=custom"]
    if parsed.host:
        options.append(f"--host={parsed.host}")
    if parsed.port:
        options.append(f"--port={parsed.port}")
    if parsed.username:
        options.append(f"--username={parsed.username}")
    options.append(f"--dbname={parsed.database or ''}")
    prefix = "PGPASSWORD=*** " if parsed.password else ""
    return prefix + shlex.join(["pg_dump", *options])


def copy_shop(source: str, target: str) -> int:
    """``ordergram copy SOURCE``: the shop at SOURCE (a URL or a SQLite file) copied whole into
    ``target``, a database ``ordergram migrate`` made and nothing else wrote to."""
    url = source if "://" in source else f"sqlite+aiosqlite:///{Path(source).resolve()}"
    path = sqlite_path(url)
    problem = _sqlite_problem(path) if path is not None else asyncio.run(_server_problem(url))
    if problem is not None:  # checked read-only first: a wrong path leaves no empty file behind
        print(f"ordergram copy: source {shown(url)}: {problem.split('; ')[0]}", file=sys.stderr)
        return 2
    print(f"copying from: {shown(url)}", file=sys.stderr)
    return asyncio.run(_copy_shop(url, target))


async def _copy_shop(source_url: str, target_url: str) -> int:
    from storage.db import create_engine
    from storage.transfer import CopyRefused, copy_shop

    source, target = create_engine(source_url), create_engine(target_url)
    try:
        copied = await copy_shop(source, target)
    except CopyRefused as refused:
        print(f"ordergram copy: {refused}", file=sys.stderr)
        return 2
    finally:
        await source.dispose()
        await target.dispose()
    summary = ", ".join(f"{copied[table]} {table}" for table in COUNTED)
    print(f"copied {sum(copied.values())} rows in {len(copied)} tables ({summary})")
    return 0
