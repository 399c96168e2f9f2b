"""A checkout whose order is split across two warehouses while a manager transfers stock between
them, on SQLite and PostgreSQL: both take the stock counters in one order, so neither is chosen
as a deadlock's victim; the order is placed, the units moved, the counters and the journal right."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.orders import Order
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.stock import stock_drift
from domain.usecases.transfers import Transferred, transfer
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import MANAGER, _mugs_in_two_warehouses, counters
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import pickup_cash_on_delivery


async def _journal(engine: AsyncEngine) -> list[tuple[str, int, int]]:
    async with session_factory(engine)() as session:
        lines = await session.execute(
            select(
                m.JournalLineRow.account,
                func.sum(m.JournalLineRow.debit_minor),
                func.sum(m.JournalLineRow.credit_minor),
            )
            .group_by(m.JournalLineRow.account)
            .order_by(m.JournalLineRow.account)
        )
        return [(str(a), int(d), int(c)) for a, d, c in lines]


async def _check(engine: AsyncEngine, results: list[object]) -> None:
    order, moved = results
    assert isinstance(order, Order) and isinstance(moved, Transferred), results
    assert sum(line.quantity for line in order.lines) == 4
    stock, journal = await counters(engine), await _journal(engine)
    # One mug moved W1 -> W2; the four ordered are reserved where they are (2 + 2, or 3 + 1 when
    # the transfer came first), never more than a warehouse has.
    assert {code: on_hand for code, (on_hand, _) in stock.items()} == {"W1": 2, "W2": 3}
    assert sum(reserved for _, reserved in stock.values()) == 4
    assert all(reserved <= on_hand for on_hand, reserved in stock.values())
    assert await stock_drift(SqlUnitOfWork(session_factory(engine))) == []
    # The unit moved from €4 to €5 of cost: inventory up €1 against revaluation, booked once.
    assert journal == [(Account.INVENTORY.value, 100, 0), (Account.INVENTORY_REVALUATION.value, 0, 100)]


@pytest.mark.postgres
async def test_a_split_checkout_and_a_transfer_between_its_warehouses_do_not_deadlock(
    pg_engine: AsyncEngine, clock: FakeClock
) -> None:
    """The worst interleaving, forced: the transfer holds W1's counter; the checkout then takes
    what it takes until it waits; the transfer goes on to W2's. A checkout that reserved W2
    before W1 held W2 by then, and PostgreSQL killed one of the two as a deadlock."""
    customer, shop = await _mugs_in_two_warehouses(pg_engine, clock)
    sessions = session_factory(pg_engine)
    request = pickup_cash_on_delivery(customer, shop)
    results = await worst_interleaving(
        pg_engine,
        lambda: transfer(
            SqlUnitOfWork(sessions), clock, staff_id=MANAGER, sku="MUG", quantity=1, source="W1", target="W2"
        ),
        lambda: place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request),
    )
    await _check(pg_engine, results)


async def test_a_split_checkout_and_a_transfer_at_the_same_moment_both_end_right(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    customer, shop = await _mugs_in_two_warehouses(engine, clock)
    sessions = session_factory(engine)
    request = pickup_cash_on_delivery(customer, shop)
    results = await at_once(
        lambda: place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request),
        lambda: transfer(
            SqlUnitOfWork(sessions), clock, staff_id=MANAGER, sku="MUG", quantity=1, source="W1", target="W2"
        ),
    )
    await _check(engine, results)
