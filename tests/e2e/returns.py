"""Set-ups and readers of test_returns that other test modules use too."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.orders import transition_order
from handlers.callbacks import ReturnLineCb
from sandbox import SandboxUser
from sandbox.driver import Reply
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.journeys import order

# A return's list of three lines, tissues (1), a ceramic (1) and birds (3), as each language shows its buttons.
LIST_WORDS = {
    "en": {
        "tissues": "Pack Of 12 London Tissues · up to 1",
        "tissues chosen": "✅ Pack Of 12 London Tissues · 1 of 1",
        "birds": "Assorted Colour Bird… · up to 3",
        "birds chosen": "✅ Assorted Colour Bird… · 2 of 3",
        "continue": "Continue ➡️",
    },
    "ru": {
        "tissues": "Бумажные платочки «Лондон»… · до 1 шт.",  # the demo's name_ru, cut to fit
        "tissues chosen": "✅ Бумажные платочки «Лондон»… · 1 из 1",
        "birds": "Декоративная птичка, цвета… · до 3 шт.",
        "birds chosen": "✅ Декоративная птичка, цвета… · 2 из 3",
        "continue": "Далее ➡️",
    },
}


async def three_lines_listed(shop: RunningBot, customer_id: int, language: str) -> tuple[SandboxUser, BotMessage]:
    """A customer in ``language`` who pressed ↩️ on their delivered order of the three lines ``LIST_WORDS`` names: the
    customer and the list's message."""
    nina = SandboxUser(shop.server, customer_id, "Nina", language_code=language)
    await nina.send("/start")
    code = await delivered(shop, customer_id, {"85123A": 1, "22616": 1, "84879": 3})
    [listed] = (await nina.press((await nina.send(f"/track {code}")).last, "↩️")).new
    return nina, listed


async def delivered(shop: RunningBot, customer_id: int, items: dict[str, int]) -> str:
    code = await order(shop, customer_id, items)
    await deliver(shop, code)
    await shop.runtime.notifier.drain()  # the customer has had the status messages by now
    return code


async def ship(shop: RunningBot, code: str) -> None:
    """Order ``code`` picked, packed and shipped (DPD)."""
    runtime = shop.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking=f"TR{code}")


async def deliver(shop: RunningBot, code: str) -> None:
    """Order ``code`` picked, packed, shipped (DPD) and delivered."""
    await ship(shop, code)
    await mark_delivered(shop.runtime.uow(), shop.runtime.clock, staff_id=ADMIN, code=code)


async def press_line(shop: RunningBot, customer: SandboxUser, message: BotMessage, code: str, sku: str) -> Reply:
    """Press, on a return's or an exchange's question, the button of order ``code``'s line of ``sku`` (the buttons
    name the product in the customer's language, not its SKU)."""
    async with shop.runtime.sessions() as session:
        found = select(m.OrderLineRow.id).join(m.OrderRow, m.OrderRow.id == m.OrderLineRow.order_id)
        ids = (await session.scalars(found.where(m.OrderRow.code == code, m.OrderLineRow.sku == sku))).all()
    wanted = {ReturnLineCb(line_id=line_id).pack() for line_id in ids}
    [button] = [b for b in message.buttons() if b.get("callback_data") in wanted]
    return await customer.press_data(message, button["callback_data"], label=button["text"])


async def ask_return(
    shop: RunningBot, customer: SandboxUser, code: str, sku: str, reason: str, *, how: str = "store"
) -> str:
    """One unit of ``sku`` back by /return, no photos; the RMA code."""
    lines = await customer.send(f"/return {code}")
    lines = await press_line(shop, customer, lines.last, code, sku)
    if lines.last.text.startswith("How many of "):
        lines = await customer.send("1")
    reasons = await customer.press(lines.last, "Continue")
    photos = await customer.press(reasons.last, reason)
    method = await customer.press(photos.last, "Skip")
    return rma_of((await customer.press(method.last, how)).last.text)


async def refunded_return(shop: RunningBot, customer_id: int, code: str, sku: str) -> str:
    """One unit of ``sku`` of the delivered order ``code`` returned for a change of mind, taken
    back into stock and refunded by support (support member 91): the return's code."""
    rma = await ask_return(shop, SandboxUser(shop.server, customer_id, f"C{customer_id}"), code, sku, "Changed my mind")
    support = await hire(shop, 91, "Sam", "support")
    shown = await support.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", f"Restock {sku}", "Refund"):
        shown = await support.press(shown.last, step)
    return rma


def rma_of(text: str) -> str:
    found = re.search(r"\b(R[2-9B-Z]{7})\b", text)
    assert found, text
    return found.group(1)
