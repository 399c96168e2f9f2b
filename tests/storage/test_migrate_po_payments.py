"""0047 keeps each payment to a supplier: those recorded before are read back from their journal
entries (when, how much, the note), what the entries do not account for is one payment, on both
engines, and the table goes away going back down."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models.base import UtcDateTime
from tests.storage.migrations import down_and_up, migrate

ORDERED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
FIRST, SECOND = datetime(2026, 11, 20, 10, 0, tzinfo=UTC), datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
# (purchase order, currency, paid_minor): 9301 paid twice in dollars, 9302 with no entry to read
ORDERS = [(9301, "USD", 2250), (9302, "GBP", 500), (9303, "GBP", 0)]
ENTRIES = [  # (source, memo, at)
    ("po:9301", "PO 9301 received", ORDERED),
    ("po:9301", "PO 9301 paid in part 10.01 USD: wire 77; 10.01 USD at 1.5 USD/GBP", FIRST),
    ("po:9301", "PO 9301 paid 12.49 USD", SECOND),
    ("po:93010", "PO 93010 paid 1.00 USD", SECOND),  # another order's
]


async def test_payments_recorded_before_are_read_back_from_the_journal(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0046", down=True))
        run = connection.execute
        await run(
            text(
                "INSERT INTO warehouses (id, code, name, address, is_pickup_point) "
                "VALUES (9301, 'W9301', 'W', '', false)"
            )
        )
        await run(
            text("INSERT INTO suppliers (id, code, name, contact, lead_time_days) VALUES (9301, 'S', 'S', '', 7)")
        )
        for po, currency, paid in ORDERS:
            await run(
                text(
                    "INSERT INTO purchase_orders (id, supplier_id, warehouse_id, status, currency, created_at, "
                    "updated_by, paid_minor) VALUES (:id, 9301, 9301, 'received', :cur, :at, 't', :paid)"
                ).bindparams(bindparam("at", type_=UtcDateTime())),
                {"id": po, "cur": currency, "at": ORDERED, "paid": paid},
            )
        for source, memo, at in ENTRIES:
            await run(
                text(
                    "INSERT INTO journal_entries (at, source, memo, currency, debit_total, credit_total) "
                    "VALUES (:at, :source, :memo, 'GBP', 1, 1)"
                ).bindparams(bindparam("at", type_=UtcDateTime())),
                {"at": at, "source": source, "memo": memo},
            )
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        query = text(
            "SELECT po_id, paid_at, amount_minor, paid_by, note FROM po_payments WHERE po_id > 9300 ORDER BY id"
        ).columns(paid_at=UtcDateTime())
        kept = [tuple(row) for row in await run(query)]
        await connection.commit()
    await down_and_up(engine, "0046")  # down with the rows, and up again
    async with engine.connect() as connection:
        run = connection.execute
        await run(text("DELETE FROM journal_entries WHERE source LIKE 'po:930%'"))
        for table in ("purchase_orders", "suppliers", "warehouses"):
            await run(text(f"DELETE FROM {table} WHERE id > 9300"))
        await connection.commit()
    assert kept == [
        (9301, FIRST, 1001, None, "wire 77"),
        (9301, SECOND, 1249, None, ""),
        (9302, ORDERED, 500, None, ""),
    ]
