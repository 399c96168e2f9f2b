"""A bench's own database: a fresh, uniquely named PostgreSQL one dropped however the bench ends, or a SQLite file."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def fresh_pg(prefix: str = "ordergram_bench") -> AsyncIterator[str]:
    """The URL of a new empty database, dropped on the way out: an error or Ctrl-C (asyncio.run cancels the bench)
    leaves none behind, and a unique name lets two benches run at once. Raises OSError if PostgreSQL is not there."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE: the bench's engine may still hold connections (it stopped half way)
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def bench_database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """The URL of an empty database of the kind asked for: ``sqlite`` (a file in workdir) or ``postgresql``."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    async with fresh_pg() as url:
        yield url
