"""Running Alembic up or down to a revision on a test's engine, inside ``run_sync``."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config


def migrate(
    engine: AsyncEngine, to: str, *, down: bool = False, upgraded_from: str | None = None
) -> Callable[[Connection], None]:
    """``upgraded_from``: the revision the upgrade starts at, told to migrations as ``upgrade_to_head`` tells them."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        if upgraded_from is not None:
            config.attributes["ordergram_upgraded_from"] = frozenset({upgraded_from})
        (command.downgrade if down else command.upgrade)(config, to)

    return run


async def down_and_up(engine: AsyncEngine, revision: str) -> None:
    """The database taken down to ``revision`` and up to the head again: rows written before a later revision
    that fills them in, as a shop's are when it upgrades."""
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, revision, down=True))
        await connection.commit()
        await connection.run_sync(migrate(engine, "head", upgraded_from=revision))
        await connection.commit()
