"""0051 finds an order by its buyer's PO number whatever its case: the orders placed before it get
their folded reference, the lookup reads its index, and it goes back down, on both engines."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine
from storage.db import session_factory
from storage.repositories.orders import _CODES_BY_REFERENCE
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up, migrate


async def test_orders_placed_before_are_found_by_their_po_number_in_any_case_through_the_index(
    engine: AsyncEngine,
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        for code, reference in (("BCDFGHJ1", "PO-5512"), ("BCDFGHJ2", "Заказ-7"), ("BCDFGHJ3", "")):
            line = OrderLine(mug, "MUG-1", "Mug", 1, Money(500, "EUR"))
            order = Order.place(
                code=code, customer_id=customer, currency="EUR", lines=[line], now=NOW, actor="c", reference=reference
            )
            await uow.orders.add(order)
        await uow.commit()
    await down_and_up(engine, "0050")

    async with uow:
        assert await uow.orders.codes_by_reference("po-5512", 5) == ["BCDFGHJ1"]
        assert await uow.orders.codes_by_reference("ЗАКАЗ-7", 5) == ["BCDFGHJ2"]
        assert await uow.orders.codes_by_reference("", 5) == []
    async with engine.connect() as connection:
        compiled = _CODES_BY_REFERENCE.compile(engine)
        assert "WHERE orders.reference_key = " in str(compiled)  # the lookup compares the indexed key alone
        if engine.dialect.name == "sqlite":
            given = compiled.construct_params({"reference_key": "po-5512", "limit": 5})
            parameters = tuple(given[name] for name in compiled.positiontup or ())
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", parameters)
            shown = "\n".join(str(row[-1]) for row in plan)
            assert "ix_orders_reference_key" in shown, shown
        else:
            # The index, not PostgreSQL's plan: built after the backfill's updates, a new index serves only
            # transactions younger than every one open when it was built (pg_index.indcheckxmin), and other
            # sessions on a shared test server made the plan a coin toss; a btree on the key is what equality uses.
            indexes = await connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'orders' AND indexname = 'ix_orders_reference_key'"
            )
            assert [str(row[0]).split(" USING ")[1] for row in indexes] == ["btree (reference_key)"]
        await connection.rollback()
        await connection.run_sync(migrate(engine, "0050", down=True))
        columns = (await connection.execute(text("SELECT * FROM orders WHERE 1 = 0"))).keys()
        assert "reference_key" not in list(columns)
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
