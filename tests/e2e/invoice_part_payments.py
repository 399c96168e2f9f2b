"""Set-ups and readers of test_invoice_part_payments that other test modules use too."""

from __future__ import annotations

from sandbox import SandboxUser
from tests.e2e.journeys import pdf_text


async def invoice_document(buyer: SandboxUser, code: str, button: str) -> str:
    """The text of the PDF the customer gets from their order's receipt button, spaces plain."""
    tracked = await buyer.send(f"/track {code}")
    order = next(message for message in tracked.messages if button in message.button_texts())
    sent = await buyer.press(order, button)
    document = next(message for message in sent.messages if message.kind == "document")
    assert document.file is not None
    return pdf_text(document.file.content).replace("\xa0", " ").replace("\u202f", " ")  # Russian no-break spaces
