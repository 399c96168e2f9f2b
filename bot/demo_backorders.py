"""The demo's backorder scenes: a preorder filled by a purchase-order receipt on its release day,
a customer who has what is there sent now and the waiting rest in a second parcel, a short pick
its customer answers with a split, and one a business drops from its invoice (told the new amount)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol, cast

from bot.demo_parcels import courier_cod_order, packed_directly
from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.purchasing import PoLine, PurchaseOrder
from domain.shop_days import shop_day
from domain.usecases.dispatch import pack_order
from domain.warehouse import Warehouse
from sandbox.driver import SandboxUser
from sandbox.server import BotMessage

STEP = re.compile(r"📦 (\d+) × (\S+)")


class _Movable(Protocol):
    """The demo's clock (``bot.demo.MovableClock``), which it moves forward to show later days."""

    def advance(self, delta: timedelta) -> None: ...


async def preorder_filled_by_a_purchase_order(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    runtime = running.runtime
    release = shop_day(runtime.clock.now(), runtime.settings.timezone) + timedelta(days=1)  # the shop's tomorrow
    uow = runtime.uow()
    async with uow:  # a new lamp, not in stock anywhere yet, and a draft order for 10 of them
        lamp = await uow.products.upsert(Product("MOON-1", "Moon Lamp", "Lighting", {"GBP": Money(2500, "GBP")}))
        supplier = (await uow.purchasing.suppliers())[0]
        warehouse = await uow.warehouses.get_by_code("LON")
        assert lamp.id and supplier.id and warehouse and warehouse.id
        line = PoLine(lamp.id, lamp.sku, 10, Money(900, "GBP"))
        po = await uow.purchasing.add(
            PurchaseOrder(supplier.id, warehouse.id, "GBP", lines=[line], created_at=runtime.clock.now()), "demo"
        )
        await uow.commit()
    scene("A preorder: the Moon Lamp is sold before it arrives (/backorder), a purchase order fills it")
    await ada.send(f"/backorder MOON-1 preorder {release.isoformat()} 50")
    shown = await ada.send(f"/po {po.id}")
    await ada.press(shown.last, "Approve")
    dana = SandboxUser(running.server, 1020, "Dana", language_code="en", transcript=transcript)
    card = await dana.send("/start p_MOON-1")
    await dana.press(card.last, "Preorder")
    await dana.send("/add MOON-1 1")
    reply = await dana.send("🛒 Cart")
    reply = await dana.press(reply.last, "Checkout")
    reply = await dana.share_contact("+44 7700 900456")
    reply = await dana.press(reply.last, "Pick up")
    reply = await dana.press(reply.last, reply.last.button_texts()[0])
    reply = await dana.press(reply.last, "Pay at pickup")
    placed = await dana.press(reply.last, "Confirm order")
    code = re.findall(r"Order (\w+)", placed.last.text)[0]
    await dana.send(f"/track {code}")
    scene("Release day: the lamps arrive (/po receive), Dana's preorder is allocated in the same transaction")
    # Before its release date a preorder is not allocated, even from stock at hand.
    cast(_Movable, runtime.clock).advance(timedelta(days=1))
    await ada.send(f"/po receive {po.id}")
    await runtime.notifier.drain()
    transcript.append("🔔 Dana's chat: " + "\n    ".join(dana.messages()[-1].text.splitlines()))


async def split_by_the_customer(
    running: RunningBot, ada: SandboxUser, staff_id: int, transcript: list[str], scene: Callable[[str], None]
) -> None:
    scene("Eve orders 12 Moon Lamps, 9 are there: she has those sent now and the 3 waiting follow in a second parcel")
    await ada.send("/backorder MOON-1 on")
    eve = SandboxUser(running.server, 1022, "Eve", language_code="en", transcript=transcript)
    await eve.send("/add MOON-1 12")
    code = await courier_cod_order(eve, "+44 7700 900789", "10 Downing Street, London SW1A 2AA", (51.5034, -0.1276))
    order = await eve.send(f"/track {code}")
    waiting = await eve.press(order.last, "⏳ Waiting for stock")
    await eve.press(waiting.last, "🚚 Send what is here now")
    await packed_directly(running, code, {"MOON-1": 9}, staff_id)  # the 9 there, without the 3 still waiting
    await ada.send(f"/ship {code} DPD DPD-MOON-1")
    await ada.send("/receive MOON-1 3 LON")  # the rest arrives: allocated to Eve in the same transaction
    await ada.send(f"/ship {code} DPD DPD-MOON-2")
    await running.runtime.notifier.drain()
    for message in running.server.chat_messages(eve.id)[-3:]:
        transcript.append("🔔 Eve's chat: " + "\n    ".join(message.text.splitlines()))


async def short_pick_split(
    running: RunningBot, ada: SandboxUser, staff_id: int, transcript: list[str], scene: Callable[[str], None]
) -> None:
    runtime = running.runtime
    async with runtime.uow() as uow:  # a star lamp stocked only in a small Bristol store, so its round is Finn's
        await uow.products.upsert(Product("STAR-1", "Star Lamp", "Lighting", {"GBP": Money(1800, "GBP")}))
        await uow.warehouses.upsert(Warehouse("BRS", "Bristol", latitude=51.4545, longitude=-2.5879, zones=("A",)))
        await uow.commit()
    scene("A short pick: the books say 4 Star Lamps, the shelf holds 1; Finn's order is held and Finn is asked")
    await ada.send("/receive STAR-1 4 BRS A-01-01-1 new")  # the new store's first shelf
    finn = SandboxUser(running.server, 1024, "Finn", language_code="en", transcript=transcript)
    await finn.send("/add STAR-1 4")
    code = await courier_cod_order(finn, "+44 7700 900321", "1 Abbey Road, London NW8 9AH", (51.5320, -0.1779))
    await short_of_three(running, ada, finn, transcript)
    scene("The question scrolled away: Finn finds it on his held order (/track, ⏳ Waiting for stock)")
    held = await finn.press((await finn.send(f"/track {code}")).last, "Waiting for stock")
    scene("Finn answers there: the 1 is sent now; the 3 follow, picked, packed and shipped when they arrive")
    await finn.press(held.last, "Send what is here now")
    await runtime.notifier.drain()
    told = running.server.chat_messages(-100500)[-1]
    transcript.append("🏢 staff chat: " + told.text)
    await pack_order(runtime.uow(), runtime.clock, staff_id=staff_id, code=code, scanned={"STAR-1": 1})
    await ada.send(f"/ship {code} DPD DPD-SHORT-1")
    await ada.send("/receive STAR-1 3 BRS")  # allocated to Finn's waiting part in the same transaction
    reply = await ada.press((await ada.send("/pick BRS")).last, "Single order")
    while (step := STEP.search(reply.last.text)) is not None:
        reply = await ada.send(f"{step.group(2)} {step.group(1)}")
    await pack_order(runtime.uow(), runtime.clock, staff_id=staff_id, code=code, scanned={"STAR-1": 3})
    await ada.send(f"/ship {code} DPD DPD-SHORT-2")
    await ada.send("/delivered DPD-SHORT-1")
    await ada.send("/delivered DPD-SHORT-2")
    await runtime.notifier.drain()
    for message in running.server.chat_messages(finn.id)[-2:]:
        transcript.append("🔔 Finn's chat: " + "\n    ".join(message.text.splitlines()))
    await invoice_short_part_cancelled(running, ada, transcript, scene)
    await count_below_held(running, ada, transcript, scene)


async def count_below_held(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """A bin counted with fewer than an order and a cart hold: the confirm screen names the order first; confirmed, the
    count is recorded, the cart's hold ends (the item is nowhere else: the line goes, its customer told) and the
    order is held and its customer asked."""
    async with running.runtime.uow() as uow:
        await uow.products.upsert(Product("NIGHT-1", "Night Light", "Lighting", {"GBP": Money(1200, "GBP")}))
        await uow.commit()
    scene(
        "A bin counted below what an order and a cart hold (/count): the order named before ✅ Confirm, then held, Gus"
        " asked (the count found the shelf short, no picker); Jo's cart gives its light up and she is told"
    )
    await ada.send("/receive NIGHT-1 4 BRS A-01-02-1 new")
    gus = SandboxUser(running.server, 1027, "Gus", language_code="en", transcript=transcript)
    await gus.send("/add NIGHT-1 2")
    await courier_cod_order(gus, "+44 7700 900654", "2 Abbey Road, London NW8 9AH", (51.5321, -0.1780))
    jo = SandboxUser(running.server, 1028, "Jo", language_code="en", transcript=transcript)
    await jo.send("/add NIGHT-1 1")
    await ada.send("/count A-01-02-1 BRS")
    reply = await ada.send("NIGHT-1 1")  # three broke: one is left, the order holds two and a cart one
    reply = await ada.press(reply.last, "Done counting")
    await ada.press(reply.last, "Confirm")
    await running.runtime.notifier.drain()
    asked = running.server.chat_messages(gus.id)[-1]
    transcript.append("🔔 Gus's chat: " + "\n    ".join(asked.text.splitlines()))
    told = running.server.chat_messages(jo.id)[-1]
    transcript.append("🔔 Jo's chat: " + "\n    ".join(told.text.splitlines()) + f" {told.button_texts()}")
    transcript.append("🏢 staff chat: " + running.server.chat_messages(-100500)[-1].text)


async def short_of_three(
    running: RunningBot, ada: SandboxUser, buyer: SandboxUser, transcript: list[str]
) -> BotMessage:
    """Ada picks the buyer's order of 4 Star Lamps at Bristol and finds 1: the buyer's question."""
    reply = await ada.press((await ada.send("/pick BRS")).last, "Single order")
    await ada.press(reply.last, "Short pick")
    await ada.send("1")
    await running.runtime.notifier.drain()
    asked = running.server.chat_messages(buyer.id)[-1]
    lines = "\n    ".join(asked.text.splitlines())
    transcript.append(f"🔔 {buyer.first_name}'s chat: {lines} {asked.button_texts()}")
    return asked


async def invoice_short_part_cancelled(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """A business's invoice loses the part a short pick could not find: a credit note takes it
    off what the invoice asks for, and the buyer is told by how much."""
    scene("A business's order on invoice is short too; Hal drops the missing part and his invoice asks for less")
    await ada.send("/receive STAR-1 4 BRS A-01-01-1")
    hal = SandboxUser(running.server, 1025, "Hal Ltd", language_code="en", transcript=transcript)
    await hal.send("/start")
    await ada.send("/customer 1025 business on 30 500")
    await hal.send("/add STAR-1 4")
    await courier_cod_order(hal, "+44 7700 900654", "2 Abbey Road, London NW8 9AH", (51.5321, -0.1779), "Invoice")
    asked = await short_of_three(running, ada, hal, transcript)
    reduced = await hal.press(asked, "Cancel the missing part")  # his chat shows the invoice's new amount
    scene("…his accountant takes the credit note: its number, and beside its file the invoice it corrects (INV-…)")
    await hal.press(reduced.last, "Credit note")
