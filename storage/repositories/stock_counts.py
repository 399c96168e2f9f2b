"""Many bin counts in one go (a stock import): read in bulk, decide in the domain, write with executemany."""
# Performance rule: a 500,000-row stock file is a few dozen statements, not 2 million. It
# relies on the counters and bins read here not changing before they are written: on SQLite a
# writing transaction holds the write lock from its BEGIN IMMEDIATE (``storage.db``); on
# PostgreSQL the counters and bin rows are read FOR UPDATE. ``domain.stock_counts`` decides
# row by row in file order, as ``set_bin_quantity`` would one at a time; the counters still
# move by conditional UPDATEs and the table's CHECK (on_hand >= reserved) is the last guard.
# Deciding the counts and making the movement rows take seconds for a big file: they run in a
# thread (on data this call alone holds), so the event loop serves other chats meanwhile.

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from domain.stock import StockInvariantBroken, StockLevel
from domain.stock_counts import BinCount, plan_bin_counts
from domain.warehouse import BinCode
from storage import models as m
from storage.repositories.changes import number_for_bulk_write
from storage.repositories.numbered_inserts import without_insert_trigger
from storage.repositories.sql import _chunks, _table, fetch, run, run_many

_BINS, _BIN_STOCK, _STOCK = _table(m.BinRow), _table(m.BinStockRow), _table(m.StockRow)
_MOVEMENTS = _table(m.InventoryMovementRow)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_IN_WAREHOUSES = _BINS.c.warehouse_id.in_(bindparam("warehouses", expanding=True))
_BINS_OF = select(_BINS.c.warehouse_id, _BINS.c.code, _BINS.c.id).where(_IN_WAREHOUSES)
_COUNTERS_OF = (
    select(_STOCK.c.product_id, _STOCK.c.warehouse_id, _STOCK.c.on_hand, _STOCK.c.reserved)
    .where(_STOCK.c.product_id.in_(_IDS))
    .order_by(_STOCK.c.product_id, _STOCK.c.warehouse_id)  # locked in the lock order (ARCHITECTURE.md)
    .with_for_update()
)
_BIN_ROWS_OF = (
    select(_BIN_STOCK.c.product_id, _BIN_STOCK.c.bin_id, _BIN_STOCK.c.quantity)
    # the warehouses' bins by a subquery: a big warehouse has more bins than a statement takes parameters
    .where(_BIN_STOCK.c.product_id.in_(_IDS), _BIN_STOCK.c.bin_id.in_(select(_BINS.c.id).where(_IN_WAREHOUSES)))
    .order_by(_BIN_STOCK.c.product_id, _BIN_STOCK.c.bin_id)  # a chunk's bins after its counters, in one order
    .with_for_update()
)
_NEW_COUNTER = insert(_STOCK).values(reserved=0)  # product_id, warehouse_id, on_hand, both seqs per row
_MOVE = (
    update(_STOCK)
    .where(
        _STOCK.c.product_id == bindparam("stock_product_id"),  # names its row to the read cache
        _STOCK.c.warehouse_id == bindparam("stock_warehouse_id"),
        _STOCK.c.on_hand + bindparam("delta") >= _STOCK.c.reserved,
    )
    # see number_for_bulk_write; every move changes the available quantity, so both numbers (0070)
    .values(on_hand=_STOCK.c.on_hand + bindparam("delta"), change_seq=bindparam("seq"), available_seq=bindparam("seq"))
)
_SET_BIN = (
    update(_BIN_STOCK)
    .where(_BIN_STOCK.c.product_id == bindparam("bin_product_id"), _BIN_STOCK.c.bin_id == bindparam("bin_bin_id"))
    .values(quantity=bindparam("new_quantity"))
)


async def set_bin_quantities(
    session: AsyncSession, counts: Sequence[BinCount], reason: str, actor: str, at: datetime
) -> list[int]:
    """``set_bin_quantity`` for every count, in order: the same bins and counters created, the
    same movements recorded, the same deltas returned; raises ``CountsRefused`` (nothing
    written) when any count would drop on-hand below reserved."""
    if not counts:
        return []
    bin_ids = await _bins(session, {(c.warehouse_id, c.bin) for c in counts})
    products = sorted({c.product_id for c in counts})
    levels: dict[tuple[int, int], StockLevel] = {}
    stored: dict[tuple[int, int, str], int] = {}
    code_of = {bin_id: code for (_, code), bin_id in bin_ids.items()}
    warehouse_of = {bin_id: w for (w, _), bin_id in bin_ids.items()}
    warehouses = sorted({w for w, _ in bin_ids})
    for chunk in _chunks(products, 500):
        for row in await fetch(session, _COUNTERS_OF, {"ids": list(chunk)}):
            level = StockLevel(row.product_id, row.warehouse_id, row.on_hand, row.reserved)
            levels[(level.product_id, level.warehouse_id)] = level
        for row in await fetch(session, _BIN_ROWS_OF, {"ids": list(chunk), "warehouses": warehouses}):
            stored[(row.product_id, warehouse_of[row.bin_id], code_of[row.bin_id])] = row.quantity
    plan = await asyncio.to_thread(plan_bin_counts, counts, stored, levels)  # raises before anything is written
    missing = sorted({(c.product_id, c.warehouse_id) for c in counts} - levels.keys())
    moves = [(key, on_hand - levels[key].on_hand) for key, on_hand in plan.on_hand.items() if key in levels]
    moves = [(key, delta) for key, delta in moves if delta]
    seq = await number_for_bulk_write(session) if missing or moves else 0
    if missing:  # counted as they are created: one write a counter, not an insert and a move
        new = [
            {
                "product_id": p,
                "warehouse_id": w,
                "on_hand": plan.on_hand.get((p, w), 0),
                "change_seq": seq,
                "available_seq": seq,
            }
            for p, w in missing
        ]
        # Each row carries seq
        async with without_insert_trigger(session, "change_seq_stock_insert", seq, len(new)):
            await run_many(session, _NEW_COUNTER, new)
    if moves:
        rows = [{"stock_product_id": p, "stock_warehouse_id": w, "delta": delta, "seq": seq} for (p, w), delta in moves]
        # Each row set to seq, once
        async with without_insert_trigger(session, "change_seq_stock_update", seq, len(rows)):
            moved = await run_many(session, _MOVE, rows)
        if moved not in (len(rows), -1):
            raise StockInvariantBroken()  # cannot happen under the lock; the CHECK would refuse it too
    changed = [
        {"bin_product_id": p, "bin_bin_id": bin_ids[(w, code)], "new_quantity": q}
        for (p, w, code), q in plan.bins.items()
        if (p, w, code) in stored
    ]
    if changed:
        await run_many(session, _SET_BIN, changed)
    added = [
        {"product_id": p, "bin_id": bin_ids[(w, code)], "quantity": q}
        for (p, w, code), q in plan.bins.items()
        if (p, w, code) not in stored
    ]
    if added:
        await run_many(session, insert(_BIN_STOCK), added)
    movements = await asyncio.to_thread(_movements, counts, plan.deltas, bin_ids, reason, actor, at)
    if movements:
        await run_many(session, insert(_MOVEMENTS), movements)
    return plan.deltas


def _movements(
    counts: Sequence[BinCount],
    deltas: Sequence[int],
    bin_ids: dict[tuple[int, str], int],
    reason: str,
    actor: str,
    at: datetime,
) -> list[dict[str, Any]]:
    """A movement row for each count that changed its bin."""
    return [
        {
            "product_id": c.product_id,
            "warehouse_id": c.warehouse_id,
            "bin_id": bin_ids[(c.warehouse_id, c.bin)],
            "delta": delta,
            "reason": reason,
            "actor": actor,
            "at": at,
        }
        for c, delta in zip(counts, deltas, strict=True)
        if delta
    ]


async def _bins(session: AsyncSession, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The bins' row ids, the missing ones created (bins come from counts and moves)."""
    warehouses = sorted({w for w, _ in wanted})
    found = {(r.warehouse_id, r.code): r.id for r in await fetch(session, _BINS_OF, {"warehouses": warehouses})}
    missing = sorted(wanted - found.keys())
    if missing:
        rows = [{"warehouse_id": w, "code": code, "zone": BinCode.parse(code).zone} for w, code in missing]
        await run(session, insert(_BINS), rows)
        found = {(r.warehouse_id, r.code): r.id for r in await fetch(session, _BINS_OF, {"warehouses": warehouses})}
    return found
