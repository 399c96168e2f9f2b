"""Set-ups and readers of test_invoice_returns that other test modules use too."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.accounting import Account
from storage import models as m
from tests.e2e.journeys import scalar


async def account(shop: RunningBot, name: Account) -> int:
    line = m.JournalLineRow
    return int(
        await scalar(shop, select(func.sum(line.debit_minor - line.credit_minor)).where(line.account == name.value))
        or 0
    )
