"""The demo's warehouse day: staff invited, an order picked by scan, packed, shipped and delivered."""

from __future__ import annotations

import re
from collections.abc import Callable

from handlers.output.barcodes import barcode_png
from sandbox.driver import SandboxUser
from sandbox.server import SandboxServer

STEP = re.compile(r"📦 (\d+) × (\S+)")


async def hire(admin: SandboxUser, person: SandboxUser, role: str, warehouse: str = "") -> SandboxUser:
    """The admin creates a one-time invitation link; the person opens it."""
    reply = await admin.send(f"/invite {role} {warehouse}".strip())
    token = re.search(r"start=inv_([\w-]+)", reply.last.text)
    assert token is not None
    await person.send(f"/start inv_{token.group(1)}")
    return person


async def warehouse_day(
    server: SandboxServer,
    ada: SandboxUser,
    alice: SandboxUser,
    code: str,
    transcript: list[str],
    scene: Callable[[str], None],
) -> None:
    """Alice's order through the warehouse: queue, picking by scan, packing, documents,
    shipping with tracking, delivery."""
    scene(
        "The admin checks stock per bin, receives goods (a bin LON lacks is asked about, as is a move into one)"
        " and invites warehouse staff"
    )
    await ada.send("/stock 85123A")
    reply = await ada.send("/receive 85123A 24 LON A-09-01-9")  # a typo: no such bin; the nearest are named
    await ada.press(reply.last, "Cancel")
    reply = await ada.send("/receive 85123A 24 LON A-09-01-1")  # a new shelf: asked first, made on ✅
    await ada.press(reply.last, "Create bin")
    reply = await ada.send("/move 85123A 2 A-09-01-1 B-06-06-8")  # a typo in the target bin: asked, nothing moved
    await ada.press(reply.last, "Cancel")
    scene("Stock sent to another warehouse: counters, bins and movements of both, nothing booked as loss or gain")
    await ada.send("/transfer 85123A 6 LON:A-09-01-1 MAN")
    await ada.send("/stock 85123A")
    scene(
        "A bin counted blind (/count): a mistyped bin asked about, the bin near it counted, its items listed without"
        " figures, one heart missing, confirmed and booked"
    )
    reply = await ada.send("/count A-09-01-7 LON")  # a typo: asked, the bins near it named
    reply = await ada.press(reply.last, "Count A-09-01-1")
    reply = await ada.send("85123A 17")
    reply = await ada.press(reply.last, "Done counting")
    await ada.press(reply.last, "Confirm")
    pia = await hire(ada, SandboxUser(server, 1004, "Pia", transcript=transcript), "picker", "LON")
    pax = await hire(ada, SandboxUser(server, 1005, "Pax", transcript=transcript), "packer", "LON")
    scene("The order queue, by priority, and Alice's order in full (routing and why)")
    await ada.send("/queue LON")
    await ada.send(f"/order {code}")
    scene("An admin may pick in any warehouse: /pick offers each, /pick MAN goes straight there")
    await ada.send("/pick")
    await ada.send("/pick MAN")
    scene("Pia picks it: walking order, tote, and a scan per line (text or a photo of the barcode)")
    reply = await pia.press((await pia.send("/pick")).last, "Single order")
    await pia.send("00000")  # a wrong item is refused with what was expected
    first = True
    while (step := STEP.search(reply.last.text)) is not None:
        if first:
            reply = await pia.send_photo(barcode_png(step.group(2)))
            first = False
        else:
            reply = await pia.send(f"{step.group(2)} {step.group(1)}")
    scene("Pax packs it: every item scanned, the box proposed, the weight recorded, documents printed")
    reply = await pax.send(f"/pack {code}")
    for line in re.findall(r"(\d+) × (\S+)", reply.last.text):
        for _ in range(int(line[0])):
            reply = await pax.send(line[1])
    reply = await pax.press(reply.last, "As proposed")
    reply = await pax.send("720")
    await pax.press(reply.last, "Label")
    await pax.press(reply.last, "Packing slip")
    scene("Shipped with tracking (stock leaves the warehouse), then delivered; Alice is told each time")
    await pax.send(f"/ship {code} Royal Mail RM123456789GB")
    await pax.send(f"/delivered {code}")
    for message in server.chat_messages(alice.id)[-4:]:
        transcript.append("🔔 Alice's chat: " + "\n    ".join(message.text.splitlines()))
