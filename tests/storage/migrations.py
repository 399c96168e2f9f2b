"""Running Alembic up or down to a revision on a test's engine, inside ``run_sync``."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config


def migrate(engine: AsyncEngine, to: str, *, down: bool = False) -> Callable[[Connection], None]:
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, to)

    return run
