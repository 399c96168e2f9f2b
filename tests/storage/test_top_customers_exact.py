"""``/top customers`` ranks exactly: each order's worth in the base currency as money (minor units
rounded half-even, ``to_base``), never by a float summed in SQL; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import to_base
from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Order, OrderLine
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def _customer_with_orders(uow: SqlUnitOfWork, telegram_id: int, product: Product, totals: list[int]) -> int:
    customer = await uow.customers.add(Customer(telegram_id=telegram_id, first_name=f"C{telegram_id}", created_at=NOW))
    for i, total in enumerate(totals):
        line = OrderLine(product.id or 0, product.sku, product.name, 1, Money(total, "USD"))
        code = f"T{telegram_id % 1000:03d}{i:04d}"
        order = Order.place(
            code=code, customer_id=customer.id or 0, currency="USD", lines=[line], now=NOW, actor="t", fx_rate="10"
        )
        await uow.orders.add(order)
    return customer.id or 0


async def test_top_customers_rank_each_orders_worth_in_the_base_currency_as_money_not_a_float_sum(
    engine: AsyncEngine,
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    uow.base_currency = "EUR"
    async with uow:
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"USD": Money(1, "USD")})
        )
        # $1.05 twice at 10 USD a euro: 10.5 cents each, 10 as money (half-even), 20 in all — a
        # float summed 21.0. $2.09 once: 20.9 cents, 21 as money.
        two = await _customer_with_orders(uow, 7001, product, [105, 105])
        one = await _customer_with_orders(uow, 7002, product, [209])
        await uow.commit()
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO fx_rates (base, quote, rate, set_at, set_by) VALUES ('EUR', 'USD', '10', :at, 't')"),
            {"at": NOW},
        )
    assert sum(to_base(Money(105, "USD"), "10", "EUR") for _ in range(2)) == 20
    assert to_base(Money(209, "USD"), "10", "EUR") == 21
    async with uow.read_only():
        ranked = await uow.orders.value_by_customer(10, "EUR")
        first = await uow.orders.value_by_customer(1, "EUR")
    assert ranked == [(one, "USD", 209, 1), (two, "USD", 210, 2)]
    assert first == [(one, "USD", 209, 1)]
