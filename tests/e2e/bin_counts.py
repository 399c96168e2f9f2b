"""A bin counted through the chat as the books say, but one item: test_bin_count and test_cancel_held_by_count."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import Reply


async def as_the_books_say(shop: RunningBot, counter: SandboxUser, bin_code: str, but: str) -> Reply:
    """Every item the books hold in LON's ``bin_code`` counted as they say, but ``but``; the last reply."""
    async with shop.runtime.uow() as uow:
        warehouse = await uow.warehouses.get_by_code("LON")
        held = await uow.inventory.bin_contents(warehouse.id if warehouse and warehouse.id else 0, bin_code)
        products = await uow.products.get_many([b.product_id for b in held])
    skus = {p.id: p.sku for p in products}
    for found in held:
        if skus[found.product_id] != but:
            reply = await counter.send(f"{skus[found.product_id]} {found.quantity}")
    return reply
