"""A customer's hold grown while another transaction of theirs released or grew it (PostgreSQL,
where one customer's transactions interleave: the Mini App, another process): the stock
counter and the reservation rows stay equal."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import domain.usecases.cart as cart_usecases
from domain.ports import UnitOfWork
from domain.stock import Reservation
from domain.usecases.cart import release_customer_holds, set_cart_quantity
from domain.usecases.stock import release_expired_holds_and_find, stock_drift, take_holds
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.stock_race import _counters, _shop_with_last_units


@pytest.mark.postgres
@pytest.mark.parametrize("meanwhile", ["released", "grown"])
async def test_a_hold_changed_meanwhile_is_grown_from_what_it_holds_now(
    pg_database: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """A customer has 2 held and asks for 3. The /add reads their hold on the product; before
    it takes the extra unit, their checkout elsewhere releases all their holds (or their other
    /add grows the hold by one) and commits. The /add then reserves one more unit on the
    counter and grows the hold: a row that is gone gets a new one instead, and a row grown
    meanwhile is grown from what it holds, not overwritten from what was read."""
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

        async def then_changed_elsewhere(
            uow: UnitOfWork, product_id: int, customer_id: int, now: datetime
        ) -> list[Reservation]:
            holds = await found(uow, product_id, customer_id, now)
            other = SqlUnitOfWork(sessions)
            async with other:  # committed meanwhile
                if meanwhile == "released":  # the customer's checkout
                    await release_customer_holds(other, customer_id)
                else:  # the customer's other /add
                    theirs = await found(other, product_id, customer_id, now)
                    until = now + timedelta(minutes=30)
                    await take_holds(
                        other,
                        customer_id=customer_id,
                        product_id=product_id,
                        quantity=1,
                        now=now,
                        until=until,
                        held=theirs,
                    )
                await other.commit()
            return holds

        monkeypatch.setattr(cart_usecases, "release_expired_holds_and_find", then_changed_elsewhere)
        await set_cart_quantity(
            SqlUnitOfWork(sessions), clock, customer_id=customer, product_id=product_id, quantity=3, hold_minutes=30
        )
        _, reserved, held = await _counters(engine)
        assert reserved == held, f"stock.reserved={reserved} but reservations hold {held}"
        assert await stock_drift(SqlUnitOfWork(sessions)) == []
    finally:
        await engine.dispose()
