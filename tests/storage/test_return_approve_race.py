"""Two staff approving one return at the same instant, on SQLite and PostgreSQL: one approves it, the other is told
who did (by name), and the customer is told once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.return_handling import ApprovedAlready, decide_return
from domain.usecases.returns import request_return
from storage import models as m
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.returned import delivered_tshirts

STAFF = {801: "Sam", 802: "Meg"}


async def test_two_staff_approving_at_once_approve_it_once_and_the_second_is_told_by_whom(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    order, _, _ = await delivered_tshirts(engine, clock, "RAPPROVE", staff=800, customer=803, units={"TEE-L-NVY": 1})
    sessions = session_factory(engine)
    async with (work := SqlUnitOfWork(sessions)):
        for staff_id, name in STAFF.items():
            await work.customers.add(Customer(telegram_id=staff_id, first_name=name, created_at=clock.now()))
            await work.staff.put(StaffMember(telegram_id=staff_id, role=Role.SUPPORT))
        await work.commit()
    request = await request_return(
        SqlUnitOfWork(sessions),
        clock,
        customer_id=order.customer_id,
        code=order.code,
        kind=ReturnKind.REFUND,
        reason=ReturnReason.CHANGED_MIND,
        method=ReturnMethod.DROP_OFF,
        quantities={order.lines[0].id or 0: 1},
        window_days=14,
    )
    async with sessions() as session:
        told_before = await session.scalar(select(func.count()).select_from(m.OutboxRow))
    start = asyncio.Event()

    async def approve(staff_id: int) -> str:
        await start.wait()
        try:
            await decide_return(SqlUnitOfWork(sessions), clock, staff_id=staff_id, rma=request.rma_code, approve=True)
        except ApprovedAlready as told:
            return f"told: {told.params['name']}"
        return STAFF[staff_id]

    tasks = [asyncio.create_task(approve(staff_id)) for staff_id in STAFF]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    winner = next(o for o in outcomes if not o.startswith("told"))
    assert sorted(outcomes) == sorted([winner, f"told: {winner}"])  # one approved, the other told by whom
    async with sessions() as session:
        status, decided_by = (
            await session.execute(
                select(m.ReturnRow.status, m.ReturnRow.decided_by).where(m.ReturnRow.rma_code == request.rma_code)
            )
        ).one()
        told_after = await session.scalar(select(func.count()).select_from(m.OutboxRow))
    assert (status, STAFF.get(decided_by or 0)) == ("approved", winner)
    assert told_after == (told_before or 0) + 1  # the customer told once
