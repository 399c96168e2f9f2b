"""The stock feed's reads: a mark meaning "stock as of now", and the products whose stock moved since one."""
# The rule no change is missed by (what ``domain.usecases.intake_stock.api_stock_changes`` hands
# out in a token is a mark taken here, before anything is read):
#
# Every write that moves a counter's on_hand - reserved numbers the row's ``available_seq`` in the
# writing transaction itself (triggers, migration 0070), from the same source as ``change_seq``:
# * SQLite: a one-row counter, moved by each writer; writers are serialised, so a writer still
#   running has taken (or will take) a number past the committed counter. The mark is the
#   committed counter plus one: every number below it was committed before the mark was read.
# * PostgreSQL: the writing transaction's id. Ids are handed out as transactions first write, not
#   in the order they commit: a transaction numbered 100 may commit after one numbered 101 did,
#   so "the newest id seen" is no mark. The mark is the reader's snapshot: ``xmax`` (the first id
#   not yet handed out) and ``xip`` (the ids below it still running). Every id below ``xmax`` not
#   in ``xip`` had ended (committed or rolled back) when the snapshot was taken; whatever commits
#   from then on carries an id in ``xip`` or at or past ``xmax``. Ids are the whole server's, so
#   a busy server's ``xip`` can be long: past ``MAX_RUNNING`` the mark keeps ``xmin`` instead (the
#   oldest running; everything from it on counts as changed), which repeats products, never
#   misses one.
#
# So, read after the mark is taken, a counter whose number the mark calls old shows its last
# write; one it calls new is read by the next feed, whose ``since`` is this mark. The levels are
# read from the database, never the read cache, whose entries may be older than the mark
# (another process's write, seconds ago).

from __future__ import annotations

from sqlalchemy import BigInteger, BindParameter, Text, bindparam, cast, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stock import StockLevel, StockMark
from storage import models as m
from storage.db import DIALECT
from storage.repositories import changes
from storage.repositories.sql import _table, fetch

MAX_RUNNING = 64  # running transactions a mark lists at most (a token carries them)

_STOCK, _PRODUCTS = _table(m.StockRow), _table(m.ProductRow)
_SNAPSHOT = func.pg_current_snapshot()
_PG_MARK = select(
    cast(cast(func.pg_snapshot_xmin(_SNAPSHOT), Text), BigInteger).label("xmin"),
    cast(cast(func.pg_snapshot_xmax(_SNAPSHOT), Text), BigInteger).label("xmax"),
    func.array_to_string(func.array(select(func.pg_snapshot_xip(_SNAPSHOT)).scalar_subquery()), ",").label("xip"),
)
# What changed, each number's arm apart (a counter's available quantity, 0070; a product's status,
# 0074, and its creation, 0076: one taken off sale, or back on, and a new one, with no counter yet,
# come by the same rule), so each reads its index (0077) from the mark on, past ``after``: a poll
# reads what changed since the mark, not every counter and every product (an OR across them was
# a scan of both). ``tests/storage/test_stock_feed_plans.py`` checks the plans on both engines.
_NEXT: BindParameter[int] = bindparam("next")
_RUNNING: BindParameter[list[int]] = bindparam("running", expanding=True)
_AFTER: BindParameter[int] = bindparam("after")
_CHANGED_IDS = union(
    select(_STOCK.c.product_id).where(_STOCK.c.available_seq >= _NEXT, _STOCK.c.product_id > _AFTER),
    select(_STOCK.c.product_id).where(_STOCK.c.available_seq.in_(_RUNNING), _STOCK.c.product_id > _AFTER),
    select(_PRODUCTS.c.id).where(_PRODUCTS.c.status_seq >= _NEXT, _PRODUCTS.c.id > _AFTER),
    select(_PRODUCTS.c.id).where(_PRODUCTS.c.status_seq.in_(_RUNNING), _PRODUCTS.c.id > _AFTER),
)
_CHANGED = (
    select(_PRODUCTS.c.id, _PRODUCTS.c.sku)
    .where(_PRODUCTS.c.id.in_(_CHANGED_IDS), _PRODUCTS.c.id > _AFTER)
    .order_by(_PRODUCTS.c.id)
    .limit(bindparam("limit"))
)
_LEVELS_OF = select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved).where(
    _STOCK.c.product_id.in_(bindparam("ids", expanding=True))
)


async def mark(session: AsyncSession) -> StockMark:
    """Counters the mark calls new may have moved since now (the rule above); ``StockMark(0)``
    when SQLite's counter row is gone, which makes the next feed read every product."""
    if session.info[DIALECT] != "postgresql":
        return StockMark(await changes.marker(session) or 0)
    (row,) = await fetch(session, _PG_MARK)
    running = tuple(int(xid) for xid in row.xip.split(",") if xid)
    if len(running) > MAX_RUNNING:
        return StockMark(int(row.xmin))
    return StockMark(int(row.xmax), running)


async def changed_since(session: AsyncSession, since: StockMark, after: int, limit: int) -> list[tuple[int, str]]:
    """Products (id, SKU) past ``after`` with a counter the mark ``since`` calls new, by id, ``limit`` at most."""
    params = {"next": since.next, "running": list(since.running), "after": after, "limit": limit}
    return [(row.id, row.sku) for row in await fetch(session, _CHANGED, params)]


async def levels_now(session: AsyncSession, product_ids: list[int]) -> list[StockLevel]:
    """These products' counters as the database has them now (the read cache's may be older)."""
    if not product_ids:
        return []
    rows = await fetch(session, _LEVELS_OF, {"ids": product_ids})
    return [StockLevel(row.product_id, row.warehouse_id, row.on_hand, row.reserved) for row in rows]
