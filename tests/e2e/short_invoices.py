"""Set-ups and readers of test_short_invoices that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import business_customer, order_code, place_invoice_order, scalar
from tests.e2e.short_picks import SKU

REMINDED = {"en": "is due today", "ru": "Сегодня срок оплаты"}


def shown(minor: int, language: str) -> str:
    """Pounds as the reminder shows them in ``language``."""
    return f"£{minor // 100}.{minor % 100:02d}" if language == "en" else f"{minor // 100},{minor % 100:02d}\xa0£"


async def _invoice_order(shop: RunningBot, user_id: int, language: str, units: int) -> tuple[SandboxUser, str]:
    buyer = await business_customer(shop, user_id, language=language)
    return buyer, order_code(await place_invoice_order(buyer, SKU, units, location=False))


async def _account(shop: RunningBot, code: str, account: str) -> int:
    """Debits less credits of one account in the order's journal entries."""
    balance = (
        select(func.coalesce(func.sum(m.JournalLineRow.debit_minor - m.JournalLineRow.credit_minor), 0))
        .join(m.JournalEntryRow, m.JournalEntryRow.id == m.JournalLineRow.entry_id)
        .where(m.JournalEntryRow.source == f"order:{code}", m.JournalLineRow.account == account)
    )
    return int(await scalar(shop, balance) or 0)


async def _payments(shop: RunningBot, order_id: int, kind: str) -> int:
    rows = select(func.coalesce(func.sum(m.PaymentRow.amount_minor), 0)).where(
        m.PaymentRow.order_id == order_id, m.PaymentRow.kind == kind
    )
    return int(await scalar(shop, rows) or 0)
