"""Programmatic Alembic: ``ordergram migrate`` and start-up both call ``upgrade_to_head``."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"](\w+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def script_heads() -> frozenset[str]:
    """The head revisions, read from the scripts' ``revision``/``down_revision`` lines. Empty
    when a script does not state them plainly: then only Alembic can tell."""
    revisions, parents = _scripts()
    return frozenset(revisions - parents)


def script_revisions() -> frozenset[str]:
    """Every revision this version's scripts know (empty when a script does not state it plainly)."""
    return _scripts()[0]


def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    graph = _graph()
    parents = {parent for downs in graph.values() for parent in downs}
    return frozenset(graph), frozenset(parents)


def _graph() -> dict[str, frozenset[str]]:
    """Each script's revision and the revisions it follows; empty when a script does not state them plainly."""
    graph: dict[str, frozenset[str]] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return {}
        graph[revision.group(1)] = frozenset(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    return graph


def migrations_between(before: frozenset[str], after: frozenset[str]) -> int:
    """How many of the scripts' migrations lead from the ``before`` revisions (none: a new database) to ``after``."""
    revisions = _graph()

    def below(tops: frozenset[str]) -> set[str]:  # the revisions and all they stand on
        seen: set[str] = set()
        waiting = list(tops)
        while waiting:
            revision = waiting.pop()
            if revision not in seen:
                seen.add(revision)
                waiting.extend(revisions.get(revision, ()))
        return seen

    return len(below(after) - below(before))


def newer_than_scripts(stamped: frozenset[str]) -> bool:
    """Whether a newer version of Ordergram migrated the database: it carries a revision these
    scripts do not know. Migrations are additive, so this version still works on it (the old
    processes of a rolling upgrade, README "Upgrading"), but cannot migrate it."""
    known = script_revisions()
    return bool(known) and bool(stamped - known)


def schema_problem(stamped: frozenset[str], *, may_upgrade: bool, runs_on_newer: bool = False) -> str | None:
    """What stops a command on a database stamped ``stamped``: one behind these scripts, unless
    ``may_upgrade`` (a one-off command changes the schema only when told to: ``ordergram
    migrate``, after a backup); one newer than them, unless ``runs_on_newer`` (the bot itself,
    so a process of the old version restarted during a rolling upgrade comes back). None when
    it may go on."""
    heads = script_heads()
    if not heads or stamped == heads:
        return None
    shown, latest = ", ".join(sorted(stamped)) or "none", ", ".join(sorted(heads))
    if newer_than_scripts(stamped):
        if runs_on_newer:
            return None
        return (
            f"the database is at schema {shown}, newer than this version of Ordergram knows (latest {latest}): "
            "a newer version migrated it. Use that version, or restore the backup taken before the upgrade"
        )
    if may_upgrade:
        return None
    return (
        f"the database is at schema {shown} and this version needs {latest}; back it up (`ordergram backup`), "
        "then run `ordergram migrate` (see Upgrading in the README)"
    )


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database already carries exactly the scripts' heads: then there is nothing to
    upgrade, and start-up need not import Alembic and load every script (a third of the start-up
    of ``ordergram import``; bench/cli_startup.py)."""
    heads = script_heads()
    return bool(heads) and await stamped_revisions(engine) == heads


async def books_before_upgrade(engine: AsyncEngine) -> tuple[str | None, int]:
    """The journal's currency and its entry count, read at whatever schema the database is (both
    tables are as old as the journal): a setting the books refuse is said before migrating."""
    try:
        async with engine.connect() as connection:
            kept = (
                await connection.execute(text("SELECT value FROM shop_settings WHERE key = 'books_currency'"))
            ).scalar()
            entries = (await connection.execute(text("SELECT count(*) FROM journal_entries"))).scalar()
    except DBAPIError:  # a new database, or one from before the journal: nothing to refuse
        return None, 0
    return (str(kept) if kept is not None else None), int(entries or 0)


async def stamped_revisions(engine: AsyncEngine) -> frozenset[str]:
    """The revisions ``alembic_version`` holds; empty for a new database."""
    try:
        async with engine.connect() as connection:
            stamped = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except DBAPIError:  # no alembic_version table yet: a new database
        return frozenset()
    return frozenset(stamped)


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Run pending migrations on an engine's connection (works inside a running loop). A
    database a newer version migrated is left as it is (with a warning): Alembic cannot go
    there from here, and migrations being additive, this version works on it. On SQLite, the
    search's trigram table is made too when migration 0072 could not make it and the library now
    can (``storage.search_table.ensure``): a library upgraded after the shop's needs no new revision."""
    from storage import search_table

    stamped = await stamped_revisions(engine)
    heads = script_heads()
    if heads and stamped == heads:
        await search_table.ensure(engine)
        return
    if newer_than_scripts(stamped):
        logging.getLogger(__name__).warning(
            "the database is at schema %s, newer than this version's %s: a newer version migrated it; "
            "going on without migrating (migrations are additive)",
            ", ".join(sorted(stamped)),
            ", ".join(sorted(heads)),
        )
        return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def _upgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        config.attributes["ordergram_upgraded_from"] = stamped  # what this upgrade runs decides some (0081)
        command.upgrade(config, "head")

    async with engine.connect() as connection:
        await connection.run_sync(_upgrade)
        await connection.commit()
    await search_table.ensure(engine)


async def missing_from_schema(engine: AsyncEngine) -> list[str]:
    """The tables and columns this version reads that the database lacks (``table`` or
    ``table.column``), sorted; empty when it has them all. A database stamped at head can still
    lack some: a shop that ran a migration before it was edited, or a hand-made change, and then
    every read of that table fails for its users, never at start."""
    import storage.models  # noqa: F401  # every table on Base.metadata
    from storage.models.base import Base

    def read(connection: object) -> dict[str, set[str]]:
        from sqlalchemy import inspect

        found = inspect(connection).get_multi_columns()
        return {table: {column["name"] for column in columns} for (_, table), columns in found.items()}

    async with engine.connect() as connection:
        present = await connection.run_sync(read)
    missing: list[str] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            missing.append(table.name)
        else:
            columns = present[table.name]
            missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in columns]
    return sorted(missing)


# A new SQLite file for the sandbox harness (the demo's scenes, the tests' shops) starts as a copy
# of one migrated once in this process: migrating from empty runs every revision (~0.5-0.8 s, and
# ~0.06 s more each revision added), which was most of what the test suite spent starting shops.
# Only a file that does not exist yet is made so (nothing has it open), so a copy is exactly what
# migrating it would have given; start-up then finds it at head and goes on.
_migrated_template: Path | None = None


async def start_migrated(database_url: str) -> None:
    """Give a SQLite ``database_url`` whose file does not exist yet the schema at head, copied
    from a database migrated once in this process; any other URL is left to start-up to migrate."""
    global _migrated_template
    from sqlalchemy.engine import make_url

    from storage.db import create_engine

    url = make_url(database_url)
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return
    if _exists(path):
        return
    if _migrated_template is None or not _exists(str(_migrated_template)):
        template = _new_template_path()
        engine = create_engine(f"sqlite+aiosqlite:///{template}")
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()  # its last connection closed: the log folded into the file
        _migrated_template = template
    _copy_database(_migrated_template, Path(path))


def _exists(path: str) -> bool:
    return Path(path).exists()


def _new_template_path() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="ordergram-migrated-")) / "template.sqlite3"


def _copy_database(template: Path, path: Path) -> None:
    import contextlib
    import shutil
    import sqlite3

    from storage.identity import renamed

    shutil.copyfile(template, path)
    wal = template.with_name(template.name + "-wal")
    if wal.exists() and wal.stat().st_size:  # a log not folded in yet goes with it
        shutil.copyfile(wal, path.with_name(path.name + "-wal"))
    with contextlib.closing(sqlite3.connect(path)) as made:  # a database of its own, as migrating makes one
        renamed(made)
