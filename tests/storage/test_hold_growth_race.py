"""Growing a customer's hold whose row another transaction of theirs released meanwhile
(PostgreSQL, where they interleave: the Mini App, another process) keeps counters and rows equal."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import domain.usecases.cart as cart_usecases
from domain.ports import UnitOfWork
from domain.stock import Reservation
from domain.usecases.cart import release_customer_holds, set_cart_quantity
from domain.usecases.stock import release_expired_holds_and_find, stock_drift
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.test_stock_race import _counters, _shop_with_last_units


@pytest.mark.postgres
async def test_a_hold_released_meanwhile_is_not_grown_into_nothing(
    pg_database: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer has 2 held and asks for 3. The /add reads their hold on the product; before
    it takes the extra unit, their checkout elsewhere (the Mini App, another process) releases
    all their holds and commits. The /add then reserves one more unit on the counter and
    "grows" the hold that is gone: the UPDATE matches no row, nothing notices, and the
    counter keeps a unit reserved that no reservation row holds (stock_drift)."""
    from tests.conftest import empty_database

    engine: AsyncEngine = await empty_database(pg_database)
    try:
        product_id, customers = await _shop_with_last_units(engine, clock)
        customer = customers[0]
        sessions = session_factory(engine)
        await set_cart_quantity(
            SqlUnitOfWork(sessions), clock, customer_id=customer, product_id=product_id, quantity=2, hold_minutes=30
        )
        found = release_expired_holds_and_find

        async def then_released_elsewhere(
            uow: UnitOfWork, product_id: int, customer_id: int, now: datetime
        ) -> list[Reservation]:
            holds = await found(uow, product_id, customer_id, now)
            other = SqlUnitOfWork(sessions)
            async with other:  # the customer's checkout in another transaction, committed meanwhile
                await release_customer_holds(other, customer_id)
                await other.commit()
            return holds

        monkeypatch.setattr(cart_usecases, "release_expired_holds_and_find", then_released_elsewhere)
        await set_cart_quantity(
            SqlUnitOfWork(sessions), clock, customer_id=customer, product_id=product_id, quantity=3, hold_minutes=30
        )
        _, reserved, held = await _counters(engine)
        assert reserved == held, f"stock.reserved={reserved} but reservations hold {held}"
        assert await stock_drift(SqlUnitOfWork(sessions)) == []
    finally:
        await engine.dispose()
