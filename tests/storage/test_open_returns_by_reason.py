"""The open returns per reason read alike on SQLite and PostgreSQL, counted as the open count counts them (a
rejected one closed), and the dashboard's returns tile gets the top ones."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.dashboard import dashboard
from domain.usecases.return_handling import decide_return
from domain.usecases.returns import request_return
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock
from tests.storage.returned import delivered_tshirts

ADMIN = 810


async def test_open_returns_are_counted_per_reason_a_rejected_one_left_out(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    units = {"TEE-L-NVY": 3, "TEE-M-NVY": 2}
    order, _, _ = await delivered_tshirts(engine, clock, "RREASONS", staff=ADMIN, customer=811, units=units)
    sessions = session_factory(engine)
    lines = {line.sku: line.id or 0 for line in order.lines}
    asked = [
        ("TEE-L-NVY", ReturnReason.DAMAGED),
        ("TEE-M-NVY", ReturnReason.DAMAGED),
        ("TEE-L-NVY", ReturnReason.DOESNT_FIT),
        ("TEE-L-NVY", ReturnReason.WRONG_ITEM),
    ]
    for sku, reason in asked:
        made = await request_return(
            SqlUnitOfWork(sessions),
            clock,
            customer_id=order.customer_id,
            code=order.code,
            kind=ReturnKind.REFUND,
            reason=reason,
            method=ReturnMethod.DROP_OFF,
            quantities={lines[sku]: 1},
            window_days=14,
        )
    await decide_return(SqlUnitOfWork(sessions), clock, staff_id=ADMIN, rma=made.rma_code, approve=False)

    async with (uow := SqlUnitOfWork(sessions)).read_only():
        assert await uow.returns.open_by_reason() == {ReturnReason.DAMAGED: 2, ReturnReason.DOESNT_FIT: 1}
    board = await dashboard(SqlUnitOfWork(sessions), clock, staff_id=ADMIN, timezone="UTC")
    assert board.open_returns == 3
    assert board.return_reasons == [(ReturnReason.DAMAGED, 2), (ReturnReason.DOESNT_FIT, 1)]
