"""An order on hold after a short pick (⚠️ Short pick, nothing elsewhere) is cancelled as one being picked is, on
SQLite and PostgreSQL: by a manager's /cancelorder, its picked unit goes back (the picker told which bin), its
allocation and its waiting part go, what was paid is owed back and the books net to nothing; the customer's own
cancel is pointed to the shop, nothing changed; the cancel and the customer's answer at once leave one outcome."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounting import Account
from domain.customers import Customer, Role, StaffMember
from domain.orders import Order, OrderStatus, PaymentMethod
from domain.picking import PickMethod
from domain.shortages import ChoiceGone, ShortChoice
from domain.usecases.checkout import CheckoutPolicy, place_order
from domain.usecases.orders import HeldAskTheShop, MovedOnMeanwhile, cancel_for_customer, cancel_my_order
from domain.usecases.picking import confirm_pick, start_round
from domain.usecases.short_picks import report_short
from domain.usecases.shortages import choose_short
from domain.usecases.stock import stock_drift
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.lock_order_race import counters
from tests.storage.order_flags_race import paid_in_full
from tests.storage.requests import mugs_at_a_pickup_shop, pickup_cash_on_delivery

PICKER, MANAGER, BUYER = 841, 842, 9_041


async def _held_after_a_short(engine: AsyncEngine, clock: FakeClock) -> tuple[Order, int]:
    """3 mugs counted in W1's A-01-01-1, 1 there: the buyer's card order of 3, paid; the picker takes 1 into tote 1
    and finds no more (0): no other bin nor warehouse has any, so the order is held, 2 waiting. Returns the order
    and the buyer's id."""
    sessions = session_factory(engine)
    async with (uow := SqlUnitOfWork(sessions)):
        mug, shop = await mugs_at_a_pickup_shop(uow, clock, 3)
        buyer = await uow.customers.add(Customer(telegram_id=BUYER, first_name="Cy", created_at=clock.now()))
        await uow.carts.set(buyer.id or 0, mug.id or 0, 3, clock.now())
        await uow.customers.add(Customer(telegram_id=PICKER, first_name="Пётр", created_at=clock.now(), language="ru"))
        await uow.staff.put(StaffMember(telegram_id=PICKER, role=Role.PICKER, warehouse_code="W1"))
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        await uow.commit()
    request = replace(pickup_cash_on_delivery(buyer.id or 0, shop.id), payment_method=PaymentMethod.CARD)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(card_payments=True), request)
    await paid_in_full(sessions, clock, order)
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=PICKER, method=PickMethod.SINGLE)
    await confirm_pick(SqlUnitOfWork(sessions), clock, staff_id=PICKER, scanned="MUG")
    await report_short(SqlUnitOfWork(sessions), clock, staff_id=PICKER, found=0, staff_chat_id=None)
    async with sessions() as session:
        row = await session.scalar(select(m.OrderRow).where(m.OrderRow.id == order.id))
        assert row is not None and (row.status, row.held_from) == ("on_hold", "picking")
        waiting = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity))).all()
    assert [tuple(w) for w in waiting] == [("waiting", 2)]
    assert await counters(engine) == {"W1": (1, 1)}  # the 2 not there written off; the tote's one still held
    return order, buyer.id or 0


async def _outbox(engine: AsyncEngine, template: str) -> list[tuple[int, str, dict[str, object]]]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.OutboxRow.chat_id, m.OutboxRow.language, m.OutboxRow.params)
            .where(m.OutboxRow.template == template)
            .order_by(m.OutboxRow.id)
        )
        return [(chat, language, json.loads(params)) for chat, language, params in rows]


async def _order_books(engine: AsyncEngine, code: str) -> dict[str, int]:
    """Account → debit less credit of the order's entries (zero ones left out)."""
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(m.JournalLineRow.account, func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor))
            .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
            .where(m.JournalEntryRow.source == f"order:{code}")
            .group_by(m.JournalLineRow.account)
        )
        return {account: int(net) for account, net in rows if net}


async def test_a_manager_cancels_an_order_held_after_a_short_pick_as_one_being_picked(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    order, _ = await _held_after_a_short(engine, clock)
    sessions = session_factory(engine)
    cancelled, refund = await cancel_for_customer(
        SqlUnitOfWork(sessions), clock, staff_id=MANAGER, code=order.code, staff_chat_id=-100
    )
    assert cancelled.status is OrderStatus.CANCELLED and refund == order.total
    async with sessions() as session:
        assert await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id)) == "cancelled"
        assert (await session.execute(select(m.ReservationRow.id))).all() == []
        parts = (
            await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity, m.BackorderRow.cancelled))
        ).all()
        payments = (
            await session.execute(select(m.PaymentRow.kind, m.PaymentRow.amount_minor).order_by(m.PaymentRow.id))
        ).all()
        balanced = await session.scalar(
            select(func.count()).where(m.JournalEntryRow.debit_total != m.JournalEntryRow.credit_total)
        )
    assert [tuple(p) for p in parts] == [("cancelled", 0, 2)]  # nothing left to fill later
    assert [tuple(p) for p in payments] == [("payment", order.total.amount), ("refund_owed", order.total.amount)]
    assert await counters(engine) == {"W1": (1, 0)}  # the tote's mug back on the shelf, free again
    books = await _order_books(engine, order.code)
    assert balanced == 0 and sum(books.values()) == 0
    total = order.total.amount  # the sale taken back whole, the money owed back
    assert books == {
        Account.CASH.value: total,
        Account.REFUNDS_PAYABLE.value: -total,
        Account.REVENUE.value: -total,
        Account.SALES_RETURNS.value: total,
    }
    # The picker, in Russian, told the mug in tote 1 goes back into A-01-01-1; the customer told what is owed back.
    (told,) = await _outbox(engine, "picker_put_back")
    assert told[:2] == (PICKER, "ru") and told[2]["items"] == [{"units": 1, "sku": "MUG", "bin": "A-01-01-1"}]
    assert told[2]["shelf"] is True  # the round ended with the order held: its tote went to the hold shelf
    (owed,) = await _outbox(engine, "order_refund_owed")
    assert owed[0] == BUYER and owed[2]["refund_minor"] == order.total.amount
    (staff,) = await _outbox(engine, "staff_order_cancelled")
    assert staff[2]["by"] == f"staff:{MANAGER}"


async def test_the_customer_s_own_cancel_of_an_order_held_after_a_short_pick_points_to_the_shop(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    order, buyer = await _held_after_a_short(engine, clock)
    with pytest.raises(HeldAskTheShop):
        await cancel_my_order(
            SqlUnitOfWork(session_factory(engine)), clock, customer_id=buyer, code=order.code, staff_chat_id=None
        )
    async with session_factory(engine)() as session:
        assert await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id)) == "on_hold"
        assert await session.scalar(select(m.BackorderRow.status)) == "waiting"
    assert await counters(engine) == {"W1": (1, 1)}


@pytest.mark.parametrize("answer_first", [False, True], ids=["cancel sent first", "answer sent first"])
async def test_a_manager_s_cancel_and_the_customer_s_answer_at_once_leave_one_outcome_and_the_stock_exact(
    engine: AsyncEngine, clock: FakeClock, answer_first: bool
) -> None:
    """Ada's /cancelorder and the customer's ⏳ Wait, sent at the same moment: the cancel wins whole (the answer told
    it is gone) or the answer does (the cancel refused as moved on, or cancelling the order being picked it became);
    either way nothing is held for a cancelled order, its part waits no more and what was paid is owed back once."""
    order, buyer = await _held_after_a_short(engine, clock)
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def cancel() -> object:
        await start.wait()
        try:
            return await cancel_for_customer(
                SqlUnitOfWork(sessions), clock, staff_id=MANAGER, code=order.code, staff_chat_id=None
            )
        except MovedOnMeanwhile as refused:
            return refused

    async def answer() -> object:
        await start.wait()
        try:
            return await choose_short(
                SqlUnitOfWork(sessions),
                clock,
                customer_id=buyer,
                code=order.code,
                choice=ShortChoice.WAIT,
                staff_chat_id=None,
            )
        except ChoiceGone as refused:
            return refused

    calls = [answer, cancel] if answer_first else [cancel, answer]
    tasks = {call: asyncio.create_task(call()) for call in calls}
    start.set()
    await asyncio.gather(*tasks.values())
    cancelled, answered = tasks[cancel].result(), tasks[answer].result()
    async with sessions() as session:
        state = await session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order.id))
        part = (await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity))).one()
        owed = await session.scalar(
            select(func.coalesce(func.sum(m.PaymentRow.amount_minor), 0)).where(m.PaymentRow.kind == "refund_owed")
        )
    if isinstance(cancelled, MovedOnMeanwhile):  # the answer first, the cancel's compare-and-set lost
        assert not isinstance(answered, ChoiceGone)
        assert (state, tuple(part), owed) == ("picking", ("waiting", 2), 0)
        assert await counters(engine) == {"W1": (1, 1)}
    else:  # cancelled: first, or after the answer made it an order being picked again
        assert (state, tuple(part), owed) == ("cancelled", ("cancelled", 0), order.total.amount)
        assert await counters(engine) == {"W1": (1, 0)}
    assert await stock_drift(SqlUnitOfWork(sessions)) == []
