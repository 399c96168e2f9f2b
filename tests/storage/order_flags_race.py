"""Set-ups and readers of test_order_flags_race that other test modules use too."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.orders import Order
from domain.usecases.payments import INVOICE_PAYLOAD_PREFIX, record_card_payment
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


async def paid_in_full(sessions: async_sessionmaker[AsyncSession], clock: FakeClock, order: Order) -> None:
    """The order's card payment, as Telegram reports it, in a transaction of its own."""
    await record_card_payment(
        SqlUnitOfWork(sessions),
        clock,
        payload=INVOICE_PAYLOAD_PREFIX + order.code,
        amount=order.total.amount,
        currency="EUR",
        telegram_charge_id="tg-1",
        provider_charge_id="pr-1",
    )
