"""The demo's scene of an edited order: the customer adds a unit and a new product and pays each
difference, a manager adds a line from the /edit screen, and both sides see what changed (``bot.demo`` calls it)."""

from __future__ import annotations

import re
from collections.abc import Callable

from sandbox import SandboxServer, SandboxUser


async def edited_order(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    dana = SandboxUser(server, 1021, "Dana", language_code="en", transcript=transcript)
    scene("Dana orders one lantern for pickup and pays by card")
    await dana.send("/add 85123A 1")
    reply = await dana.send("/checkout")
    reply = await dana.share_contact("+44 7700 900123")
    reply = await dana.press(reply.last, "Pick up")
    reply = await dana.press(reply.last, reply.last.button_texts()[0])
    reply = await dana.press(reply.last, "by card")
    reply = await dana.press(reply.last, "Confirm order")
    invoice = next(m for m in reply.new if m.kind == "invoice")
    assert invoice.invoice is not None
    code = invoice.invoice["payload"].split(":", 1)[1]
    await dana.pre_checkout(invoice)
    await dana.pay(invoice)

    scene("Within the edit window she wants two (✏️ Edit): the stock is re-held, she pays the difference")
    reply = await dana.send(f"/track {code}")
    reply = await dana.press(reply.last, "✏️ Edit")
    reply = await dana.press(reply.last, "➕ White Hanging…")
    difference = next(m for m in reply.new if m.kind == "invoice")
    await dana.pre_checkout(difference)
    await dana.pay(difference)

    scene("She adds another product herself (✏️ Edit → ➕ Add a product): stock held, the difference invoiced")
    reply = await dana.send(f"/track {code}")
    reply = await dana.press(reply.last, "✏️ Edit")
    reply = await dana.press(reply.last, "Add a product")
    reply = await dana.send("popcorn")
    reply = await dana.press(reply.last, "22197")
    difference = next(m for m in reply.new if m.kind == "invoice")
    await dana.pre_checkout(difference)
    await dana.pay(difference)

    scene(
        "A manager adds to it on /edit (➕ Add a product, SKU and quantity): Dana is told what changed, Ada gets a link"
    )
    reply = await ada.send(f"/edit {code}")
    reply = await ada.press(reply.last, "Add a product")
    reply = await ada.send("22197 1")
    await ada.press(reply.last, "22197")
    transcript.append("🔔 Dana's chat: " + "\n    ".join(dana.messages()[-1].text.splitlines()))
    await ada.send(f"/order {code}")


async def address_fixed(server: SandboxServer, transcript: list[str], scene: Callable[[str], None]) -> None:
    """A typo in an unpaid order's address fixed by its customer: "Same place" keeps the location
    she shared at checkout, so the courier's price stays what it was."""
    rosa = SandboxUser(server, 1026, "Rosa", language_code="en", transcript=transcript)
    scene("Rosa orders for delivery, cash on delivery, and shares where she is: the courier is priced by it")
    await rosa.send("/add 85123A 1")
    reply = await rosa.send("/checkout")
    reply = await rosa.share_contact("+44 7700 900456")
    reply = await rosa.press(reply.last, "Courier")
    reply = await rosa.send("221B Baker Street, London NW1 6XE")
    reply = await rosa.send_location(51.5237, -0.1585)
    reply = await rosa.press(reply.last, reply.last.button_texts()[0])
    reply = await rosa.press(reply.last, "Cash on delivery")
    placed = await rosa.press(reply.last, "Confirm order")
    code = re.findall(r"Order (\w{8})", placed.last.text)[0]
    scene("She forgot her flat number (✏️ Edit → 📍 Change address): Same place keeps the location and its price")
    reply = await rosa.send(f"/track {code}")
    reply = await rosa.press(reply.last, "✏️ Edit")
    reply = await rosa.press(reply.last, "Change address")
    await rosa.send("221B Baker Street, flat 2, London NW1 6XE")
    await rosa.send("Same place")
