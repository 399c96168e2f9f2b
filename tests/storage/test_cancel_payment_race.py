"""A customer's cancel landing just as their card payment does (PostgreSQL, where they
interleave): the payment stands, the order goes on to be prepared, and the customer is told so and
how to cancel it still, not "An order cannot go from allocated to cancelled"."""

from __future__ import annotations

import gettext
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.orders import OrderStatus, PaymentMethod
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.orders import PaidMeanwhile, cancel_my_order
from storage import models as m
from storage.db import session_factory
from storage.repositories.orders import SqlOrders
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.backorder_fill import _customers, _shop
from tests.storage.order_flags_race import paid_in_full
from tests.storage.requests import pickup_cash_on_delivery

pytestmark = pytest.mark.postgres


async def test_a_cancel_pressed_as_the_card_payment_lands_says_the_order_was_paid_and_how_to_cancel_it(
    pg_engine: AsyncEngine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, shop = await _shop(pg_engine, clock, on_hand=5)
    (customer,) = await _customers(pg_engine, clock, [2])
    sessions = session_factory(pg_engine)
    request = replace(pickup_cash_on_delivery(customer, shop), payment_method=PaymentMethod.CARD)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(card_payments=True), request)
    assert order.status is OrderStatus.AWAITING_PAYMENT
    original, paid = SqlOrders.get_by_code, list[str]()

    async def then_paid(self: SqlOrders, code: str) -> object:
        """The card payment, committed right after the cancel read the order (awaiting payment)."""
        found = await original(self, code)
        if not paid:
            paid.append(code)
            await paid_in_full(sessions, clock, order)
        return found

    monkeypatch.setattr(SqlOrders, "get_by_code", then_paid)
    with pytest.raises(PaidMeanwhile) as refused:
        await cancel_my_order(SqlUnitOfWork(sessions), clock, customer_id=customer, code=order.code, staff_chat_id=None)
    assert str(refused.value) == (
        f"Your payment for order {order.code} arrived as you cancelled it: the order is paid and being prepared, "
        "and nothing was cancelled. To cancel it and be refunded, press ✖ Cancel order again before it is picked, "
        "or write to us with /support."
    )
    russian = gettext.translation("messages", "locales", ["ru"]).gettext(refused.value.key)
    assert russian.format(**refused.value.params).startswith(
        f"Оплата заказа {order.code} пришла, пока вы его отменяли: заказ оплачен и собирается"
    )
    async with sessions() as session:
        assert await session.scalar(select(m.OrderRow.status)) == OrderStatus.ALLOCATED.value
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
    assert [tuple(p) for p in payments] == [("payment", order.total.amount)]  # no refund owed: nothing cancelled
