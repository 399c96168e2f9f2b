"""A cancel that loses to the order moving on (a picker, staff, a payment) between reading the
order and cancelling it, on real SQLite and PostgreSQL: nothing is cancelled, and whoever
cancelled is told what the order is now, in words, not "An order cannot go from allocated to
cancelled"."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.api_problems import domain_problem, readable
from domain.apikeys import ApiKey
from domain.backorders import BackorderStatus
from domain.customers import Role, StaffMember
from domain.errors import DomainError
from domain.orders import OrderStatus
from domain.shortages import ShortChoice
from domain.usecases.backorders import cancel_waiting_part
from domain.usecases.intake_orders import cancel_api_order
from domain.usecases.orders import MovedOnMeanwhile, cancel_for_customer
from domain.usecases.shortages import choose_short
from storage import models as m
from storage.db import session_factory
from storage.repositories.orders import SqlOrders
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.backorder_race import _twenty_waiting
from tests.storage.short_choice_race import _held_for_a_short_pick

MANAGER = 9001


@pytest.fixture
def moves_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The ``moves_on[1]``-th read of the order (by id or code, from 1) is followed by the order
    moving on to ``moves_on[0]`` in the database, as a picker's or a payment's commit would meanwhile
    (in the cancel's own transaction, so it is rolled back with the cancel)."""
    to: list[str] = []
    done: list[bool] = []

    def after(read: str) -> None:
        original = getattr(SqlOrders, read)

        async def then_moved(self: SqlOrders, key: object) -> object:
            found = await original(self, key)
            if found is not None and to:
                done.append(True)
            if found is not None and to and len(done) == int(to[1]):
                await self.s.execute(update(m.OrderRow).where(m.OrderRow.id == found.id).values(status=to[0]))
            return found

        monkeypatch.setattr(SqlOrders, read, then_moved)

    after("get_by_code")
    after("get_by_id")
    yield to


def _said(refused: DomainError, code: str, english: str, russian: str) -> None:
    assert isinstance(refused, MovedOnMeanwhile)
    assert readable(refused) == (
        f"Order {code} changed while it was being cancelled: it is {english} now, and nothing was cancelled."
    )
    ru = gettext.translation("messages", "locales", ["ru"])
    assert ru.gettext(refused.key).format(code=code, status=ru.gettext(russian)) == (
        f"Заказ {code} изменился, пока его отменяли: теперь он {ru.gettext(russian)}, и ничего не отменено."
    )


async def _status(engine: AsyncEngine, code: str) -> str:
    async with session_factory(engine)() as session:
        return str(await session.scalar(select(m.OrderRow.status).where(m.OrderRow.code == code)))


async def test_a_waiting_part_cancelled_as_the_order_moved_on_cancels_nothing_and_says_what_it_is_now(
    engine: AsyncEngine, clock: FakeClock, moves_on: list[str]
) -> None:
    _, ids = await _twenty_waiting(engine, clock)
    async with session_factory(engine)() as session:
        owner, code = (
            await session.execute(
                select(m.BackorderRow.customer_id, m.OrderRow.code)
                .join(m.OrderRow, m.OrderRow.id == m.BackorderRow.order_id)
                .where(m.BackorderRow.id == ids[0])
            )
        ).one()
    moves_on.extend([OrderStatus.PICKING.value, "1"])
    with pytest.raises(MovedOnMeanwhile) as refused:
        await cancel_waiting_part(SqlUnitOfWork(session_factory(engine)), clock, customer_id=owner, backorder_id=ids[0])
    _said(refused.value, code, "being picked", "being picked")
    async with session_factory(engine)() as session:
        part = await session.scalar(select(m.BackorderRow.status).where(m.BackorderRow.id == ids[0]))
        owed = (await session.execute(select(m.PaymentRow.kind))).scalars().all()
    assert (part, await _status(engine, code), owed) == (BackorderStatus.WAITING.value, OrderStatus.PLACED.value, [])


async def test_staff_cancelorder_as_the_order_moved_on_cancels_nothing_and_names_its_status_now(
    engine: AsyncEngine, clock: FakeClock, moves_on: list[str]
) -> None:
    _, code = await _held_for_a_short_pick(engine, clock)  # a paid order, set back to allocated below
    async with SqlUnitOfWork(session_factory(engine)) as uow:
        await uow.staff.put(StaffMember(telegram_id=MANAGER, role=Role.MANAGER))
        await uow.commit()
    async with session_factory(engine)() as session:
        await session.execute(update(m.OrderRow).values(status=OrderStatus.ALLOCATED.value))
        await session.commit()
    moves_on.extend([OrderStatus.PICKING.value, "1"])
    with pytest.raises(MovedOnMeanwhile) as refused:
        await cancel_for_customer(
            SqlUnitOfWork(session_factory(engine)), clock, staff_id=MANAGER, code=code, staff_chat_id=None
        )
    _said(refused.value, code, "being picked", "being picked")
    async with session_factory(engine)() as session:
        owed = (await session.execute(select(m.PaymentRow.kind))).scalars().all()
    assert (await _status(engine, code), owed) == (OrderStatus.ALLOCATED.value, ["payment"])  # as it was


async def test_a_held_order_cancelled_as_picking_resumed_cancels_nothing_and_says_what_it_is_now(
    engine: AsyncEngine, clock: FakeClock, moves_on: list[str]
) -> None:
    customer_id, code = await _held_for_a_short_pick(engine, clock)
    moves_on.extend([OrderStatus.PICKING.value, "2"])  # read by code, then again once locked
    with pytest.raises(MovedOnMeanwhile) as refused:
        await choose_short(
            SqlUnitOfWork(session_factory(engine)),
            clock,
            customer_id=customer_id,
            code=code,
            choice=ShortChoice.CANCEL,
            staff_chat_id=None,
        )
    _said(refused.value, code, "being picked", "being picked")
    async with session_factory(engine)() as session:
        parts = (await session.execute(select(m.BackorderRow.status))).scalars().all()
        owed = (await session.execute(select(m.PaymentRow.kind))).scalars().all()
    held = (OrderStatus.ON_HOLD.value, ["waiting"], ["payment"])  # as it was: nothing cancelled, nothing owed
    assert (await _status(engine, code), parts, owed) == held


async def test_an_api_cancel_as_the_order_moved_on_is_a_409_naming_its_status_in_words(
    engine: AsyncEngine, clock: FakeClock, moves_on: list[str]
) -> None:
    await _twenty_waiting(engine, clock)
    async with SqlUnitOfWork(session_factory(engine)) as uow:
        key = await uow.api.add_key(ApiKey("shopify", "og_test", "hash", clock.now()))
        await uow.commit()
    async with session_factory(engine)() as session:
        order_id, code = (await session.execute(select(m.OrderRow.id, m.OrderRow.code).limit(1))).one()
        session.add(
            m.ApiRequestRow(
                api_key_id=key.id, idempotency_key="k1", body_hash="h", created_at=clock.now(), order_id=order_id
            )
        )
        await session.commit()
    moves_on.extend([OrderStatus.PICKING.value, "1"])
    with pytest.raises(MovedOnMeanwhile) as refused:
        await cancel_api_order(SqlUnitOfWork(session_factory(engine)), clock, key=key, code=code, staff_chat_id=None)
    problem = domain_problem(refused.value)
    assert (problem.status, problem.detail) == (
        409,
        f"Order {code} changed while it was being cancelled: it is being picked now, and nothing was cancelled.",
    )
    assert await _status(engine, code) == OrderStatus.PLACED.value  # as it was, not cancelled
