"""The demo's scheduled jobs, run with the clock moved on: a cart reminder, a return, a follow-up, a purchase order."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from bot.demo_reports import sales_summary
from bot.demo_shop import STAFF_CHAT, MovableClock, order_code
from bot.harness import RunningBot
from domain.usecases.jobs import daily_digest, follow_up_deliveries, sweep_holds
from domain.usecases.reorder_scan import reorder_scan
from handlers.output.barcodes import barcode_png
from sandbox.driver import SandboxUser


async def scheduled_jobs(
    running: RunningBot, alice: SandboxUser, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """What the scheduler does on its own, with the clock moved forward."""
    runtime, clock = running.runtime, _movable(running)
    scene("Alice leaves something in her cart; two hours later the hold sweeper reminds her once")
    await alice.send("/add 22197 2")
    clock.advance(timedelta(hours=2, minutes=1))
    await sweep_holds(runtime.uow(), clock, remind_after=timedelta(hours=2))
    await runtime.notifier.drain()
    reminder = running.server.chat_messages(alice.id)[-1]
    transcript.append("🔔 Alice's chat: " + "\n    ".join(reminder.text.splitlines()))
    await alice.press(reminder, "Open my cart")
    scene(
        "Alice returns one of the two holders (damaged), with a photo; support approves, receives, restocks, refunds;"
        " the admin, pressing ✅ Approve on her own screen of it a moment after support did, is told who approved it"
    )
    code = order_code("\n".join(m.text for m in running.server.chat_messages(alice.id)))
    reply = await alice.send(f"/track {code}")
    reply = await alice.press(reply.last, "Return")
    reply = await alice.press(reply.last, "White Hanging Heart")
    reply = await alice.send("1")
    reply = await alice.press(reply.last, "Continue")
    reply = await alice.press(reply.last, "Damaged")
    reply = await alice.send("The glass arrived cracked")  # kept with the request: support read it on /rma
    reply = await alice.send_photo(barcode_png("85123A"))
    reply = await alice.press(reply.last, "Done")
    reply = await alice.press(reply.last, "bring it to a store")
    rma = re.search(r"\b(R[2-9B-Z]{7})\b", reply.last.text)
    assert rma is not None
    await runtime.notifier.drain()  # the staff chat hears of it with what she wrote
    told = next(m for m in running.server.chat_messages(STAFF_CHAT) if rma.group(1) in m.text)
    transcript.append("🏢 staff chat: " + "\n    ".join(told.text.splitlines()))
    sam = SandboxUser(running.server, 1003, "Sam", language_code="en", transcript=transcript)
    reply = await sam.send(f"/rma {rma.group(1)}")
    hers = (await ada.send(f"/rma {rma.group(1)}")).last  # both screens offer ✅ Approve
    reply = await sam.press(reply.last, "Approve")  # each step changes Sam's screen in place
    late = await ada.press(hers, "Approve")  # hers then shows the return as it stands: no stale Approve left
    transcript.append(f"🤖 bot answers the press (an alert): {(late.callback_answer or {}).get('text')}")
    for button in ("Parcel received", "Restock 85123A", "Refund"):
        reply = await sam.press(reply.last, button)
    await runtime.notifier.drain()
    for message in running.server.chat_messages(alice.id)[-3:]:
        transcript.append("🔔 Alice's chat: " + "\n    ".join(message.text.splitlines()))
    scene("Three days after delivery the follow-up asks Alice to rate her order")
    clock.advance(timedelta(days=3))
    await follow_up_deliveries(runtime.uow(), clock, after=timedelta(days=3))
    await runtime.notifier.drain()
    ask = running.server.chat_messages(alice.id)[-1]
    transcript.append("🔔 Alice's chat: " + "\n    ".join(ask.text.splitlines()))
    transcript.append("    " + " ".join(f"[{b}]" for b in ask.button_texts()))
    await alice.press(ask, "5⭐")
    await alice.send("Lovely, and well packed!")
    await ada.send("/reviews")


async def purchase_order(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """The reorder scan's draft approved, sent, received short, closed and paid in two parts."""
    runtime, clock = running.runtime, _movable(running)
    scene(
        "The hourly reorder scan drafts a purchase order; the admin approves it, sends the supplier its PDF"
        " and books the goods in by barcode; the supplier is short of one line, so the admin closes what"
        " is not coming (/po close), then pays the supplier in two parts (/po pay)"
    )
    await reorder_scan(runtime.uow(), clock, staff_chat_id=STAFF_CHAT)
    await runtime.notifier.drain()
    draft = running.server.chat_messages(STAFF_CHAT)[-1]
    transcript.append("🏢 staff chat: " + "\n    ".join(draft.text.splitlines()))
    number = re.search(r"purchase order (\d+)", draft.text)
    assert number is not None
    reply = await ada.send(f"/po {number.group(1)}")
    await ada.press(reply.last, "Approve")
    await ada.press(reply.last, "PDF for the supplier")  # the order as a document to send the supplier
    await ada.send(f"/po receive {number.group(1)} 2008407700002 42")  # 84077's barcode, scanned off the box
    await ada.send(f"/po receive {number.group(1)} 22616 18")
    await ada.send(f"/po close {number.group(1)}")
    # The supplier's invoice is paid by bank transfer, part now and the rest later: the
    # payable (2000) clears against cash, and /trial below shows 2000 at zero.
    part = await ada.send(f"/po pay {number.group(1)} 5 transfer 1")
    rest = re.search(r"still owed £([\d,]+\.\d\d)", part.last.text)
    assert rest is not None
    await ada.send("/ap")  # what suppliers are still owed, oldest first: this order's rest
    await ada.send(f"/po pay {number.group(1)} {rest.group(1).replace(',', '')}")
    await ada.send(f"/po {number.group(1)}")  # each payment listed: when, how much, who, the note
    await ada.send("/stock 84077")


async def morning_figures(running: RunningBot, transcript: list[str], scene: Callable[[str], None]) -> None:
    """The next morning: the sales summary job, then the digest in the staff chat."""
    runtime, clock = running.runtime, _movable(running)
    scene("Every morning the staff chat gets yesterday's figures")
    clock.advance(timedelta(days=1))
    await sales_summary(running, transcript)
    await daily_digest(runtime.uow(), clock, staff_chat_id=STAFF_CHAT, timezone=runtime.settings.timezone, hour=0)
    await runtime.notifier.drain()
    report = running.server.chat_messages(STAFF_CHAT)[-1]
    transcript.append("🏢 staff chat: " + "\n    ".join(report.text.splitlines()))


def _movable(running: RunningBot) -> MovableClock:
    clock = running.runtime.clock
    assert isinstance(clock, MovableClock)
    return clock
