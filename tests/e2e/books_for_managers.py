"""Set-ups and readers of test_books_for_managers that other test modules use too."""

from __future__ import annotations

from sqlalchemy import update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import SKU, _short_pick
from tests.e2e.split_shipments import shelf_says


async def three_not_found(shop: RunningBot) -> str:
    """An order of 4 × SKU (at £0.50 a unit) whose picker finds 1: its code."""
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(
            update(m.ProductRow).where(m.ProductRow.sku == SKU).values(cost_minor=50, cost_currency="GBP")
        )
    await shelf_says(shop, 4)  # the books say 4; the shelf holds 1
    buyer = SandboxUser(shop.server, 670, "Nina")
    await add_to_cart(buyer, SKU, 4)
    code = order_code(await place_cod_order(buyer))
    await _short_pick(shop, await hire_in(shop, 671, "Pia", "picker", "en"), found=1)
    return code
