"""Which database a command uses, whether it holds a shop, and ``ordergram backup``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shlex
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import URL, make_url

# Commands that only read or add to a shop: an absent database is a mistake (a typo in
# DATABASE_URL, another working directory), never a reason to start an empty shop.
NEEDS_A_SHOP = frozenset({"run", "serve", "import", "export", "apikey", "backup", "copy"})
# Commands that bring the schema up to date themselves (README "Upgrading", step 4); migrate too.
UPGRADE_AT_START = frozenset({"run", "serve", "migrate"})
CREATE_IT = "create it with `ordergram migrate` (or set DATABASE_URL to your shop's database)"
COUNTED = ("products", "warehouses", "customers", "orders")


def counted(counts: dict[str, int]) -> str:
    """``1 product, 2 warehouses, 1,904 orders``: what a copy holds, each table's name singular for one."""
    return ", ".join(f"{count:,} {table.removesuffix('s') if count == 1 else table}" for table, count in counts.items())


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


class Unreachable(str):
    """A database server not reached (not up yet, the network down): waiting may mend it, unlike a refusal."""


def database_ready(url: str, command: str, *, json_logs: bool = False) -> int:
    """Say on stderr which database ``command`` uses; for a command that needs a shop, refuse
    (exit code 2, with what to do) a database that does not exist or has no schema, and a server not
    reached (3: a service manager starts it again later). Checking a SQLite file opens it read-only,
    so a wrong path never leaves an empty file behind. 0: ready."""
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
            if path is not None and not path.parent.is_dir():  # else sqlite3's "unable to open", a traceback
                problem = f"there is no folder {path.parent} for the database; create it, or set DATABASE_URL"
        if problem is not None:
            print(f"ordergram {command}: {problem}", file=sys.stderr)
        return _exit_code(problem)
    if command not in NEEDS_A_SHOP:
        return 0
    if path is not None:
        problem = _sqlite_problem(path, command)
    elif make_url(url).get_backend_name() == "sqlite" or command == "backup":
        problem = None  # in memory: nothing to find; PostgreSQL's backup is a command to run where it can connect
    else:
        problem = asyncio.run(_server_problem(url, command=command))
    if problem is not None:
        print(f"ordergram {command}: {problem}", file=sys.stderr)
    return _exit_code(problem)


def _exit_code(problem: str | None) -> int:
    return 0 if problem is None else 3 if isinstance(problem, Unreachable) else 2


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
    line = f"backup before migrating: {dest} (integrity ok; {counted(counts)})"
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


def _sql_name(name: str) -> str:
    """A role's name as SQL must write it: quoted unless PostgreSQL would read it as it is (it folds the rest)."""
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def cannot_open(error: BaseException, *, user: str) -> str:
    """The server's refusal and its fix: a missing role or a wrong password is not mended by
    createdb (PostgreSQL's SQLSTATE says which it is)."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    code = getattr(error, "sqlstate", None)
    if isinstance(error, OSError) or code == "57P03":  # refused, no such host, timed out; the server starting up
        return Unreachable(
            f"cannot reach the database ({reason}); check DATABASE_URL and that the server is up and accepts it "
            "from here (exit code 3: a service manager starts Ordergram again)"
        )
    if code == "28P01":
        hint = (
            "the password in DATABASE_URL is not this user's: correct it, or set it on the server "
            f"(ALTER ROLE {_sql_name(user)} PASSWORD '…')"
        )
    elif code == "28000" and "does not exist" in reason:
        hint = (
            "DATABASE_URL names a user the server does not have: "
            f"create it (createuser {shlex.quote(user)}) or name one it has"
        )
    elif code == "3D000":
        hint = "a new database is made with createdb, then `ordergram migrate`"
    else:  # refused from this host (pg_hba.conf), …: the reason says which
        hint = "check DATABASE_URL and that the server accepts it from here"
    return f"cannot open the database ({reason}); {hint}"


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
        return cannot_open(getattr(error, "orig", None) or error, user=make_url(url).username or "")
    finally:
        await engine.dispose()
    if not found:
        return None if not need_tables else f"the database has no Ordergram tables; {CREATE_IT}"
    return _schema_problem(frozenset(stamped), command)


def backup(url: str, dest: Path, *, keep_days: int = 0, prune: bool = False, into_folder: bool = False) -> int:
    """``ordergram backup DEST``: a consistent copy of a SQLite database, taken with SQLite's
    online backup API while the bot keeps running; for PostgreSQL the ``pg_dump`` command.

    ``dest`` is a folder when it is one, or when ``into_folder`` (``DEST/`` or ``--prune``): made,
    parents too, if it does not exist; else a file name, never one that exists.

    Into a folder, ``prune`` (the nightly backup's ``--prune``) names the copy ``STEM-YYYYMMDD-HHMMSS``
    and then removes the dated copies older than ``keep_days`` (0: none) and the ``.partial`` files a
    crashed backup left there over a day ago. Without it (a copy an operator takes by hand, before an
    upgrade say) the copy is ``…-manual.sqlite3``, which no pruning removes, and nothing is removed."""
    source = sqlite_path(url)
    if source is None:
        print(pg_dump_command(url, dest, into_folder=into_folder))
        print(
            "Run this on a machine with the PostgreSQL client tools; give the password in PGPASSWORD or "
            "~/.pgpass (shown as ***). Restore: pg_restore --clean --if-exists --dbname=… FILE.",
            file=sys.stderr,
        )
        return 0
    folder = dest if dest.is_dir() or (into_folder and not dest.exists()) else None
    if folder is not None:
        try:  # a nightly backup into a folder not made yet wrote a file by its name, then failed every night
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"ordergram backup: cannot make the folder {folder}: {error.strerror or error}", file=sys.stderr)
            return 1
        dest = _free_name(folder, f"{source.stem}-{datetime.now(UTC):%Y%m%d-%H%M%S}", "" if prune else "-manual")
    if dest.exists():
        print(
            f"ordergram backup: {dest} exists; a backup never overwrites a file: give a folder (ending in /, made "
            "if it does not exist) or a new file name",
            file=sys.stderr,
        )
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
    print(f"backup: {dest} ({size:.1f} MB, integrity ok; {counted(counts)})")
    if folder is not None:
        _pruned(folder, source.stem, keep_days=keep_days, prune=prune)
    return 0


def _free_name(folder: Path, dated: str, kind: str) -> Path:
    """``DATED{KIND}.sqlite3``, or ``DATED-2{KIND}…``, ``-3`` … when a backup of the same second has it: two taken by
    hand in one second were one name, and the second was refused. Its ``.partial`` is made here, so a backup
    running beside this one (the nightly's) takes the next number, never the same file."""
    number = 1
    while True:
        dest = folder / f"{dated}{'' if number == 1 else f'-{number}'}{kind}.sqlite3"
        number += 1
        if dest.exists():
            continue
        try:
            os.close(os.open(dest.with_name(f".{dest.name}.partial"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        except OSError:
            pass  # a folder it cannot write to: said when the copy is written
        return dest


def _pruned(folder: Path, stem: str, *, keep_days: int, prune: bool) -> None:
    """What a backup into ``folder`` removes there (``prune``), or says it left (a manual one)."""
    now = datetime.now(UTC)
    dated = _dated_copies(folder, stem, older_than=now - timedelta(days=keep_days)) if keep_days > 0 else []
    if not prune:
        if dated:  # a timer unit from before --prune would otherwise let copies pile up unsaid
            copies = "dated copy" if len(dated) == 1 else "dated copies"
            print(
                f"backup: {len(dated)} {copies} older than {keep_days} days left in place: the nightly backup "
                "(--prune) removes them",
                file=sys.stderr,
            )
        return
    for path in dated:
        _remove(path)
    if dated:
        copies = "copy" if len(dated) == 1 else "copies"
        print(f"backup: removed {len(dated)} {copies} older than {keep_days} days (BACKUP_KEEP_DAYS)")
    crashed = _crashed_partials(folder, stem, older_than=now - timedelta(days=1))
    for path in crashed:
        _remove(path)
    if crashed:
        copies = "unfinished copy" if len(crashed) == 1 else "unfinished copies"
        print(f"backup: removed {len(crashed)} {copies} a crashed backup left (.partial, older than a day)")


# A nightly copy's name after its stem: the time, and a number when a backup of that second had the name.
NIGHTLY_NAME = re.compile(r"([0-9]{8}-[0-9]{6})(?:-[0-9]+)?")


def _dated_copies(folder: Path, stem: str, *, older_than: datetime) -> list[Path]:
    """The copies a nightly backup named in ``folder`` (``STEM-YYYYMMDD-HHMMSS.sqlite3``, the time in
    the name, ``-2`` … after it for a second's later ones) taken before ``older_than``; any other file there
    (a ``…-manual`` copy too) is the operator's."""
    found = []
    for path in folder.glob(f"{stem}-*.sqlite3"):
        named = NIGHTLY_NAME.fullmatch(path.name.removeprefix(f"{stem}-").removesuffix(".sqlite3"))
        if named is None:
            continue
        try:
            taken = datetime.strptime(named.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            continue
        if taken < older_than and path.is_file():
            found.append(path)
    return found


def _crashed_partials(folder: Path, stem: str, *, older_than: datetime) -> list[Path]:
    """The ``.STEM-….sqlite3.partial`` files a backup killed mid-copy left, last written before
    ``older_than``: a copy being written now is written to as it goes, so it is never among them."""
    found = []
    for path in folder.glob(f".{stem}-*.sqlite3.partial"):
        with contextlib.suppress(OSError):
            if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < older_than:
                found.append(path)
    return found


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
        # Put back, the copy rewinds the change numbering: its own name makes it refuse the stock
        # feed tokens the shop gave since, instead of reading them as points in its numbering.
        from storage.identity import renamed

        renamed(copy)
        integrity = "; ".join(row[0] for row in copy.execute("PRAGMA integrity_check"))
        counts = {table: int(copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in COUNTED}
    finally:
        copy.close()
        reading.close()
    return integrity, counts


def pg_dump_command(url: str, dest: Path, *, into_folder: bool = False) -> str:
    """The ``pg_dump`` command that backs up a PostgreSQL ``DATABASE_URL`` (password masked). ``into_folder``
    (``DEST/`` or ``--prune``): a dated dump in that folder, made here or not (the dump may run elsewhere)."""
    parsed = make_url(url)
    if dest.is_dir() or into_folder:
        dest = dest / f"{parsed.database or 'ordergram'}-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    elif dest.suffix == "":
        dest = dest.with_suffix(".dump")
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
        return _exit_code(problem)
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
    summary = counted({table: copied[table] for table in COUNTED})
    print(f"copied {sum(copied.values()):,} rows in {len(copied)} tables ({summary})")
    return 0
