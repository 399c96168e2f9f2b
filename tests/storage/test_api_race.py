"""The intake API under concurrency, on SQLite and PostgreSQL: channels racing for the last
units never oversell, and one Idempotency-Key sent many times at once makes one order."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.apikeys import ApiKey
from domain.catalog import Product
from domain.money import Money
from domain.usecases.api_keys import create_api_key
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.intake import place_api_order
from domain.usecases.intake_request import ApiCustomer, ApiOrderRequest, PaymentState, ShortLine
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


async def _placed_at_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    key: ApiKey,
    policy: CheckoutPolicy,
    requests: dict[str, ApiOrderRequest],
    refused: type[Exception],
) -> int:
    """Every request sent at once under its own Idempotency-Key: how many were placed (the rest refused)."""
    start = asyncio.Event()

    async def place(idempotency_key: str, request: ApiOrderRequest) -> bool:
        await start.wait()
        try:
            await place_api_order(
                SqlUnitOfWork(sessions),
                clock,
                policy,
                key=key,
                idempotency_key=idempotency_key,
                body_hash=f"body-{idempotency_key}",
                request=request,
            )
        except refused:
            return False
        return True

    tasks = [asyncio.create_task(place(idempotency_key, request)) for idempotency_key, request in requests.items()]
    start.set()
    return sum(await asyncio.gather(*tasks))


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
        except ShortLine:  # the line short of stock, named (lines.0.quantity)
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


async def test_invoices_racing_for_one_credit_limit_never_pass_it(engine: AsyncEngine, clock: FakeClock) -> None:
    """Ten invoice orders of €10 at once (each of another product, so no stock row orders
    them) for a business with a €25 limit: exactly two."""
    from domain.apikeys import Scope
    from domain.customers import CreditLimitExceeded, Customer

    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        for i in range(10):
            product = await uow.products.upsert(
                Product(sku=f"TEN-{i}", name="Ten", category="C", prices={"EUR": Money(1000, "EUR")})
            )
            await uow.stock.set_bin_quantity(
                product.id or 0, shop.id or 0, f"A-01-01-{i}", 9, "count", "t", clock.now()
            )
        await uow.customers.add(
            Customer(None, "Acme", email="ap@acme.example", is_business=True, credit_limit=2500, created_at=clock.now())
        )
        await uow.commit()
    _, key = await create_api_key(SqlUnitOfWork(sessions), clock, name="b2b", scopes=frozenset({Scope.ORDERS}))
    invoice = replace(_request(1), customer=ApiCustomer("Acme", email="ap@acme.example"), payment=PaymentState.INVOICE)
    requests = {f"inv-{i}": replace(invoice, lines=((f"TEN-{i}", 1),)) for i in range(10)}
    assert await _placed_at_once(sessions, clock, key, CheckoutPolicy(), requests, CreditLimitExceeded) == 2
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.OrderRow)) == 2


async def test_a_customers_unpaid_api_orders_at_once_never_pass_the_cap(engine: AsyncEngine, clock: FakeClock) -> None:
    """Six cash-on-delivery orders for one customer sent at once by a channel, the cap at 2: they
    take turns on the customer and count each other, so exactly two are placed."""
    from domain.usecases.intake_request import UnpaidCapReached

    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(500, "EUR")})
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", 100, "count", "t", clock.now())
        await uow.commit()
    _, key = await create_api_key(SqlUnitOfWork(sessions), clock, name="web shop")
    await place_api_order(  # the customer exists before the race, as a returning buyer does
        SqlUnitOfWork(sessions),
        clock,
        CheckoutPolicy(max_unpaid_orders=2),
        key=key,
        idempotency_key="paid",
        body_hash="paid",
        request=replace(_request(1), lines=(("MUG", 1),), payment=PaymentState.PAID),
    )
    requests = {f"cod-{i}": replace(_request(1), lines=(("MUG", 1),)) for i in range(6)}
    assert (
        await _placed_at_once(sessions, clock, key, CheckoutPolicy(max_unpaid_orders=2), requests, UnpaidCapReached)
        == 2
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.OrderRow)) == 3
        assert await session.scalar(select(m.StockRow.reserved)) == 3


async def test_a_receipt_retried_many_times_at_once_counts_its_goods_once(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    """A store's system retries a receipt after a timeout, ten times at once with one
    Idempotency-Key: the goods are counted once and every retry is told the same receipt."""
    from domain.apikeys import Scope
    from domain.usecases.intake_request import IdempotencyConflict
    from domain.usecases.intake_stock import api_receipt

    sessions = session_factory(engine)
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(Product(sku="BOX", name="Box", category="C"))
        await uow.warehouses.upsert(Warehouse("W1", "Shop"))
        await uow.commit()
    _, key = await create_api_key(SqlUnitOfWork(sessions), clock, name="store", scopes=frozenset({Scope.RECEIPTS}))
    start = asyncio.Event()

    async def receive(body_hash: str, quantity: int) -> tuple[object, bool]:
        await start.wait()
        return await api_receipt(
            SqlUnitOfWork(sessions),
            clock,
            key=key,
            sku="BOX",
            warehouse_code="W1",
            quantity=quantity,
            bin_code=None,
            reason="delivery 7",
            idempotency_key="delivery-7",
            body_hash=body_hash,
        )

    tasks = [asyncio.create_task(receive("body-7", 12)) for _ in range(10)]
    start.set()
    answers = await asyncio.gather(*tasks)

    assert len({received for received, _ in answers}) == 1  # every retry told the same receipt
    assert sorted(first for _, first in answers) == [False] * 9 + [True]
    with pytest.raises(IdempotencyConflict):
        await receive("another body", 5)
    async with sessions() as session:
        on_hand = await session.scalar(select(func.sum(m.StockRow.on_hand)).where(m.StockRow.product_id == product.id))
        moves = await session.scalar(select(func.count()).select_from(m.InventoryMovementRow))
    assert (on_hand, moves) == (12, 1)
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
