"""A bulk write whose rows carry their change number, without SQLite's numbering trigger."""
# Performance rule: an AFTER INSERT trigger costs SQLite a sub-program run per row even when
# its WHEN is false — three quarters of the CPU of inserting 50,000 products (1.13 s against
# 0.29 s without ``change_seq_products_insert``), every second of it under the write lock every
# other writer waits for (``bench/import_lock.py``). The numbering triggers (migrations 0031,
# 0033) do nothing for a row written with the number its bulk write took
# (``number_for_bulk_write``): a product carrying one, a price of a product the write numbered. So a bulk
# insert of such rows drops the trigger and creates it again from its stored SQL, in the same
# transaction. It relies on: every row of the insert carrying that non-zero number (the caller
# says so by passing it); the transaction holding SQLite's write lock (no other writer can
# insert meanwhile; readers in WAL mode see the schema of their snapshot, the trigger there);
# DDL being transactional (a failed insert rolls the drop back with everything else). Other
# connections re-prepare their statements once, as after any schema change.

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import DIALECT
from storage.repositories.sql import fetch, run

SET_ASIDE_FROM = 500  # rows: below this the trigger costs less than setting it aside
_TRIGGER_SQL = text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name")


@asynccontextmanager
async def without_insert_trigger(session: AsyncSession, trigger: str, seq: int, rows: int) -> AsyncIterator[None]:
    """Inside an open writing unit of work: ``trigger`` (a numbering AFTER INSERT or UPDATE
    trigger) set aside while the block writes rows that all carry ``seq``, a number no row had
    before it (so an update trigger's "left as it was" never holds); as it was after the block. On
    PostgreSQL, with no number (``seq`` 0: the counter's row is gone), or for fewer than
    ``SET_ASIDE_FROM`` rows (a schema change makes every other connection prepare its
    statements again), nothing is set aside."""
    wanted = seq and rows >= SET_ASIDE_FROM and session.info[DIALECT] == "sqlite"
    found = await fetch(session, _TRIGGER_SQL, {"name": trigger}) if wanted else []
    sql = str(found[0][0]) if found and found[0][0] else ""
    if not sql:
        yield
        return
    await run(session, text(f'DROP TRIGGER "{trigger}"'))
    yield  # an error here leaves it dropped in a transaction that must roll back, and that restores it
    await run(session, text(sql))
