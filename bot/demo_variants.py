"""The demo's T-shirt in sizes and colours: options on one card, a variant added in chat, a size swap, in Russian."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.demo_shop import ADMIN_ID, order_code
from bot.harness import DEMO_DATA, RunningBot
from domain.orders import OrderStatus
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.orders import transition_order
from sandbox.driver import SandboxUser


async def tshirt_variants(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    server = running.server
    scene("A T-shirt in sizes and colours: one card, the options chosen with buttons (✖ = sold out)")
    for kind in ("products", "stock"):
        name = f"tshirts-{kind}.csv"
        await ada.send_document((DEMO_DATA / name).read_bytes(), name, f"/import {kind}")
    scene("The admin adds an XXL in navy in chat (/product, ➕ Add variant): the parent's name, its own price")
    sheet = await ada.send("/product TEE-XL-NVY")
    await ada.press(sheet.last, "Add variant")
    await ada.send("TEE-XXL-NVY")
    barcode = await ada.send("Size=XXL; Colour=Navy")
    await ada.press(barcode.last, "Skip")
    await ada.send("14.00")
    chloe = SandboxUser(server, 1010, "Chloe", language_code="en", transcript=transcript)
    reply = await chloe.send("/start p_TEE")
    reply = await chloe.press(reply.last, "Navy")
    reply = await chloe.press(reply.last, "L")  # the price follows the variant
    reply = await chloe.press(reply.last, "M")
    reply = await chloe.press(reply.last, "Add to cart")
    reply = await chloe.send("🛒 Cart")
    reply = await chloe.press(reply.last, "Checkout")
    reply = await chloe.share_contact("+44 7700 900123")
    reply = await chloe.press(reply.last, "Courier")
    reply = await chloe.send("10 Downing Street, London SW1A 2AA")
    reply = await chloe.send_location(51.5034, -0.1276)
    reply = await chloe.press(reply.last, reply.last.button_texts()[0])
    reply = await chloe.press(reply.last, "Cash on delivery")
    code = order_code((await chloe.press(reply.last, "Confirm order")).last.text)
    await _deliver(running, code)
    transcript.append(f"    (order {code} is picked, packed, shipped and delivered as above)")

    scene("A size swap: Chloe exchanges the M for an L; the replacement charges the £1.00 difference")
    reply = await chloe.send(f"/return {code} exchange")
    reply = await chloe.press(reply.last, "(M / Navy)")
    reply = await chloe.press(reply.last, "Continue")
    reply = await chloe.press(reply.last, "L / Navy")
    reply = await chloe.press(reply.last, "Doesn't fit")  # offered first for a size swap: not the shop's fault
    reply = await chloe.press(reply.last, "Skip")
    rma = re.findall(r"\bR[2-9B-Z]{7}\b", (await chloe.press(reply.last, "store")).last.text)[0]
    shown = await ada.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock TEE-M-NVY", "Send the replacement"):
        shown = await ada.press(shown.last, step)
    replacement = re.findall(r"replacement is order (\w+)", chloe.messages()[-1].text)[0]
    await ada.send(f"/order {replacement}")


async def tshirt_in_russian(ada: SandboxUser, boris: SandboxUser, scene: Callable[[str], None]) -> None:
    scene(
        "The T-shirt's options in Russian: a products file's options_ru for its sizes (its summary names TEE and"
        " TEE-XXL-NVY, left without words), /product ✏️ Options (ru) for TEE; Boris chooses «Размер» and «Цвет»; TEE,"
        " which the file gives no name_ru, is named in Russian by its sizes' shared name"
    )
    name = "tshirts-ru.csv"
    await ada.send_document((DEMO_DATA / name).read_bytes(), name, "/import products")
    sheet = await ada.send("/product TEE")
    await ada.press(sheet.last, "Options (ru)")
    await ada.send("Размер=S; Цвет=Белый")
    reply = await boris.send("/start p_TEE")
    await boris.press(reply.last, "Синий")


async def _deliver(running: RunningBot, code: str) -> None:
    """What the warehouse day shows in chat, done directly: picked, packed, shipped, delivered."""
    runtime = running.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor=f"staff:{ADMIN_ID}")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN_ID, code=code, carrier="DPD", tracking="TEE12345")
    await mark_delivered(runtime.uow(), runtime.clock, staff_id=ADMIN_ID, code=code)
    await runtime.notifier.drain()
