"""A checkout whose order is split across two warehouses while a manager transfers stock between
them, on SQLite and PostgreSQL: both take the stock counters in one order, so neither is chosen
as a deadlock's victim; the order is placed, the units moved, the counters and the journal right."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order
from domain.purchasing import Supplier, SupplyTerms
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.stock import stock_drift
from domain.usecases.transfers import Transferred, transfer
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_waits import at_once, worst_interleaving
from tests.storage.requests import pickup_cash_on_delivery

MANAGER = 801
CUSTOMER = 9001


async def _mugs_in_two_warehouses(engine: AsyncEngine, clock: FakeClock) -> tuple[int, int]:
    """W1 (far, 3 mugs at €4 a unit) made before W2 (the pickup shop, 2 mugs at €5): W2 has the
    higher id but is nearer, so a checkout of 4 there reserves at W2 first, then W1. A customer
    with 4 mugs in the cart, and a manager. Returns (customer id, W2's id)."""
    async with (uow := SqlUnitOfWork(session_factory(engine))):
        mug = await uow.products.upsert(Product("MUG", "Mug", "C", {"EUR": Money(1000, "EUR")}))
        far = await uow.warehouses.upsert(Warehouse("W1", "Far", latitude=60.0, longitude=30.0))
        shop = await uow.warehouses.upsert(Warehouse("W2", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        assert mug.id is not None and far.id is not None and shop.id is not None and far.id < shop.id
        await uow.purchasing.upsert_suppliers([Supplier("ACME", "Acme")])
        supplier = (await uow.purchasing.suppliers())[0].id or 0
        await uow.purchasing.set_terms(
            [
                SupplyTerms(mug.id, far.id, supplier, 1, 1, Money(400, "EUR")),
                SupplyTerms(mug.id, shop.id, supplier, 1, 1, Money(500, "EUR")),
            ]
        )
        for warehouse, units in ((far, 3), (shop, 2)):
            await uow.stock.set_bin_quantity(mug.id, warehouse.id or 0, "A-01-01-1", units, "count", "t", clock.now())
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        customer = await uow.customers.add(Customer(telegram_id=CUSTOMER, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id, 4, clock.now())
        await uow.commit()
    return customer.id or 0, shop.id


async def counters(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Each warehouse's code: its (on hand, reserved) of the one product stocked."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.WarehouseRow.code, m.StockRow.on_hand, m.StockRow.reserved)
            .join(m.StockRow, m.StockRow.warehouse_id == m.WarehouseRow.id)
            .order_by(m.WarehouseRow.code)
        )
        return {code: (on_hand, reserved) for code, on_hand, reserved in rows}


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
