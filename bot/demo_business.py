"""The demo's business buyer: payment terms, a PO number, an invoice paid in parts, and the slips people make."""

from __future__ import annotations

from collections.abc import Callable

from bot.demo_shop import order_code
from sandbox.driver import SandboxUser
from sandbox.server import BotMessage, SandboxServer


async def business_buyer(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Payment terms for a business, and a buyer who does what people do: types where a
    button is expected, taps Confirm twice, presses a button from a step already left."""
    scene("The admin makes a customer a business: invoices due in 30 days, a £500 credit limit, its VAT number")
    acme = SandboxUser(server, 1006, "Acme Ltd", language_code="en", transcript=transcript)
    await acme.send("/start")
    await ada.send("/customer 1006 business on 30 500")
    await ada.send("/customer 1006 tax GB 987 6543 21")
    scene("The business buyer checks out; at the payment step he types instead of pressing")
    await acme.send("/add 22197 10")
    await acme.send("/checkout")
    reply = await acme.send("+44 7700 900123")
    reply = await acme.press(reply.last, "Pick up")
    reply = await acme.press(reply.last, reply.last.button_texts()[0])
    payment = reply.last
    await acme.send("invoice please")
    invoice_button = _button_data(payment, "Invoice")
    reply = await acme.press(payment, "Invoice")
    scene("…gives his purchase order number at the review: it goes on the order and its invoice")
    await acme.press(reply.last, "Add your PO number")
    review = (await acme.send("PO-4471")).last
    confirm_button = _button_data(review, "Confirm order")
    code = order_code((await acme.press(review, "Confirm order")).last.text)
    scene("…taps Confirm again, then a payment button from the step already left")
    for label, data in (("Confirm order", confirm_button), ("Invoice", invoice_button)):
        answered = await acme.press_data(review, data, label=label)
        transcript.append(f"🤖 bot answers the press: {(answered.callback_answer or {}).get('text')}")
    scene('The buyer\'s accounts department calls about "our PO-4471": the admin finds the order by the PO number')
    await ada.send("/order PO-4471")
    scene("…finds he typed his PO number wrong and corrects it from the order's screen (it has not shipped)")
    tracked = (await acme.send(f"/track {code}")).messages
    screen = next(message for message in tracked if "🧾 Change your PO number" in message.button_texts())
    await acme.press(screen, "🧾 Change your PO number")
    await acme.send("PO-4417")
    scene("The business pays its invoice in two bank transfers; the admin records each part, with its bank reference")
    await ada.send(f"/paid {code} 5 BACS ACME-7781")
    scene(
        "…between the two, the buyer reads his statement of account (what is still open, the transfer received with"
        " its reference, his credit left, where to pay) and takes his invoice, INV-…, as a PDF: the shop's address"
        " under its name, the payment with its reference, its bank details"
    )
    await acme.send("/statement")
    await acme.send(f"/receipt {code}")
    await ada.send(f"/paid {code}")
    scene("…and the order's screen lists both payments, the first with the reference it was typed with")
    await ada.send(f"/order {code}")


def _button_data(message: BotMessage, label: str) -> str:
    """What a button sends back, kept to press it again once its message has moved on."""
    return next(str(b["callback_data"]) for b in message.buttons() if label in b["text"])
