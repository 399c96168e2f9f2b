"""Programmatic Alembic: ``ordergram migrate`` and start-up both call ``upgrade_to_head``."""

from __future__ import annotations

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
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return frozenset()
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database already carries exactly the scripts' heads: then there is nothing to
    upgrade, and start-up need not import Alembic and load every script (a third of the start-up
    of ``ordergram import``; bench/cli_startup.py)."""
    heads = script_heads()
    if not heads:
        return False
    try:
        async with engine.connect() as connection:
            stamped = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except DBAPIError:  # no alembic_version table yet: a new database
        return False
    return frozenset(stamped) == heads


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Run pending migrations on an engine's connection (works inside a running loop)."""
    if await at_head(engine):
        return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def _upgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.connect() as connection:
        await connection.run_sync(_upgrade)
        await connection.commit()
