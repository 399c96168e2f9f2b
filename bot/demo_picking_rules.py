"""The demo's picking rules, on a warehouse floor of its own: a picker carries one round at a time (a
second zone pressed with a zone round open offers ▶️ Go on), a count at a short pick that is also an
item's code is asked again (count or code?), in Russian for a picker whose Telegram speaks it; the hold
shelf's tote called to packing, a staff photo outside a round, a line skipped, «2x 12» read as 2 of 12; an
order cancelled mid-pick, its picker told what to put back where, and one cancelled on hold after a short pick."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.demo_warehouse import STEP, hire
from bot.harness import running_bot
from domain.ports import SystemClock
from handlers.output.barcodes import barcode_png
from sandbox import SandboxUser
from sandbox.driver import Reply

ADMIN_ID = 1000
# A shop whose SKUs are digits too: the lid is item 12, so a picker typing 12 may mean the lid.
LIDS = "sku,name,category,price,currency,cost\n12,Storage jar lid,Kitchen,0.60,GBP,0.20\n"


async def picking_rules(folder: Path, transcript: list[str], scene: Callable[[str], None]) -> None:
    async with running_bot(
        f"sqlite+aiosqlite:///{folder / 'picking-floor.sqlite3'}",
        clock=SystemClock(),
        default_currency="GBP",
        admin_ids=[ADMIN_ID],
    ) as shop:
        server = shop.server
        ada = SandboxUser(server, ADMIN_ID, "Ada", language_code="en", transcript=transcript)
        ivy = SandboxUser(server, 1050, "Ivy", language_code="en", transcript=transcript)
        al = await hire(
            ada, SandboxUser(server, 1051, "Al", language_code="en", transcript=transcript), "picker", "LON"
        )
        scene(
            "A warehouse floor of its own: Ivy's order lies in zones A and B of LON. Al, his zone A round open,"
            " presses zone B: a picker carries one round (one cart) at a time, so he is told to go on with it"
        )
        await _courier_order(ivy, {"22197": 1, "85123A": 1})
        zones = await al.press((await al.send("/pick")).last, "My zone")
        await al.press(zones.last, "A")
        still_open = await al.press(zones.last, "B")
        resumed = await al.press(still_open.last, "Go on with round")
        await _pick_all(al, resumed)
        scene("…zone A done, Al takes zone B of the same order")
        zones = await al.press((await al.send("/pick")).last, "My zone")
        await _pick_all(al, await al.press(zones.last, "B"))

        scene(
            "Count or code? The shop's SKUs may be digits (12 is a jar lid). Пётр, short of jars, answers"
            " «how many did you find» with 12: the bot asks whether it is a count; 12 again says it is"
        )
        await ada.send_document(LIDS.encode(), "lids.csv", "/import products")
        await _courier_order(ivy, {"23166": 20})
        pyotr = SandboxUser(server, 1052, "Пётр", language_code="ru", transcript=transcript)
        await hire(ada, pyotr, "picker", "LON")
        step = await pyotr.press((await pyotr.send("/pick")).last, "Один заказ")
        await pyotr.press(step.last, "Недостача")
        await pyotr.send("12")  # the lid's SKU, or 12 jars?
        await pyotr.send("12")  # twice: 12 jars found, the other 8 looked for, the order held

        scene(
            "The hold shelf: Пётр's round ended «put the tote on the hold shelf». Ivy gives the missing jars up, the"
            " order goes to packing, and Пётр is told, in Russian, to bring his tote from the shelf"
        )
        asked = next(m for m in reversed(ivy.messages()) if any("Cancel" in b for b in m.button_texts()))
        await ivy.press(asked, "Cancel the missing part")
        transcript.append("🔔 Пётр's chat: " + pyotr.messages()[-1].text)

        scene(
            "Al's phone: a barcode photo after his round ended counts nothing and says the round is finished, with"
            " ▶️ Next round (not a customer's search); «⏭ Skip this line» leaves a line for the end of the round;"
            " «2x 12» is 2 of item 12"
        )
        await al.send_photo(barcode_png("22197"))
        await ada.send_document(b"sku,warehouse,bin,quantity\n12,LON,A-05-05-1,40\n", "lids.csv", "/import stock")
        await _courier_order(ivy, {"12": 2, "85123A": 1})
        first = await al.press((await al.send("/pick")).last, "Single order")
        later = await al.press(first.last, "Skip this line")
        while (shown := STEP.search(later.last.text)) is not None and shown.group(2) != "12":
            later = await al.send(f"{shown.group(2)} {shown.group(1)}")
        await al.send("2x 12")

        scene(
            "Ivy phones while her order is being picked: Ada cancels it mid-pick (/cancelorder). Al, one item in"
            " his tote, is told at once which bin it goes back to; a scan from the step still on his screen counts"
            " nothing and says to put that one back too"
        )
        code = await _courier_order(ivy, {"22197": 2})
        step = await al.press((await al.send("/pick")).last, "Single order")
        shown = STEP.search(step.last.text)
        assert shown is not None
        await al.send(shown.group(2))  # one of the two in the tote
        await ada.send(f"/cancelorder {code}")
        await shop.runtime.notifier.drain()
        transcript.append("🔔 Al's chat: " + "\n    ".join(al.messages()[-1].text.splitlines()))
        await al.send(shown.group(2))  # the second, scanned from the step still on his screen

        scene(
            "Held, then cancelled: Al finds one of Ivy's three lids and no more anywhere, so the order goes on hold"
            " (Ivy asked about the missing two) and his round's end sends the tote to the hold shelf. Ivy phones to"
            " cancel it all: Ada's /cancelorder cancels it as one being picked, its missing part with it, and Al is"
            " told to put the lid in the tote on the hold shelf back into its bin"
        )
        code = await _courier_order(ivy, {"12": 3})
        await al.press((await al.send("/pick")).last, "Single order")
        await al.send("12")  # one lid in the tote
        await al.press((await al.send("/pick")).last, "Short pick")
        await al.send("0")  # no more in the bin, none elsewhere: held
        await ada.send(f"/cancelorder {code}")
        await shop.runtime.notifier.drain()
        transcript.append("🔔 Al's chat: " + "\n    ".join(al.messages()[-1].text.splitlines()))


async def _courier_order(customer: SandboxUser, items: dict[str, int]) -> str:
    """The customer's courier order to a London address, cash on delivery: its code."""
    for sku, quantity in items.items():
        await customer.send(f"/add {sku} {quantity}")
    reply = await customer.send("/checkout")
    reply = await customer.send("+44 7700 900456")
    reply = await customer.press(reply.last, "Courier")
    reply = await customer.send("1 Canada Square, London E14 5AB")
    reply = await customer.send_location(51.5049, -0.0195)
    reply = await customer.press(reply.last, reply.last.button_texts()[0])
    reply = await customer.press(reply.last, "Cash on delivery")
    placed = await customer.press(reply.last, "Confirm order")
    match = re.search(r"Order (\w{8})", placed.last.text)
    return match.group(1) if match else ""


async def _pick_all(picker: SandboxUser, reply: Reply) -> None:
    """Each line the round shows, scanned as typed: SKU and quantity."""
    while (step := STEP.search(reply.last.text)) is not None:
        reply = await picker.send(f"{step.group(2)} {step.group(1)}")
