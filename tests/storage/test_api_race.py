"""The intake API under concurrency, on SQLite and PostgreSQL: channels racing for the last
units never oversell, and one Idempotency-Key sent many times at once makes one order."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.money import Money
from domain.usecases.checkout import CartChanged, CheckoutPolicy
from domain.usecases.intake import ApiCustomer, ApiOrderRequest, PaymentState, create_api_key, place_api_order
from domain.usecases.stock import stock_drift
from domain.warehouse import Warehouse
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

LAST_UNITS = 5


def _request(i: int) -> ApiOrderRequest:
    return ApiOrderRequest(
        customer=ApiCustomer(f"Buyer {i}", email=f"buyer{i}@example.com"),
        lines=(("PLENTY" if i == 0 else "LAST", 1),),  # the retried request is not in the race for stock
        currency="EUR",
        payment=PaymentState.COD,
        pickup_point="W1",
    )


async def test_channels_racing_for_the_last_units_and_repeating_a_key(engine: AsyncEngine, clock: FakeClock) -> None:
    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="LAST", name="Last", category="C", prices={"EUR": Money(1000, "EUR")})
        )
        plenty = await uow.products.upsert(
            Product(sku="PLENTY", name="Plenty", category="C", prices={"EUR": Money(500, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(plenty.id or 0, shop.id or 0, "A-01-01-2", 100, "count", "t", clock.now())
        await uow.stock.set_bin_quantity(
            product.id or 0, shop.id or 0, "A-01-01-1", LAST_UNITS, "count", "t", clock.now()
        )
        await uow.commit()
    _, key = await create_api_key(SqlUnitOfWork(sessions), clock, name="pos")
    start = asyncio.Event()

    async def place(i: int, idempotency_key: str) -> str | None:
        await start.wait()
        try:
            order, _ = await place_api_order(
                SqlUnitOfWork(sessions),
                clock,
                CheckoutPolicy(),
                key=key,
                idempotency_key=idempotency_key,
                body_hash=f"body-{i}",
                request=_request(i),
            )
        except CartChanged:
            return None
        return order.code

    # Ten copies of one request (a client retrying) and twenty other buyers, all at once.
    tasks = [asyncio.create_task(place(0, "same")) for _ in range(10)]
    tasks += [asyncio.create_task(place(i, f"key-{i}")) for i in range(1, 21)]
    start.set()
    codes = await asyncio.gather(*tasks)

    repeated, others = codes[:10], codes[10:]
    assert len(set(repeated)) == 1 and repeated[0] is not None  # one order, every retry told its code
    assert sum(1 for c in others if c is not None) == LAST_UNITS
    async with sessions() as session:
        orders = await session.scalar(select(func.count()).select_from(m.OrderRow))
        customers = await session.scalar(select(func.count()).select_from(m.CustomerRow))
        on_hand, reserved = (
            await session.execute(
                select(m.StockRow.on_hand, m.StockRow.reserved).where(m.StockRow.product_id == product.id)
            )
        ).one()
    assert (orders, on_hand, reserved) == (LAST_UNITS + 1, LAST_UNITS, LAST_UNITS)
    assert customers == LAST_UNITS + 1  # the losers' transactions left nothing behind, not even the customer
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
