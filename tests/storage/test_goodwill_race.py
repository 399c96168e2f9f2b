"""Two staff give the same order a goodwill refund at the same instant, on SQLite and PostgreSQL:
together they never give back more than was paid."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.usecases.goodwill import GoodwillTooLarge, give_goodwill
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

AGENTS = (621, 622)


async def _paid_order(engine: AsyncEngine, clock: FakeClock) -> str:
    """A card order of EUR 50.00, paid, and two support agents."""
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        product = await uow.products.upsert(Product("GW-1", "Crate", "C", {"EUR": Money(1000, "EUR")}))
        customer = await uow.customers.add(Customer(telegram_id=623, first_name="Ann", created_at=clock.now()))
        for staff_id in AGENTS:
            await uow.staff.put(StaffMember(telegram_id=staff_id, role=Role.SUPPORT))
        order = Order.place(
            code="GWDFGHJK",
            customer_id=customer.id or 0,
            currency="EUR",
            lines=[OrderLine(product.id or 0, product.sku, "Crate", 5, Money(1000, "EUR"))],
            now=clock.now(),
            actor="test",
            payment_method=PaymentMethod.CARD,
        )
        order = await uow.orders.add(order)
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", Money(5000, "EUR"), clock.now()))
        await uow.commit()
    return order.code


async def test_two_goodwill_refunds_at_once_never_give_back_more_than_was_paid(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    code = await _paid_order(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def give(staff_id: int) -> str:
        await start.wait()
        try:
            _, amount = await give_goodwill(
                SqlUnitOfWork(sessions), clock, staff_id=staff_id, code=code, amount_text="30", reason="late"
            )
        except GoodwillTooLarge as refused:
            return f"refused, at most {refused.params['most'].amount}"
        return f"gave {amount.amount}"

    tasks = [asyncio.create_task(give(staff_id)) for staff_id in AGENTS]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["gave 3000", "refused, at most 2000"]
    async with sessions() as session:
        given = await session.scalars(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "goodwill"))
        assert list(given) == [3000]


@pytest.mark.postgres
async def test_a_goodwill_refund_given_while_another_waits_for_the_order_counts_against_it(
    pg_database: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst interleaving, forced: while one agent's refund is about to lock the order, another
    gives EUR 30.00 and commits; the first (EUR 30.00 too) then reads what is left and is refused."""
    from storage.repositories.parcels import SqlParcels
    from tests.conftest import empty_database

    engine = await empty_database(pg_database)
    try:
        code = await _paid_order(engine, clock)
        sessions = session_factory(engine)
        lock_order = SqlParcels.lock_order
        meanwhile: list[str] = []

        async def given_meanwhile(self: SqlParcels, order_id: int) -> None:
            if not meanwhile:
                meanwhile.append(code)
                await give_goodwill(
                    SqlUnitOfWork(sessions), clock, staff_id=AGENTS[1], code=code, amount_text="30", reason="box"
                )
            await lock_order(self, order_id)

        monkeypatch.setattr(SqlParcels, "lock_order", given_meanwhile)
        with pytest.raises(GoodwillTooLarge):
            await give_goodwill(
                SqlUnitOfWork(sessions), clock, staff_id=AGENTS[0], code=code, amount_text="30", reason="late"
            )
        assert meanwhile == [code]
        async with sessions() as session:
            given = await session.scalars(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "goodwill"))
            assert list(given) == [3000]
    finally:
        await engine.dispose()
