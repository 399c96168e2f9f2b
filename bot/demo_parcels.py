"""The demo's scene for parcels and pickup: an order split into two parcels with their own
trackings, delivered parcel by parcel (what the first brought may come back while the second
travels); a pickup order's code and QR code, handed over at the counter with the cash taken."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.dispatch import pack_order
from domain.usecases.orders import transition_order
from handlers.output.barcodes import read_barcode
from sandbox.driver import SandboxUser

ORDER_CODE = re.compile(r"Order (\w{8})")


async def packed_directly(running: RunningBot, code: str, items: dict[str, int], staff_id: int) -> None:
    """Picked and packed as the warehouse day shows in chat, done directly."""
    runtime = running.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor=f"staff:{staff_id}")
    await pack_order(runtime.uow(), runtime.clock, staff_id=staff_id, code=code, scanned=items)
    await runtime.notifier.drain()


async def courier_cod_order(
    customer: SandboxUser, phone: str, address: str, location: tuple[float, float], paid_by: str = "Cash on delivery"
) -> str:
    """The customer checks out their cart for courier delivery, cash on delivery (or ``paid_by``,
    a business's "Invoice"); the order's code."""
    reply = await customer.send("/checkout")
    reply = await customer.share_contact(phone)
    reply = await customer.press(reply.last, "Courier")
    reply = await customer.send(address)
    reply = await customer.send_location(*location)
    reply = await customer.press(reply.last, reply.last.button_texts()[0])
    reply = await customer.press(reply.last, paid_by)
    placed = await customer.press(reply.last, "Confirm order")
    return next(m.group(1) for msg in placed.new if (m := ORDER_CODE.search(msg.text)))


async def split_shipment_and_pickup(
    running: RunningBot, ada: SandboxUser, staff_id: int, transcript: list[str], scene: Callable[[str], None]
) -> None:
    server = running.server
    scene("Dora's order leaves in two parcels, each with its own tracking; she is told per parcel")
    dora = SandboxUser(server, 1020, "Dora", language_code="en", transcript=transcript)
    await dora.send("/add 85123A 2")
    await dora.send("/add 22197 1")
    code = await courier_cod_order(dora, "+44 7700 900456", "1 Abbey Road, London NW8 9AH", (51.5320, -0.1778))
    await packed_directly(running, code, {"85123A": 2, "22197": 1}, staff_id)
    await ada.send(f"/ship {code} 85123A=1 DPD DPD-SPLIT-1")
    await ada.send(f"/ship {code} 85123A=9 DPD DPD-SPLIT-X")  # more than is left: refused, nothing changed
    await ada.send(f"/ship {code} Royal Mail RM-SPLIT-2")
    await ada.send("/delivered DPD-SPLIT-1")
    await running.runtime.notifier.drain()
    for message in server.chat_messages(dora.id)[-3:]:
        transcript.append("🔔 Dora's chat: " + "\n    ".join(message.text.splitlines()))
    scene(
        "Parcel 1 arrived, parcel 2 travels: Dora may return only what parcel 1 brought, each line marked with "
        "its parcel's number (📦 parcel 1)"
    )
    await dora.send(f"/return {code}")
    await dora.send("/cancel")
    await ada.send("/delivered RM-SPLIT-2")
    await running.runtime.notifier.drain()
    transcript.append("🔔 Dora's chat: " + "\n    ".join(server.chat_messages(dora.id)[-1].text.splitlines()))
    await dora.send(f"/track {code}")

    scene("Eli picks up in store and pays there: a pickup code with a QR code, then /handover at the counter")
    eli = SandboxUser(server, 1021, "Eli", language_code="en", transcript=transcript)
    await eli.send("/add 22197 2")
    reply = await eli.send("/checkout")
    reply = await eli.share_contact("+44 7700 900789")
    reply = await eli.press(reply.last, "Pick up")
    reply = await eli.press(reply.last, reply.last.button_texts()[0])
    reply = await eli.press(reply.last, "Pay at pickup")
    placed = await eli.press(reply.last, "Confirm order")
    code = next(m.group(1) for msg in placed.new if (m := ORDER_CODE.search(msg.text)))
    await packed_directly(running, code, {"22197": 2}, staff_id)
    ready = next(msg for msg in reversed(server.chat_messages(eli.id)) if msg.kind == "photo")
    transcript.append("🔔 Eli's chat (a photo of a QR code): " + "\n    ".join(ready.text.splitlines()))
    pickup = read_barcode(ready.file.content) if ready.file else None
    transcript.append(f"    (the counter scans the QR code: {pickup})")
    await ada.send("/handover ZZZ999")
    await ada.send(f"/handover {pickup}")
    await ada.send(f"/handover {pickup}")  # a used code is refused
