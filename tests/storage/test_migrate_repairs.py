"""A shop whose database ran a migration as it first landed on main — later edited, renumbered or
withdrawn — is upgraded to the schema the code reads, its rows kept, on both engines (0048, 0021)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage.models import OrderLineRow, OrderRow
from storage.ops import head_revision
from tests.storage.migrate_replacement_lines import FILLED, insert_exchanges, remove_exchanges, replacement_figures
from tests.storage.migrations import migrate

AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


async def _stamp(connection: AsyncConnection, revision: str) -> None:
    """What a database that ran the earlier text of ``revision`` says it is at."""
    await connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    await connection.commit()  # SQLite takes the migration's foreign_keys=OFF only outside a transaction


async def _shape(connection: AsyncConnection, table: str) -> tuple[set[str], set[str]]:
    def read(sync: object) -> tuple[set[str], set[str]]:
        inspector = inspect(sync)
        columns = {column["name"] for column in inspector.get_columns(table)}
        return columns, {str(index["name"]) for index in inspector.get_indexes(table)}

    return await connection.run_sync(read)


async def _orders_read_by_the_code(engine: AsyncEngine) -> list[tuple[str, int]]:
    """Each order's code and line count, read as the bot reads them (every mapped column)."""
    async with AsyncSession(engine) as session:
        orders = (await session.execute(select(OrderRow).where(OrderRow.id > 9100))).scalars().all()
        lines = (await session.execute(select(OrderLineRow).where(OrderLineRow.id > 9100))).scalars().all()
    return sorted((order.code, sum(line.order_id == order.id for line in lines)) for order in orders)


async def test_a_shop_that_ran_the_withdrawn_stock_index_0036_gets_the_replacement_lines_columns(
    engine: AsyncEngine,
) -> None:
    """0036 was first an index on stock.change_seq (withdrawn): upgraded past it, the shop's
    order_lines lacked the final 0036's columns and every read of an order failed."""
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0035", down=True))
        await connection.execute(text("CREATE INDEX ix_stock_change_seq ON stock (change_seq)"))
        await insert_exchanges(connection)
        await _stamp(connection, "0036")
        await connection.run_sync(migrate(engine, "head"))
        filled = await replacement_figures(connection)
        _, stock_indexes = await _shape(connection, "stock")
        await connection.commit()
    try:
        read = await _orders_read_by_the_code(engine)
    finally:
        async with engine.connect() as connection:
            await remove_exchanges(connection)
            await connection.commit()
    assert filled == FILLED  # what the final 0036 fills in
    assert "ix_stock_change_seq" not in stock_indexes
    assert [lines for _, lines in read] == [3, 2, 1, 1, 1, 1, 1, 1]


async def test_a_shop_that_ran_the_first_text_of_0036_gets_what_all_units_were_paid(engine: AsyncEngine) -> None:
    """0036's first text kept a figure per unit (paid_unit_minor); the final one keeps the line's
    whole and its list price, the figures refunds and replacements are priced by."""
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0035", down=True))
        await connection.execute(
            text(
                "ALTER TABLE order_lines ADD COLUMN replaces_line_id INTEGER "
                "CONSTRAINT fk_order_lines_replaces_line_id_order_lines REFERENCES order_lines (id)"
            )
        )
        await connection.execute(text("ALTER TABLE order_lines ADD COLUMN paid_unit_minor BIGINT"))
        await insert_exchanges(connection)
        await _stamp(connection, "0036")
        await connection.run_sync(migrate(engine, "head"))
        filled = await replacement_figures(connection)
        columns, _ = await _shape(connection, "order_lines")
        await remove_exchanges(connection)
        await connection.commit()
    assert filled == FILLED
    assert "paid_unit_minor" not in columns


async def test_a_shop_that_ran_0020_as_it_first_landed_upgrades_past_0021(engine: AsyncEngine) -> None:
    """0020 first made ix_orders_created_at, which 0021 makes now: the upgrade stopped there
    ("index ix_orders_created_at already exists") and the shop could not run the new version."""
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0020", down=True))
        await connection.execute(text("CREATE INDEX ix_orders_created_at ON orders (created_at)"))
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        _, indexes = await _shape(connection, "orders")
        await connection.commit()
    assert version == head_revision()
    assert "ix_orders_created_at" in indexes


async def test_a_shop_from_the_first_day_gets_the_columns_and_table_its_migrations_lacked(
    engine: AsyncEngine,
) -> None:
    """0002–0005 gained a column or a table after they first landed (2026-11-25): a shop that ran
    them then had no orders.dunning_stage, and every read of an order failed."""
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0047", down=True))
        for table, column in [
            ("orders", "dunning_stage"),
            ("orders", "gift_message"),
            ("customers", "telegram_language"),
            ("carrier_rates", "tracking_url"),
        ]:
            await connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        await connection.execute(text("DROP TABLE job_runs"))
        await connection.execute(
            text(
                "INSERT INTO customers (id, first_name, is_business, is_vip, unreachable, created_at) "
                "VALUES (9101, 'Eli', false, false, false, :at)"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                "INSERT INTO orders (id, code, customer_id, status, currency, subtotal_minor, shipping_minor, "
                "total_minor, fx_rate, flags, created_at, updated_at) "
                "VALUES (9101, 'OLD00001', 9101, 'delivered', 'GBP', 850, 0, 850, '1', '', :at, :at)"
            ),
            {"at": AT},
        )
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        kept = (
            await connection.execute(text("SELECT code, total_minor, dunning_stage, gift_message FROM orders"))
        ).all()
        await connection.execute(text("INSERT INTO job_runs (name, last_run_on) VALUES ('digest', '2026-12-06')"))
        await connection.execute(text("DELETE FROM job_runs WHERE name = 'digest'"))
        await connection.commit()
    try:
        read = await _orders_read_by_the_code(engine)
    finally:
        async with engine.connect() as connection:
            await connection.execute(text("DELETE FROM orders WHERE id = 9101"))
            await connection.execute(text("DELETE FROM customers WHERE id = 9101"))
            await connection.commit()
    assert [tuple(row) for row in kept] == [("OLD00001", 850, 0, "")]
    assert read == [("OLD00001", 0)]
