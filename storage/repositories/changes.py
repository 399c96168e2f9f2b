"""The change marker the read cache's incremental reloads start from (``storage.cache``).

Every write to a product, to what its card shows, or to a stock counter leaves a number in
the row's ``change_seq`` (database triggers: migration 0031). A load takes a *marker* first,
then reads; the next load reads again only rows numbered at or past that marker:

* SQLite numbers writes from a one-row counter, and its writers are serialised: the committed
  counter is past every number a committed write has left, and below every number a later
  commit leaves. The marker is that counter plus one.
* PostgreSQL numbers each write with its transaction's id; ids are handed out in the order
  transactions begin, not in the order they commit. The marker is the reader's snapshot's
  ``xmin``, the oldest transaction still running: every write below it had committed (or
  rolled back) and is read by the load that follows; a write from it on may not have been,
  and is read again next time. A transaction left open for long holds the marker back and
  makes reloads bigger, never wrong.

The marker is taken before anything is read, so whatever commits while a load runs is at or
past it. Deletes leave no number: a load compares the rows' count with what it merged and
reloads whole when they differ.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Text, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.db import DIALECT
from storage.repositories.cached import fills

_COUNTER = fills("levels", fills("catalog", select(m.ChangeCounterRow.value).where(m.ChangeCounterRow.id == 1)))
_NEXT = (
    update(m.ChangeCounterRow)
    .where(m.ChangeCounterRow.id == 1)
    .values(value=m.ChangeCounterRow.value + 1)
    .returning(m.ChangeCounterRow.value)
)
_XMIN = select(cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger))


async def marker(session: AsyncSession) -> int | None:
    """Rows numbered at or past this value may have changed since now; None: unknown (the
    counter's row is gone), so the next load reads everything."""
    if session.info[DIALECT] == "postgresql":
        return await session.scalar(_XMIN)
    counter = await session.scalar(_COUNTER)
    return None if counter is None else counter + 1


async def number_for_bulk_write(session: AsyncSession) -> int:
    """A number a bulk write may put in ``change_seq`` itself, for all its rows at once, instead of
    leaving each row to the triggers (two statements per row on SQLite: a 500,000-row stock import
    took twice as long). SQLite: the counter moved on once, as a trigger would for one row — every
    row of this transaction then carries a number past any marker taken before it commits, which
    is all a reload needs (numbers need not differ). The triggers number only rows whose write
    left ``change_seq`` as it was, so they skip these. PostgreSQL: 0, which its trigger replaces
    with the transaction's id anyway."""
    if session.info[DIALECT] == "postgresql":
        return 0
    number = await session.scalar(_NEXT)
    return 0 if number is None else number  # the counter's row gone: markers are unknown, reloads whole
