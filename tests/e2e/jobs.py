"""Set-ups and readers of test_jobs that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from tests.e2e.journeys import business_customer, order_code, place_invoice_order


async def _invoice_order(shop: RunningBot, user_id: int) -> str:
    buyer = await business_customer(shop, user_id)
    return order_code(await place_invoice_order(buyer, "85123A", 10, location=False))
