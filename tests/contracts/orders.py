"""Set-ups and readers of test_orders that other test modules use too."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.apikeys import ApiKey, new_key
from domain.money import Money
from domain.orders import Channel, Order, OrderLine
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def placed(uow: UnitOfWork, code: str = "BCDFGHJK", customer_id: int | None = None, **details: Any) -> Order:
    customer = customer_id if customer_id is not None else await a_customer(uow)
    mug = await a_product(uow)
    order = Order.place(
        code=code,
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


async def a_channels_order(
    uow: UnitOfWork, channel: str = "market", code: str = "BCDFGHJK", customer_id: int | None = None
) -> tuple[Order, ApiKey]:
    """An order the intake API placed for ``channel`` (its key's claim settled with it), and the key."""
    order = await placed(uow, code, customer_id, channel=Channel.API)
    async with uow:
        _, key = new_key(channel, NOW)
        await uow.api.add_key(key)
        assert key.id is not None and await uow.api.claim(key.id, "k-1", "hash", NOW) is None
        await uow.api.settle(key.id, "k-1", order_id=order.id)
        await uow.commit()
    return order, key


async def deleting_is_refused(engine: AsyncEngine, order_id: int) -> None:
    """Deleting the order by plain SQL (its lines first) fails on the database's own guard; nothing is deleted."""
    async with engine.connect() as connection:
        await connection.execute(text("DELETE FROM order_lines WHERE order_id = :id"), {"id": order_id})
        with pytest.raises(IntegrityError):
            await connection.execute(text("DELETE FROM orders WHERE id = :id"), {"id": order_id})
        await connection.rollback()
