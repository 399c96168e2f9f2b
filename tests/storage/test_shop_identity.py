"""The shop's identity through the read cache, on SQLite and PostgreSQL: the process that
changed it sees the change at once; another process within the reference TTL (a minute)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.shop import Source
from domain.usecases.shop import shop_identity
from storage.cache import CATALOG_TTL_S, TTL_OF, ReadCache
from storage.db import READ_CACHE, session_factory
from storage.uow import SqlUnitOfWork


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_change_shows_at_once_here_and_within_the_ttl_in_another_process(engine: AsyncEngine) -> None:
    assert TTL_OF["reference"] == CATALOG_TTL_S == 60.0  # what the README promises
    here, there = session_factory(engine), session_factory(engine)
    clock = Clock()
    there.kw["info"][READ_CACHE] = ReadCache(clock=clock)
    writer, other = SqlUnitOfWork(here), SqlUnitOfWork(there)
    assert (await shop_identity(writer, "en")).name is None
    assert (await shop_identity(other, "en")).name is None  # now cached there
    async with writer:
        await writer.shop.set_value("name", "", Source.CHAT, "Corner Books")
        await writer.commit()
    assert (await shop_identity(writer, "en")).name == "Corner Books"
    clock.now += CATALOG_TTL_S - 1
    assert (await shop_identity(other, "en")).name is None
    clock.now += 2
    assert (await shop_identity(other, "en")).name == "Corner Books"


async def test_the_settings_file_replaces_only_its_own_values(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        await uow.shop.set_value("name", "", Source.CHAT, "Chat Books")
        await uow.shop.set_value("name", "", Source.CHAT, "Chat Books 2")  # an upsert, not a second row
        await uow.shop.replace_source(Source.FILE, [("name", "", "File Books"), ("returns", "ru", "Возврат")])
        await uow.shop.replace_source(Source.FILE, [("returns", "en", "Returns")])
        await uow.commit()
    async with uow:
        rows = sorted(await uow.shop.identity())
    assert rows == [("name", "", "chat", "Chat Books 2"), ("returns", "en", "file", "Returns")]
    async with uow:
        await uow.shop.set_value("name", "", Source.CHAT, None)
        await uow.commit()
    async with uow:
        assert sorted(await uow.shop.identity()) == [("returns", "en", "file", "Returns")]
