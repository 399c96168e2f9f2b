"""Buy now: a charge for a product hidden, or left with no price, between the pre-checkout and
the payment is recorded on a cancelled order and owed back whole, once (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.catalog import ProductStatus
from domain.money import Money
from domain.usecases.buynow import place_bought_order
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.buy_now_shop import POLICY, buy_now_shop


@pytest.mark.parametrize("gone", ["hidden", "unpriced", "hidden and repriced"])
async def test_a_charge_for_a_product_withdrawn_since_the_pre_checkout_is_recorded_and_owed_back_once(
    engine: AsyncEngine, clock: FakeClock, gone: str
) -> None:
    sessions = session_factory(engine)
    shop = await buy_now_shop(sessions, clock, units=5, buyers=1)
    if gone.startswith("hidden"):
        # Repriced too: the order still totals the charge, so cash and the refund owed agree.
        prices = {"EUR": Money(2000, "EUR")} if gone.endswith("repriced") else shop.product.prices
        async with SqlUnitOfWork(sessions) as uow:
            await uow.products.upsert(replace(shop.product, status=ProductStatus.HIDDEN, prices=prices))
            await uow.commit()
    else:
        async with sessions() as session, session.begin():
            await session.execute(delete(m.ProductPriceRow))
    paid = shop.payment(shop.buyers[0], "tg_gone")

    order, placed = await place_bought_order(SqlUnitOfWork(sessions), clock, POLICY, paid)
    again, _ = await place_bought_order(SqlUnitOfWork(sessions), clock, POLICY, paid)  # redelivered

    assert not placed and order is not None and again is not None and again.code == order.code
    async with sessions() as session:
        row = await session.scalar(select(m.OrderRow))
        payments = (await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor))).all()
        memos = (await session.scalars(select(m.JournalEntryRow.memo).order_by(m.JournalEntryRow.id))).all()
        told = (await session.scalars(select(m.OutboxRow.template).order_by(m.OutboxRow.id))).all()
        reserved = await session.scalar(select(m.StockRow.reserved))
        cash = await session.scalar(
            select(func.coalesce(func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor), 0)).where(
                m.JournalLineRow.account == Account.CASH.value
            )
        )
    assert row is not None and (row.status, row.total_minor) == ("cancelled", 1500)
    assert cash == 1500  # what the card was charged, no more
    assert sorted(tuple(p) for p in payments) == [("payment", 1500), ("refund_owed", 1500)]
    assert memos[-1] == f"refund owed, {order.code} withdrawn from sale; credit note CN-000001"
    assert told == ["buy_now_withdrawn", "staff_buy_now_withdrawn"] and reserved == 0
