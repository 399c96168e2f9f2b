"""The stock feed's tokens name their database: one of another (a copy, a restored backup) or past its numbering is
refused saying to read every product again, never read as a point in a numbering it was not in."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dbtools import backup
from domain.apikeys import ApiKey
from domain.stock import StockMark
from domain.usecases.intake_request import InvalidField
from domain.usecases.intake_stock import FeedPoint, api_stock_changes, api_stock_feed
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import _pg_admin, empty_database
from tests.storage.stock_feed_shop import SKUS, feed_shop, hold, read_feed


async def _refused(uow: SqlUnitOfWork, key: ApiKey, point: FeedPoint) -> str:
    with pytest.raises(InvalidField) as refused:
        await api_stock_changes(uow, key=key, point=point)
    assert refused.value.params["field"] == "changed_since"
    reason = str(refused.value.params["reason"])
    assert "read every product again (?limit=) for a new one" in reason
    return reason


async def _point(uow: SqlUnitOfWork, key: ApiKey) -> FeedPoint:
    point = (await api_stock_feed(uow, key=key, skus=SKUS)).point
    assert point is not None and point.origin
    return point


async def test_a_point_of_another_database_or_past_this_ones_numbering_is_refused(engine: AsyncEngine) -> None:
    uow, key, ids = await feed_shop(engine)
    point = await _point(uow, key)
    await hold(uow, ids["F-01"], 1)
    assert "another database" in await _refused(uow, key, replace(point, origin="0123abcd"))
    assert "another database" in await _refused(uow, key, replace(point, origin=""))
    beyond = StockMark(point.since.next + 10**6)
    assert "newer than the database has" in await _refused(uow, key, replace(point, since=beyond))
    assert "newer than the database has" in await _refused(uow, key, FeedPoint(point.since, beyond, 1, point.origin))
    assert list((await read_feed(uow, key, point))[0]) == ["F-01"]  # its own database's point is read as before


async def test_a_backup_put_back_refuses_the_tokens_the_shop_gave_and_a_whole_read_starts_again(tmp_path: Path) -> None:
    """The copy a backup keeps is renamed: put back, the stock it rewound is not hidden behind a later token."""
    live = f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"
    engine = await empty_database(live)
    uow, key, ids = await feed_shop(engine)
    assert backup(live, tmp_path / "kept.sqlite3") == 0
    await hold(uow, ids["F-01"], 5)  # after the backup: putting it back undoes it
    after = await _point(uow, key)
    await engine.dispose()
    shutil.copyfile(tmp_path / "kept.sqlite3", tmp_path / "shop.sqlite3")
    for leftover in ("-wal", "-shm"):
        (tmp_path / f"shop.sqlite3{leftover}").unlink(missing_ok=True)
    restored = create_engine(live)
    uow = SqlUnitOfWork(session_factory(restored, base_currency="GBP"))
    try:
        assert "another database" in await _refused(uow, key, after)
        fresh = await _point(uow, key)
        assert fresh.origin != after.origin
        assert (await read_feed(uow, key, fresh))[0] == {}
    finally:
        await restored.dispose()


async def test_a_file_put_back_by_hand_refuses_a_token_past_its_numbering(tmp_path: Path) -> None:
    """A file copied aside by hand keeps the name; its numbering is behind the live tokens: they are refused."""
    live = f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}"
    engine = await empty_database(live)
    uow, key, ids = await feed_shop(engine)
    await engine.dispose()  # the log folded into the file: the copy is whole
    shutil.copyfile(tmp_path / "shop.sqlite3", tmp_path / "aside.sqlite3")
    for sku in ("F-01", "F-02", "F-03"):
        await hold(uow, ids[sku], 1)
    after = await _point(uow, key)
    await engine.dispose()
    put_back = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'aside.sqlite3'}")
    try:
        uow = SqlUnitOfWork(session_factory(put_back, base_currency="GBP"))
        assert "newer than the database has" in await _refused(uow, key, after)
    finally:
        await put_back.dispose()


@pytest.mark.postgres
async def test_a_postgresql_database_made_from_another_has_a_name_of_its_own(pg_database: str) -> None:
    """CREATE DATABASE … TEMPLATE copies every row, the identity's too: the new database's own id tells them apart."""
    engine = await empty_database(pg_database)
    uow, key, _ = await feed_shop(engine)
    point = await _point(uow, key)
    await engine.dispose()
    name = f"ordergram_copy_{secrets.token_hex(4)}"
    await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(pg_database).database}"')
    copy = create_engine(make_url(pg_database).set(database=name).render_as_string(hide_password=False))
    try:
        uow = SqlUnitOfWork(session_factory(copy, base_currency="GBP"))
        assert "another database" in await _refused(uow, key, point)
    finally:
        await copy.dispose()
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
