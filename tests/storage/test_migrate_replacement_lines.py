"""0036 fills in, for replacement lines made before it, the line each replaced, what all its units
were paid and the list price a unit stands at — where that can be known — on both engines, and
goes back down."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.storage.migrate_replacement_lines import (
    FILLED,
    insert_exchanges,
    remove_exchanges,
    replacement_figures,
)
from tests.storage.migrations import down_and_up, migrate


async def test_replacement_lines_made_before_are_given_their_origin_and_what_was_paid_where_known(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0035", down=True))
        await insert_exchanges(connection)
        await connection.commit()  # SQLite takes the migration's foreign_keys=OFF only outside a transaction
        await connection.run_sync(migrate(engine, "head"))
        filled = await replacement_figures(connection)
        await connection.commit()
    await down_and_up(engine, "0035")  # down with the rows, and up again
    async with engine.connect() as connection:
        await remove_exchanges(connection)
        await connection.commit()
    assert filled == FILLED
