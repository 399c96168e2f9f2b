"""A card payment landing while another transaction changes the order (PostgreSQL, where they
interleave): the payment keeps what the other one wrote."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import BACKORDER_FLAG
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.inventory import receive_goods
from domain.usecases.payments import INVOICE_PAYLOAD_PREFIX, record_card_payment
from storage import models as m
from storage.db import session_factory
from storage.repositories.orders import SqlOrders
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.requests import pickup_cash_on_delivery
from tests.storage.test_backorder_fill import _customers, _parts, _shop


@pytest.mark.postgres
async def test_a_card_payment_while_the_waiting_part_arrives_leaves_the_order_whole_for_picking(
    pg_database: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card order of 3 lamps, 1 in stock and 2 waiting. The customer pays; between the
    payment reading the order and writing it, the 2 lamps arrive and fill the part (the order
    is whole: no longer waiting) and commit. The order stays whole: the payment wrote back the
    "waiting" it had read, and the order was never picked."""
    from tests.conftest import empty_database

    engine: AsyncEngine = await empty_database(pg_database)
    try:
        _, shop = await _shop(engine, clock, on_hand=1)
        (customer,) = await _customers(engine, clock, [3])
        sessions = session_factory(engine)
        card = replace(pickup_cash_on_delivery(customer, shop), payment_method=PaymentMethod.CARD)
        order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(card_payments=True), card)
        assert order.status is OrderStatus.AWAITING_PAYMENT and BACKORDER_FLAG in order.flags
        get_by_code = SqlOrders.get_by_code
        arrived: list[int] = []

        async def goods_arrive_meanwhile(self: SqlOrders, code: str) -> Order | None:
            found = await get_by_code(self, code)
            if not arrived:
                arrived.append(2)
                await receive_goods(
                    SqlUnitOfWork(sessions), clock, actor="test", sku="P", quantity=2, warehouse_code="W1"
                )
            return found

        monkeypatch.setattr(SqlOrders, "get_by_code", goods_arrive_meanwhile)
        await record_card_payment(
            SqlUnitOfWork(sessions),
            clock,
            payload=INVOICE_PAYLOAD_PREFIX + order.code,
            amount=order.total.amount,
            currency="EUR",
            telegram_charge_id="tg-1",
            provider_charge_id="pr-1",
        )
        assert arrived == [2]
        assert [(state, filled) for _, state, _, filled in await _parts(engine)] == [("filled", 2)]
        async with sessions() as session:
            status, flags = (await session.execute(select(m.OrderRow.status, m.OrderRow.flags))).one()
        assert status == OrderStatus.ALLOCATED.value
        assert BACKORDER_FLAG not in flags.split(",")
    finally:
        await engine.dispose()
