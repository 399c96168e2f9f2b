"""A payment row knows its credit note by a stored link (payments.credit_note_id), not by when it was written: two
goodwill refunds given on one order in the same second each name their own note on staff /order and on the invoice
PDF, on SQLite and PostgreSQL (en/ru).

Demo data used: 85123A at £2.95."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, refused_calls, shop_on
from tests.e2e.credit_notes import plain
from tests.e2e.journeys import business_customer, order_code, place_invoice_order
from tests.fakes import FakeClock

PART_OF = {"en": "part of CN-00000{n}", "ru": "в составе CN-00000{n}"}
AMOUNT = {"en": "£{amount}", "ru": "{amount} £"}


@pytest.fixture
async def each(database_url: str, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN]) as bot:
        yield bot
        assert refused_calls(bot) == [], "the sandbox refused calls the bot made"


def _named(lines: list[str], language: str, amount: str, n: int) -> list[str]:
    money = AMOUNT[language].format(amount=amount if language == "en" else amount.replace(".", ","))
    plain_lines = [line.replace("\xa0", " ").replace("\u202f", " ") for line in lines]
    return [line for line in plain_lines if money in line and line.endswith(" · " + PART_OF[language].format(n=n))]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_two_credit_notes_issued_on_one_order_in_the_same_second_each_name_their_own_rows(
    each: RunningBot, clock: FakeClock, language: str
) -> None:
    admin = await hire(each, 840, "Ada", "admin", language=language)
    buyer = await business_customer(each, 841, "Café Lyon", language)
    code = order_code(await place_invoice_order(buyer, "85123A", 2, location=False))
    await admin.send(f"/paid {code}")
    # The clock stands still: both notes and both rows are written at one instant.
    await admin.send(f"/refund {code} 1.50 late delivery")
    await admin.send(f"/refund {code} 0.40 box dented")

    screen = (await admin.send(f"/order {code}")).last.text.splitlines()
    assert len(_named(screen, language, "1.50", 1)) == 1, screen
    assert len(_named(screen, language, "0.40", 2)) == 1, screen
    sent = await buyer.send(f"/receipt {code}")
    invoice = next(msg for msg in sent.messages if msg.kind == "document" and msg.file is not None)
    assert invoice.file is not None
    text = plain(invoice.file.content).splitlines()
    assert len(_named(text, language, "1.50", 1)) == 1, text
    assert len(_named(text, language, "0.40", 2)) == 1, text

    async with each.runtime.sessions() as session:
        order_id = await session.scalar(select(m.OrderRow.id).where(m.OrderRow.code == code))
        notes = dict((await session.execute(select(m.CreditNoteRow.amount_minor, m.CreditNoteRow.id))).all())
        p = m.PaymentRow
        rows = await session.execute(select(p.kind, p.amount_minor, p.credit_note_id).where(p.order_id == order_id))
        linked = sorted(rows.all())
    paid = linked[2][1]  # the order's total with its shipping, by invoice: no note of its own
    assert linked == [("goodwill", 40, notes[40]), ("goodwill", 150, notes[150]), ("payment", paid, None)]
