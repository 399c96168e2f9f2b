"""The demo's promotions scene: a manager runs a sale and hands out a code; a customer sees both
in the cart and at review, pays by card, and the journal books the discount."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from bot.harness import RunningBot
from domain.money import Money
from domain.shop_days import shop_day
from sandbox.driver import SandboxUser


async def promotions_and_codes(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    clock = running.runtime.clock
    today = shop_day(clock.now(), running.runtime.settings.timezone)  # staff type the shop's days
    until = (today + timedelta(days=30)).isoformat()
    scene(
        "A manager starts a sale (/promotion), plans one on every size of the T-shirt (product:TEE) and a promo"
        " code (/promocode): rules checked, overlaps refused"
    )
    await ada.send(f'/promotion new "Heart week" percent=10 products=85123A until={until}')
    await ada.send(f"/promotion new Again percent=150 products=85123A until={until}")  # refused: over 100 %
    # product:TEE is every size and colour of the T-shirt, those added later too; a plain SKU is one.
    start, end = ((today + timedelta(days=days)).isoformat() for days in (60, 67))
    await ada.send(f'/promotion new "Tee week" off=2.00 products=product:TEE from={start} until={end}')
    await ada.send(f"/promocode new WELCOME5 off=1.00 min=5.00 uses=100 per_customer=1 first_order until={until}")
    gwen = SandboxUser(running.server, 1040, "Gwen", language_code="en", transcript=transcript)
    scene("Gwen's cart shows the sale; at review she types the code in lower case with a space")
    await gwen.send("/add 85123A 3")
    await gwen.send("/cart")
    reply = await gwen.send("/checkout")
    reply = await gwen.share_contact("+44 7700 900456")
    reply = await gwen.press(reply.last, "Pick up")
    reply = await gwen.press(reply.last, reply.last.button_texts()[0])
    reply = await gwen.press(reply.last, "Pay now by card")
    reply = await gwen.send("/promo welcome 5")
    reply = await gwen.press(reply.last, "Confirm order")
    invoice = next(m for m in reply.new if m.kind == "invoice")
    await gwen.pre_checkout(invoice)
    await gwen.pay(invoice)
    code = re.findall(r"Order (\w+)", invoice.text or "") or re.findall(r"Order (\w+) is placed", reply.new[0].text)
    scene("The sale's journal entry: sales at list price, the discount in its own account, tax after discount")
    uow = running.runtime.uow()
    now = clock.now()
    async with uow.read_only():
        entries = await uow.journal.entries(now - timedelta(minutes=5), now + timedelta(minutes=5))
    for entry in entries:
        if entry.source == f"order:{code[0] if code else ''}" or "code WELCOME5" in entry.memo:
            transcript.append(f"📒 {entry.memo}")
            for line in entry.lines:
                side = "debit" if line.debit else "credit"
                transcript.append(
                    f"    {line.account.value}: {side} {Money(line.debit or line.credit, entry.currency)}"
                )
    await ada.send("/promocode")
