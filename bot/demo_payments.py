"""The demo's payment scenes: an order support placed, paid by the link sent to the customer's chat,
and "Buy now" with the shipping query Telegram sends for the address typed in its form."""

from __future__ import annotations

import re
from collections.abc import Callable

from sandbox import SandboxUser


async def paid_pickup_in_russian(customer: SandboxUser, sku: str, quantity: int) -> str:
    """A Russian-speaking customer adds a product by SKU, picks up in store and pays by card in Telegram: the code."""
    await customer.send(f"/add {sku} {quantity}")
    reply = await customer.send("/checkout")
    reply = await customer.send("+7 916 123-45-67")
    reply = await customer.press(reply.last, "Самовывоз")
    reply = await customer.press(reply.last, reply.last.button_texts()[0])
    reply = await customer.press(reply.last, "картой")
    reply = await customer.press(reply.last, "Подтвердить")
    placed = re.search(r"Заказ (\w{8}) оформлен", "\n".join(m.text for m in reply.messages))
    assert placed is not None
    invoice = next(m for m in reply.new if m.kind == "invoice")
    await customer.pre_checkout(invoice)
    await customer.pay(invoice)
    return placed.group(1)


def _shown(text: str) -> str:
    return "\n    ".join(text.splitlines())


async def paid_by_link(
    sam: SandboxUser, alice: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Sam orders for Alice by phone, card chosen: she gets a payment link in her chat, pays it
    once; the same form sent again is refused before anything is charged, with a way to ask."""
    scene("Support orders for Alice, to pay by card: a payment link in her chat (createInvoiceLink)")
    await sam.send(f"/assist {alice.id}")
    await sam.send("/add 22197 1")
    reply = await sam.send("/checkout")
    reply = await sam.send("+44 7911 123456")
    reply = await sam.press(reply.last, "Pick up")
    reply = await sam.press(reply.last, reply.last.button_texts()[0])
    reply = await sam.press(reply.last, "Pay now by card")
    await sam.press(reply.last, "Confirm order")
    await sam.send("/assist_end")
    told = alice.messages()[-1]
    transcript.append(
        "🔔 Alice's chat: " + _shown(told.text) + "\n    " + " ".join(f"[{b}]" for b in told.button_texts())
    )
    link = next(str(b["url"]) for b in told.buttons() if "url" in b)
    invoice = alice.open_invoice_link(link)
    transcript.append(f"👤 Alice opens the link: 🧾 {invoice.text}")
    await alice.pre_checkout(invoice)
    await alice.pay(invoice)
    scene("The same link paid again is refused before anything is charged (paid once, recorded once)")
    late = await alice.pre_checkout(invoice)
    answer = late.pre_checkout_answer or {}
    transcript.append(f"🧾 Telegram's payment form: {answer.get('error_message')}")
    scene("The store cannot have it ready on the promised day: Sam gives £0.50 back as goodwill, no return (/refund)")
    code = re.search(r"Order (\w{8})", told.text)
    await sam.send(f"/refund {code.group(1) if code else ''} 0.50 not ready on the promised day")
    told = alice.messages()[-1]
    transcript.append(
        "🔔 Alice's chat: " + _shown(told.text) + "\n    " + " ".join(f"[{b}]" for b in told.button_texts())
    )
    scene("…with its credit note, numbered in the shop's own sequence, for her accountant (a PDF; /receipt again)")
    await alice.press(told, told.button_texts()[0])


async def bought_now(alice: SandboxUser, transcript: list[str], scene: Callable[[str], None]) -> None:
    """ "Buy now" on a card: Telegram's form asks for the address, the bot answers with the shop's
    own delivery options for it (a shipping query), and the payment places the order."""
    scene("Buy now: Telegram's payment form asks for an address, the shop prices delivery there")
    card = (await alice.send("/start p_85123A")).last
    reply = await alice.press(card, "Buy now")
    invoice = next(message for message in reply.new if message.kind == "invoice")
    abroad = await alice.enter_shipping_address(invoice, country_code="US", city="Boston", street_line1="1 Main St")
    transcript.append(f"🧾 shipping to Boston, US → {(abroad.shipping_answer or {}).get('error_message')}")
    leeds = {"country_code": "GB", "city": "Leeds", "street_line1": "1 Park Row", "post_code": "LS1 5AB"}
    answer = (await alice.enter_shipping_address(invoice, **leeds)).shipping_answer or {}
    options = answer.get("options") or []
    shown = " · ".join(f"{o['title']} £{o['prices'][0]['amount'] / 100:.2f}" for o in options)
    transcript.append(f"🧾 shipping to Leeds, GB → {shown}")
    cheapest = str(options[0]["id"])
    await alice.pre_checkout(invoice, cheapest)
    await alice.pay(invoice, shipping_option_id=cheapest)
