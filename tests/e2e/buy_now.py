"""Set-ups and readers of test_buy_now that other test modules use too."""

from __future__ import annotations

from sandbox import SandboxUser
from sandbox.server import BotMessage

LONDON = {"country_code": "GB", "city": "London", "street_line1": "221B Baker Street", "post_code": "NW1 6XE"}


async def _buy_now_invoice(user: SandboxUser, sku: str = "85123A") -> BotMessage:
    card = (await user.send(f"/start p_{sku}")).last
    reply = await user.press(card, "⚡")
    return next(msg for msg in reply.new if msg.kind == "invoice")


async def _to_london(user: SandboxUser, sku: str) -> tuple[BotMessage, str]:
    """The Buy now invoice of ``sku`` with a London address typed: it and the first option's id."""
    invoice = await _buy_now_invoice(user, sku)
    answer = await user.enter_shipping_address(invoice, **LONDON)
    return invoice, str(answer.shipping_answer["options"][0]["id"]) if answer.shipping_answer else ""
