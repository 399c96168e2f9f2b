"""The stock feed's changes poll reads what changed by its indexes (0077), never every counter or product: each
engine's plan of the statement as it ran, with its own parameters (PostgreSQL's with sequential scans a last resort,
as a small table would be read whole)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.usecases.intake_stock import api_stock_feed
from tests.storage.stock_feed_shop import SKUS, feed_shop, hold, read_feed


async def test_a_changes_poll_finds_what_changed_by_the_indexes_of_available_seq_and_status_seq(
    engine: AsyncEngine,
) -> None:
    uow, key, ids = await feed_shop(engine)
    first = await api_stock_feed(uow, key=key, skus=SKUS)
    assert first.point is not None
    await hold(uow, ids["F-03"], 1)
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "available_seq" in statement:
            sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        seen, _ = await read_feed(uow, key, first.point)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert list(seen) == ["F-03"] and len(sent) == 1, sent
    statement, parameters = sent[0]
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = [str(row[-1]) for row in found]
            assert not [step for step in plan if step.startswith("SCAN stock") or step.startswith("SCAN products")]
            assert any("INDEX ix_stock_available_seq" in step for step in plan), plan
            assert any("INDEX ix_products_status_seq" in step for step in plan), plan
        else:
            # The plan from this shop's own figures, not from what earlier tests left in the run's database.
            await connection.exec_driver_sql("ANALYZE stock, products")
            await connection.exec_driver_sql("SET enable_seqscan = off")
            found = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plan = [str(row[0]) for row in found]
            assert not [step for step in plan if "Seq Scan" in step], plan
            # An arm of running transactions with none running is no scan at all; the index read as a bitmap or
            # row by row (``Index Scan using``), as the planner judges the rows
            assert any("Index" in step and "ix_stock_available_seq" in step for step in plan), plan
            assert any("ix_products_status_seq" in step for step in plan), plan
