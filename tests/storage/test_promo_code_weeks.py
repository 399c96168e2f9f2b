"""Weeks a promo code limited to a product sold it, read from the orders that used the code and
their shipments, on SQLite and PostgreSQL: left out of the nightly job's history as a
promotion's weeks are, and named by /forecast's reading."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.promotions import DiscountKind, PromoCode
from domain.replenishment import ServiceLevels
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.forecast_job import nightly_forecasts
from domain.usecases.forecasts import product_forecast
from domain.weeks import week_start
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

MANAGER = 777


async def _coded_orders(engine: AsyncEngine, clock: FakeClock) -> tuple[SqlUnitOfWork, int, int, int, list[str]]:
    """A mug and a bowl at W1; MUGS20 (mugs only) and ALL5 (everything) used on one order each,
    both orders holding a mug and a bowl."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 100)
        bowl = await uow.products.upsert(
            Product(sku="BOWL", name="Bowl", category="C", prices={"EUR": Money(500, "EUR")})
        )
        await uow.stock.set_bin_quantity(bowl.id or 0, shop.id or 0, "A-01-01-2", 100, "count", "t", clock.now())
        for code, products in (("MUGS20", frozenset({mug.id or 0})), ("ALL5", frozenset[int]())):
            until = clock.now() + timedelta(days=400)
            await uow.promotions.add_code(
                PromoCode(code, DiscountKind.PERCENT, clock.now(), until, percent=Decimal(20), product_ids=products)
            )
        customers = []
        for i in range(2):
            customer = await uow.customers.add(
                Customer(telegram_id=30_000 + i, first_name=f"C{i}", created_at=clock.now())
            )
            await uow.carts.set(customer.id or 0, mug.id or 0, 3, clock.now())
            await uow.carts.set(customer.id or 0, bowl.id or 0, 3, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()
    orders = []
    for customer_id, code in zip(customers, ("MUGS20", "ALL5"), strict=True):
        request = replace(pickup_cash_on_delivery(customer_id, shop.id), promo_code=code)
        orders.append((await place_order(uow, clock, CheckoutPolicy(), request)).code)
    return uow, mug.id or 0, bowl.id or 0, shop.id or 0, orders


async def test_only_a_product_limited_codes_shipments_are_read_as_its_sales(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    uow, mug, bowl, w1, (mugs20, all5) = await _coded_orders(engine, clock)
    day = clock.now().date()
    async with uow:  # what shipping both orders records (domain.usecases.parcels)
        await uow.demand.record([(mug, w1, day, 3), (bowl, w1, day, 3)], f"shipment {mugs20}")
        await uow.demand.record([(mug, w1, day, 3), (bowl, w1, day, 3)], f"shipment {all5}")
        await uow.demand.record([(mug, w1, day, 9)], "import")
        await uow.commit()
    async with uow.read_only():
        every = await uow.promotions.code_sales(day, day + timedelta(days=1))
        mugs = await uow.promotions.code_sales(day, day + timedelta(days=1), [mug])
        before = await uow.promotions.code_sales(day - timedelta(days=7), day)
    # Both lines of MUGS20's order: which the code covers is the forecast's to decide.
    assert [(s.code.code, s.product_id, s.warehouse_id, s.day, s.units) for s in every] == [
        ("MUGS20", mug, w1, day, 3),
        ("MUGS20", bowl, w1, day, 3),
    ]
    assert every[0].code.product_ids == frozenset({mug})
    assert [s.product_id for s in mugs] == [mug] and before == []


async def test_the_nightly_read_of_code_sales_reaches_the_demand_by_its_source_index(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A code's shipments are found by their source, "shipment CODE", among every demand row the
    shop ever had (millions: each shipment's and each imported week's): through an index, not
    a read of the whole table each night."""
    uow, mug, _, w1, (mugs20, _) = await _coded_orders(engine, clock)
    day = clock.now().date()
    async with uow:
        await uow.demand.record([(mug, w1, day - timedelta(days=d), 2) for d in range(300)], "import")
        await uow.demand.record([(mug, w1, day, 3)], f"shipment {mugs20}")
        await uow.commit()
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM demand" in statement:
            sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with uow.read_only():
            assert [s.units for s in await uow.promotions.code_sales(day, day + timedelta(days=1))] == [3]
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    [(statement, parameters)] = sent
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":  # a table this small is read whole unless that is made a last resort
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = [str(row[0]) for row in await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
        else:
            found = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = [str(row[-1]) for row in found]
    assert any("ix_demand_source_day" in line for line in plan), plan


@pytest.mark.parametrize("coded", [4, 1])
async def test_weeks_a_mugs_only_code_sold_a_quarter_of_are_left_out_of_the_mugs_history_alone(
    engine: AsyncEngine, clock: FakeClock, coded: int
) -> None:
    """MUG and BOWL sold 10 a week at W1 for 20 weeks; in three of them MUGS20's order shipped
    ``coded`` of each on top: 4 of 14 is over a quarter, a promotion week for MUG (not for BOWL, which
    the code does not cover); 1 of 11 lifted nothing worth leaving out."""
    uow, mug, bowl, w1, (mugs20, _all5) = await _coded_orders(engine, clock)
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    coded_weeks = [last_monday - timedelta(weeks=k) for k in (8, 9, 10)]
    async with uow:
        rows = [(p, w1, last_monday - timedelta(weeks=k), 10) for p in (mug, bowl) for k in range(20)]
        await uow.demand.record(rows, "import")
        shipped: list[tuple[int, int, date, int]] = [
            (p, w1, d + timedelta(days=2), coded) for p in (mug, bowl) for d in coded_weeks
        ]
        await uow.demand.record(shipped, f"shipment {mugs20}")
        await uow.commit()
    await nightly_forecasts(uow, clock, levels=ServiceLevels(0.95), currency="EUR", auto_apply=False)
    async with uow.read_only():
        stored = {(s.product_id, s.warehouse_id): s for s in await uow.demand.suggestions(None)}
    left_out = coded == 4
    if left_out:  # fitted on its 17 weeks at 10
        assert stored[mug, w1].weekly_demand == pytest.approx(10)
    else:
        assert stored[mug, w1].weekly_demand > 10.01
    assert stored[bowl, w1].weekly_demand > 10.01  # the code's weeks kept: its sales of bowls were at full price
    async with uow:
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        await uow.commit()
    levels = ServiceLevels(0.95)
    _product, found = await product_forecast(uow, clock, staff_id=MANAGER, sku="MUG", levels=levels, currency="EUR")
    spans = [(s.first, s.weeks, s.names) for s in found[0].promoted]
    assert spans == ([(coded_weeks[-1], 3, ("MUGS20",))] if left_out else [])
