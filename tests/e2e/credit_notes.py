"""Readers of credit notes that test modules share: a credit note's PDF as text, the notes issued, /receipt's files,
the tax they keep and what the journal took back from VAT."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.journeys import pdf_text, scalar


def plain(content: bytes) -> str:
    """A PDF's text with the non-breaking spaces Babel puts in amounts made plain."""
    return pdf_text(content).replace("\xa0", " ").replace("\u202f", " ")


async def pressed(customer: SandboxUser, told: BotMessage, button: str) -> str:
    """The PDF the button on ``told`` sends, as text."""
    sent = await customer.press(told, button)
    document = next(message for message in sent.messages if message.kind == "document")
    assert document.file is not None
    return plain(document.file.content)


async def receipt_files(customer: SandboxUser, code: str) -> list[str | None]:
    """The files /receipt sends, in order."""
    again = await customer.send(f"/receipt {code}")
    return [msg.file.file_name for msg in again.messages if msg.kind == "document" and msg.file is not None]


async def credit_notes(shop: RunningBot) -> list[tuple[int, int, str]]:
    """Every credit note the shop issued: number, amount, reason."""
    row = m.CreditNoteRow
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(row.number, row.amount_minor, row.reason).order_by(row.number))
        return [(number, amount, reason) for number, amount, reason in rows]


async def total_of(shop: RunningBot, code: str) -> int:
    return int(await scalar(shop, select(m.OrderRow.total_minor).where(m.OrderRow.code == code)))


async def vat_taken_back(shop: RunningBot) -> int:
    """What the whole journal took back from tax payable, net (debits less credits of 2200), in minor units."""
    line = m.JournalLineRow
    taken = select(func.coalesce(func.sum(line.debit_minor - line.credit_minor), 0)).where(
        line.account == Account.TAX_PAYABLE.value
    )
    return int(await scalar(shop, taken))


async def kept_taxes(shop: RunningBot) -> dict[int, int]:
    """Every credit note's tax as kept: number → tax in minor units."""
    row = m.CreditNoteRow
    async with shop.runtime.sessions() as session:
        return {number: tax for number, tax in await session.execute(select(row.number, row.tax_minor))}


def printed_tax(document: str) -> str:
    """The tax a credit note's PDF (as text) prints inside its amount: "£0.50"."""
    return next(line.split(": ", 1)[1] for line in document.splitlines() if line.startswith("Including tax: "))
