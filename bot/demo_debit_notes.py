"""The demo's debit note: a numbered invoice edited up, its DN-…, the buyer's part payment and the order's journal."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.harness import RunningBot
from domain.usecases.dispatch import paperwork_for_staff
from handlers.views.rendering import format_money
from sandbox import SandboxUser
from sandbox.server import BotMessage


def _shown(text: str) -> str:
    return "\n    ".join(text.splitlines())


async def debit_note(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Acme (a business since its first order) orders again on invoice; a manager adds a line, so the rise gets
    a debit note of its own, the invoice keeps its number and what it was issued for."""
    acme = SandboxUser(running.server, 1006, "Acme Ltd", language_code="en", transcript=transcript)
    scene("Acme orders again on invoice; its invoice is numbered when the order is placed")
    await acme.send("/add 22197 10")
    await acme.send("/checkout")
    reply = await acme.send("+44 7700 900123")
    reply = await acme.press(reply.last, "Pick up")
    reply = await acme.press(reply.last, reply.last.button_texts()[0])
    reply = await acme.press(reply.last, "Invoice")
    placed = (await acme.press(reply.last, "Confirm order")).last.text
    code = re.findall(r"Order (\w{8})", placed)[0]
    scene("The admin adds a line on /edit: the invoice keeps its number, the rise gets a debit note of its own, DN-…")
    await ada.send(f"/edit {code} 85123A 2")
    await running.runtime.notifier.drain()
    told = next(m for m in reversed(acme.messages()) if "DN-" in " ".join(m.button_texts()))
    buttons = " ".join(f"[{b}]" for b in told.button_texts())
    transcript.append(f"🔔 Acme Ltd's chat: {_shown(told.text)}\n    {buttons}")
    await acme.press(told, told.button_texts()[0])
    scene("…the invoice still prints as issued, the debit note sent after it; /statement names both")
    await acme.send(f"/receipt {code}")
    papers = await paperwork_for_staff(running.runtime.uow(), staff_id=ada.id, code=code)
    if papers.invoice is not None:  # what the invoice's PDF is printed from
        issued, order = papers.invoice, papers.order
        lines = " · ".join(f"{line.name} × {line.quantity}" for line in issued.lines)
        notes = " ".join(f"{note.label} +{format_money(note.amount, 'en')}" for note in papers.debit_notes)
        total, now = format_money(issued.total, "en"), format_money(order.total, "en")
        transcript.append(
            f"🧾 invoice-{order.invoice_label}.pdf prints it as issued: {lines}, total {total} (the order now: {now});"
            f" after it {notes}"
        )
    await acme.send("/statement")
    scene("The admin records a part payment (/paid CODE AMOUNT): the buyer is told what came in and what is left")
    await ada.send(f"/paid {code} 5")
    await running.runtime.notifier.drain()
    transcript.append(f"🔔 Acme Ltd's chat: {_shown(acme.messages()[-1].text)}")
    scene("The order's own journal (/journal CODE), and a credit note's by its number (/journal CN-…): a CSV")
    for asked, naming in ((code, "debit note DN-"), ("CN-000002", "credit note CN-000002")):
        sent = await ada.send(f"/journal {asked}")
        transcript.extend(_csv_lines(sent.last, naming))


def _csv_lines(document: BotMessage, naming: str) -> list[str]:
    """The CSV's header and its first row whose memo names ``naming``, as a spreadsheet would open it."""
    if document.file is None:
        return []
    header, *rows = document.file.content.decode("utf-8-sig").splitlines()
    return ["    │ " + line for line in [header, *[row for row in rows if naming in row][:1]]]
