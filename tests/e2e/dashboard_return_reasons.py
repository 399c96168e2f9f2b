"""Open returns for the dashboard's returns tile: four open with three reasons, one rejected (closed)."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.return_handling import decide_return
from domain.usecases.returns import request_return
from tests.e2e.conftest import ADMIN
from tests.e2e.returns import delivered

CUSTOMER = 531
# What the tile says, reason by reason, in each language (the reasons' words as /returns says them).
SAID = {
    "en": ["damaged: 2", "changed my mind: 1", "other: 1"],
    "ru": ["повреждён: 2", "передумал(а): 1", "другое: 1"],
}


async def four_open_returns_and_a_rejected_one(shop: RunningBot) -> None:
    """Two damaged, a change of mind, an "other" open; a wrong item rejected (closed: not counted)."""
    runtime = shop.runtime
    code = await delivered(shop, CUSTOMER, {"85123A": 1, "22616": 1, "84879": 3})
    async with runtime.uow() as uow:
        order = await uow.orders.get_by_code(code)
        assert order is not None
    lines = {line.sku: line.id or 0 for line in order.lines}
    asked = [
        ("85123A", ReturnReason.DAMAGED),
        ("84879", ReturnReason.DAMAGED),
        ("22616", ReturnReason.CHANGED_MIND),
        ("84879", ReturnReason.OTHER),
        ("84879", ReturnReason.WRONG_ITEM),
    ]
    for sku, reason in asked:
        made = await request_return(
            runtime.uow(),
            runtime.clock,
            customer_id=order.customer_id,
            code=code,
            kind=ReturnKind.REFUND,
            reason=reason,
            method=ReturnMethod.DROP_OFF,
            quantities={lines[sku]: 1},
            window_days=30,
        )
    await decide_return(runtime.uow(), runtime.clock, staff_id=ADMIN, rma=made.rma_code, approve=False, reason="no")
