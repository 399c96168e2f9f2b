"""0045 empties the sales summary, whose days counted exchanges' replacement orders as new
sales: until the summary job summarises them again, the report reads those days from the
orders (by the rule that a replacement is no sale), on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import session_factory
from storage.models.base import UtcDateTime
from storage.uow import SqlUnitOfWork
from tests.storage.migrations import down_and_up, migrate

TABLES = ("sales_days", "sales_day_skus", "sales_summary")


async def test_summarised_days_counting_replacements_are_emptied_to_be_summarised_again(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0044", down=True))
        run = connection.execute
        day = date(2026, 12, 1)
        await run(  # two sales and their two replacements, counted as four orders
            text("INSERT INTO sales_days VALUES (:d, 'GBP', 4, 0, 3240, 3240)"), {"d": day}
        )
        await run(text("INSERT INTO sales_day_skus VALUES (:d, 'TEE-M-NVY', 3, 2400, 3)"), {"d": day})
        await run(
            text("INSERT INTO sales_summary VALUES (1, 'UTC', 'GBP', :d, :at)").bindparams(
                bindparam("at", type_=UtcDateTime())
            ),
            {"d": day, "at": datetime(2026, 12, 2, 0, 50, tzinfo=UTC)},
        )
        await connection.commit()
        await connection.run_sync(migrate(engine, "0045"))
        counts = [(await run(text(f"SELECT count(*) FROM {table}"))).scalar_one() for table in TABLES]
        await connection.commit()
    assert counts == [0, 0, 0]
    uow = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))
    async with uow.read_only():
        assert await uow.sales.state() is None  # the job starts the summary afresh; reports read the orders
    await down_and_up(engine, "0044")
