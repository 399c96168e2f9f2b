"""The dashboard's picking and hourly figures read alike on SQLite and PostgreSQL: orders per
warehouse and stage (an order counted once however many lines it has), today's orders and revenue
by the shop's hour, cancelled ones left out."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.dashboard import dashboard
from domain.usecases.orders import cancel_my_order
from domain.usecases.staff import make_admins
from domain.warehouse import Warehouse
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery

ADMIN = 7


async def _two_orders_and_a_cancelled_one(engine: AsyncEngine, clock: FakeClock) -> async_sessionmaker[Any]:
    """Three customers' orders of A and B at W1 (W2 idle), the third cancelled; ``ADMIN`` an admin."""
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as uow:
        products = [
            await uow.products.upsert(Product(sku=sku, name=sku, category="C", prices={"EUR": Money(1000, "EUR")}))
            for sku in ("A", "B")
        ]
        w1 = await uow.warehouses.upsert(Warehouse("W1", "One", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.warehouses.upsert(Warehouse("W2", "Two", latitude=48.0, longitude=11.0, is_pickup_point=True))
        for product in products:
            await uow.stock.set_bin_quantity(product.id or 0, w1.id or 0, "A-01-01-1", 10, "count", "t", clock.now())
        customers = []
        for i in range(3):
            customer = await uow.customers.add(
                Customer(telegram_id=100 + i, first_name=f"C{i}", created_at=clock.now())
            )
            for product in products:  # two lines each: still one order per warehouse
                await uow.carts.set(customer.id or 0, product.id or 0, 1, clock.now())
            customers.append(customer.id or 0)
        await uow.commit()
    await make_admins(SqlUnitOfWork(sessions), [ADMIN])
    codes = []
    for customer_id in customers:
        order = await place_order(
            SqlUnitOfWork(sessions), clock, CheckoutPolicy(), pickup_cash_on_delivery(customer_id, w1.id)
        )
        codes.append(order.code)
    await cancel_my_order(SqlUnitOfWork(sessions), clock, customer_id=customers[2], code=codes[2], staff_chat_id=None)
    return sessions


async def test_picking_counts_orders_per_warehouse_and_the_chart_counts_them_by_the_shops_hour(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = await _two_orders_and_a_cancelled_one(engine, clock)
    board = await dashboard(SqlUnitOfWork(sessions), clock, staff_id=ADMIN, timezone="Asia/Kolkata")
    assert board.picking == {
        "W1": {"allocated": 2, "picking": 0, "picked": 0, "packed": 0},
        "W2": {"allocated": 0, "picking": 0, "picked": 0, "packed": 0},
    }
    assert board.hourly is not None and board.hourly.revenue is not None
    local_hour = clock.now().astimezone(ZoneInfo("Asia/Kolkata")).hour  # UTC+5:30: not the UTC hour
    assert board.hourly.orders[local_hour] == 2 and sum(board.hourly.orders) == 2  # the cancelled one is not counted
    assert board.hourly.revenue["EUR"][local_hour] == 2 * 2000


async def test_the_dashboard_reads_todays_orders_once_for_its_chart_and_its_today_tile(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    sessions = await _two_orders_and_a_cancelled_one(engine, clock)
    windows: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM orders" in statement and "orders.created_at >=" in statement:
            windows.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        board = await dashboard(SqlUnitOfWork(sessions), clock, staff_id=ADMIN, timezone="Asia/Kolkata")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert board.today is not None and board.hourly is not None and board.hourly.in_base is not None
    assert (board.today.orders, board.today.revenue) == (2, {"EUR": 4000})  # the cancelled one left out
    assert board.today.revenue_base == Money(4000, "EUR") and sum(board.hourly.in_base) == 4000
    assert board.last_week is not None and board.last_week.orders == 0
    # Today's orders once; the refunded ones among them with their payments (``jobs.refunded_figures``);
    # the same day a week ago's totals.
    assert len(windows) == 3, windows
