"""0051 finds an order by its buyer's PO number whatever its case: the orders placed before it get
their folded reference, the lookup reads its index, and it goes back down, on both engines."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine
from storage import models as m
from storage.db import session_factory
from storage.repositories.orders import _CODES_BY_REFERENCE
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import migrate

_OWN = ("id", "code", "checkout_key", "reference", "reference_key")  # each copied order's own


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
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0050", down=True))
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()

    async with uow:
        assert await uow.orders.codes_by_reference("po-5512", 5) == ["BCDFGHJ1"]
        assert await uow.orders.codes_by_reference("ЗАКАЗ-7", 5) == ["BCDFGHJ2"]
        assert await uow.orders.codes_by_reference("", 5) == []
    async with engine.connect() as connection:
        compiled = _CODES_BY_REFERENCE.compile(engine)
        given = compiled.construct_params({"reference_key": "po-5512", "limit": 5})
        parameters = tuple(given[name] for name in compiled.positiontup or ())
        if engine.dialect.name == "sqlite":
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", parameters)
        else:  # a shop's history, analysed: on three rows the planner may as well read them by another index
            copied = ", ".join(c.name for c in m.OrderRow.__table__.columns if c.name not in _OWN)
            await connection.exec_driver_sql(
                f"INSERT INTO orders (code, reference, reference_key, {copied}) "
                f"SELECT 'Z' || g, 'R' || g, 'r' || g, {copied} FROM orders, generate_series(1, 5000) AS g "
                "WHERE code = 'BCDFGHJ1'"
            )
            await connection.exec_driver_sql("ANALYZE orders")
            plan = await connection.exec_driver_sql(f"EXPLAIN {compiled}", parameters)
        shown = "\n".join(str(row[-1]) for row in plan)
        assert "ix_orders_reference_key" in shown, shown
        await connection.rollback()
        await connection.run_sync(migrate(engine, "0050", down=True))
        columns = (await connection.execute(text("SELECT * FROM orders WHERE 1 = 0"))).keys()
        assert "reference_key" not in list(columns)
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
