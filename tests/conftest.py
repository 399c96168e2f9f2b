"""Shared fixtures: databases (SQLite file per test; PostgreSQL database per run)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import bot  # noqa: F401  (first: aiogram's types are built on first use, as in production)
from storage.db import create_engine
from storage.migrate import start_migrated, upgrade_to_head
from storage.models import Base
from tests.cli import Result
from tests.fakes import FakeClock

PG_ADMIN_URL = os.environ.get("ORDERGRAM_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("ORDERGRAM_REQUIRE_PG") == "1"

# Under pytest-xdist each worker (gw0, gw1, …) has a Redis database of its own: the Redis tests flush theirs, and a
# worker's tests run one at a time. Set before any test module reads it at import.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and "ORDERGRAM_TEST_REDIS" not in os.environ:
    os.environ["ORDERGRAM_TEST_REDIS"] = f"redis://127.0.0.1:6379/{15 - int(_WORKER[2:])}"


async def _pg_admin(statement: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated to head, dropped afterwards."""
    name = f"ordergram_test_{secrets.token_hex(4)}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    async def migrate() -> None:
        engine = create_engine(url)
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_all(engine: AsyncEngine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    return str(request.getfixturevalue("pg_database"))


async def empty_database(url: str) -> AsyncEngine:
    """An engine on a migrated database with no rows (the PostgreSQL one is emptied)."""
    if not url.startswith("postgresql"):
        await start_migrated(url)  # a copy of a database migrated once in this run
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        await _truncate_all(engine)
    else:
        await upgrade_to_head(engine)
    return engine


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on each engine."""
    engine = await empty_database(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def pg_engine(pg_database: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty PostgreSQL database alone, for what only PostgreSQL has (mark the
    test ``postgres``)."""
    engine = await empty_database(pg_database)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ordergram(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """Run ``ordergram ARGS`` in-process with a clean environment, as an operator would."""
    from bot.cli import main  # here, not at the top: most tests never run the command

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        for name in (
            "BOT_TOKEN",
            "ADMIN_IDS",
            "DATABASE_URL",
            "DEFAULT_CURRENCY",
            "TIMEZONE",
            "HOLD_MINUTES",
            "WEBHOOK_URL",
            "WEBHOOK_SECRET",
            "WEBAPP_URL",
            "REDIS_URL",
            "TELEGRAM_API_URL",
        ):
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)  # no stray .env is read
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help and usage errors
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run
