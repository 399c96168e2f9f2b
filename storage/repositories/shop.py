"""The shop's identity (name, contacts, policies), from the chat and the settings file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.cache import CacheView
from storage.db import DIALECT
from storage.repositories.cached import fills
from storage.repositories.sql import _INSERT_FOR, _table, fetch, run

_IDENTITY = _table(m.ShopIdentityRow)
# Read on every /start and /help: kept in the reference section (a minute for other processes).
_ALL = fills("reference", select(_IDENTITY.c.field, _IDENTITY.c.language, _IDENTITY.c.source, _IDENTITY.c.value))

Row = tuple[str, str, str, str]


class SqlShop:
    def __init__(self, session: AsyncSession, cache: CacheView | None = None) -> None:
        self.s = session
        self.cache = cache

    async def identity(self) -> list[Row]:
        if self.cache is not None and (cached := self.cache.get("reference", "shop_identity")) is not None:
            return list(cast(tuple[Row, ...], cached))
        rows = [cast(Row, tuple(row)) for row in await fetch(self.s, _ALL)]
        if self.cache is not None:
            self.cache.put("reference", "shop_identity", tuple(rows))
        return rows

    async def set_value(self, field: str, language: str, source: str, value: str | None) -> None:
        key = {"field": field, "language": language, "source": source}
        if value is None:
            await run(self.s, delete(_IDENTITY).filter_by(**key))
            return
        insert = _INSERT_FOR[self.s.info[DIALECT]](_IDENTITY).values(**key, value=value)
        await run(self.s, insert.on_conflict_do_update(index_elements=list(key), set_={"value": value}))

    async def replace_source(self, source: str, rows: Iterable[tuple[str, str, str]]) -> None:
        """Every value of ``source`` becomes ``rows`` (field, language, value)."""
        await run(self.s, delete(_IDENTITY).where(_IDENTITY.c.source == source))
        values = [{"field": f, "language": lang, "source": source, "value": v} for f, lang, v in rows]
        if values:
            await run(self.s, _IDENTITY.insert(), values)
