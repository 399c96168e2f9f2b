"""A shop copied into another database (``ordergram copy``) numbers its changes on from above every number it copied."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.apikeys import ApiKey
from domain.usecases.intake_stock import FeedPoint, api_stock_feed
from storage.db import session_factory
from storage.transfer import copy_shop
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_database
from tests.storage.stock_feed_shop import SKUS, feed_shop, hold, read_feed

DIRECTIONS = [
    pytest.param(("sqlite", "sqlite"), id="sqlite-to-sqlite"),
    pytest.param(("sqlite", "postgres"), id="sqlite-to-postgresql", marks=pytest.mark.postgres),
    pytest.param(("postgres", "sqlite"), id="postgresql-to-sqlite", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DIRECTIONS)
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """The source's and the target's URL (on PostgreSQL the one migrated database: the two are never both there)."""

    def url(kind: str, name: str) -> str:
        if kind == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / name}"
        return str(request.getfixturevalue("pg_database"))

    source_kind, target_kind = request.param
    return url(source_kind, "source.sqlite3"), url(target_kind, "target.sqlite3")


async def _database(url: str) -> AsyncEngine:
    engine = await empty_database(url)
    if engine.dialect.name == "postgresql":  # the counter's row as `ordergram migrate` leaves it (unused there)
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))
    return engine


async def _point(uow: SqlUnitOfWork, key: ApiKey) -> FeedPoint:
    point = (await api_stock_feed(uow, key=key, skus=SKUS)).point
    assert point is not None
    return point


async def test_a_copied_shops_stock_feed_brings_each_later_change_once(urls: tuple[str, str]) -> None:
    """The source's numbers are of its own numbering (PostgreSQL's transaction ids run far past a SQLite counter): kept
    in the target as they came, above its counter, every poll there read those products again as changed."""
    source = await _database(urls[0])
    target: AsyncEngine | None = None
    try:
        uow, key, ids = await feed_shop(source)
        for _ in range(30):  # the source's numbering runs on, as a live shop's does
            await hold(uow, ids["F-03"], 1)
        await source.dispose()
        target = await _database(urls[1])
        await copy_shop(source, target)
        uow = SqlUnitOfWork(session_factory(target, base_currency="GBP"))

        point = await _point(uow, key)
        assert (await read_feed(uow, key, point))[0] == {}  # nothing changed since the token: nothing comes
        await hold(uow, ids["F-01"], 1)
        seen, point = await read_feed(uow, key, point)
        assert list(seen) == ["F-01"]
        await hold(uow, ids["F-02"], 2)
        seen, point = await read_feed(uow, key, point)
        assert list(seen) == ["F-02"]
        assert seen["F-02"][0][2] == 2  # as held in the target, after the copy
    finally:
        await source.dispose()
        if target is not None:
            await target.dispose()
