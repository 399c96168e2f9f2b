"""An API key's name is unique among active keys only (migration 0038), on both engines: a
revoked key's name can be given to the channel's next key, an active one's cannot, and the
migration goes down and up again with such keys present."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.apikeys import KeyNameTaken
from domain.usecases.api_keys import api_keys, authenticate, create_api_key, revoke_api_key
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.migrations import migrate


async def test_a_revoked_keys_name_is_given_to_a_new_key_and_an_active_keys_name_is_refused(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    old_token, _ = await create_api_key(uow, clock, name="shopify")
    assert await revoke_api_key(uow, clock, name="shopify")
    new_token, _ = await create_api_key(uow, clock, name="shopify")
    with pytest.raises(KeyNameTaken) as refused:
        await create_api_key(uow, clock, name="shopify")
    assert str(refused.value) == "An active API key is already named shopify: revoke it first, or choose another name."
    listed = await api_keys(uow)
    assert [(key.name, key.active) for key in listed] == [("shopify", False), ("shopify", True)]
    assert await authenticate(uow, old_token) is None
    assert (await authenticate(uow, new_token)) == listed[1]
    assert await revoke_api_key(uow, clock, name="shopify")  # the new one; the old stays revoked
    assert not await revoke_api_key(uow, clock, name="shopify")
    assert [key.active for key in await api_keys(uow)] == [False, False]


async def test_the_migration_keeps_one_active_key_per_name_and_goes_down_renaming_revoked_namesakes(
    engine: AsyncEngine,
) -> None:
    insert = text(
        "INSERT INTO api_keys (id, name, prefix, key_hash, created_at, revoked_at, scopes) "
        "VALUES (:id, :name, :prefix, 'h', '2026-12-01 10:00:00', :revoked, 'orders')"
    )
    gone = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    keys = [(9101, "shopify", gone), (9102, "shopify", None), (9103, "till", gone)]
    async with engine.connect() as connection:
        for key_id, name, revoked_at in keys:
            await connection.execute(
                insert, {"id": key_id, "name": name, "prefix": f"p{key_id}", "revoked": revoked_at}
            )
        await connection.commit()
        with pytest.raises(IntegrityError):  # a second active key of that name
            await connection.execute(insert, {"id": 9104, "name": "shopify", "prefix": "p9104", "revoked": None})
        await connection.rollback()
        await connection.run_sync(migrate(engine, "0037", down=True))
        await connection.commit()
        names = (await connection.execute(text("SELECT id, name FROM api_keys ORDER BY id"))).all()
        with pytest.raises(IntegrityError):  # back to one key per name, revoked or not
            await connection.execute(insert, {"id": 9105, "name": "till", "prefix": "p9105", "revoked": None})
        await connection.rollback()
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
        await connection.execute(insert, {"id": 9106, "name": "till", "prefix": "p9106", "revoked": None})
        await connection.commit()
        after = (await connection.execute(text("SELECT id, name FROM api_keys ORDER BY id"))).all()
    assert [tuple(row) for row in names] == [(9101, "shopify (revoked 9101)"), (9102, "shopify"), (9103, "till")]
    assert [tuple(row) for row in after] == [*names, (9106, "till")]
