"""A bench's own database: a fresh, uniquely named PostgreSQL one dropped however the bench ends, or a SQLite file."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

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


@dataclass(frozen=True, slots=True)
class BenchShop:
    """A bench's migrated database: its URL, engine and sessions, and a unit of work on it a call."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def uow(self) -> SqlUnitOfWork:
        from storage.uow import SqlUnitOfWork  # the repository is on sys.path once the bench runs, not at import

        return SqlUnitOfWork(self.sessions)


@asynccontextmanager
async def bench_shop(kind: str, base_currency: str = "GBP") -> AsyncIterator[BenchShop]:
    """A ``bench_database`` of ``kind`` in a temporary folder, migrated to head, its engine disposed on the way out."""
    from storage.db import create_engine, session_factory
    from storage.migrate import upgrade_to_head

    with tempfile.TemporaryDirectory() as tmp:
        async with bench_database(kind, Path(tmp)) as url:
            engine = create_engine(url)
            try:
                await upgrade_to_head(engine)
                yield BenchShop(url, engine, session_factory(engine, base_currency=base_currency))
            finally:
                await engine.dispose()
