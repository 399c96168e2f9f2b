"""Set-ups and readers of test_orders that other test modules use too."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def placed(uow: UnitOfWork, **details: Any) -> Order:
    customer, mug = await a_customer(uow), await a_product(uow)
    order = Order.place(
        code="BCDFGHJK",
        customer_id=customer,
        currency="EUR",
        lines=[OrderLine(mug, "MUG-1", "Mug", 2, Money(500, "EUR"))],
        now=NOW,
        actor="customer:1001",
        **details,
    )
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


async def three_placed(uow: UnitOfWork) -> tuple[int, int, int]:
    """Three orders of one customer (``placed``'s and two copies of it): their ids."""
    first = await placed(uow)
    async with uow:
        copies = [
            await uow.orders.add(replace(first, code=code, id=None, lines=[replace(first.lines[0], id=None)]))
            for code in ("BCDFGHJL", "BCDFGHJM")
        ]
        await uow.commit()
    ids = [first.id, *(order.id for order in copies)]
    assert None not in ids
    return ids[0] or 0, ids[1] or 0, ids[2] or 0


async def deleting_is_refused(engine: AsyncEngine, order_id: int) -> None:
    """Deleting the order by plain SQL (its lines first) fails on the database's own guard; nothing is deleted."""
    async with engine.connect() as connection:
        await connection.execute(text("DELETE FROM order_lines WHERE order_id = :id"), {"id": order_id})
        with pytest.raises(IntegrityError):
            await connection.execute(text("DELETE FROM orders WHERE id = :id"), {"id": order_id})
        await connection.rollback()
