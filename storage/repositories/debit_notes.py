"""Debit notes: issued with the next number of their own sequence, in the edit's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.debit_notes import DebitNote
from domain.money import Money
from storage import models as m
from storage.repositories.document_numbers import next_number
from storage.repositories.sql import _chunks


class SqlDebitNotes:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def issue(self, order_id: int, amount: Money, at: datetime) -> DebitNote:
        number = await next_number(self.s, "debit_note", order_id)
        row = m.DebitNoteRow(
            number=number,
            order_id=order_id,
            amount_minor=amount.amount,
            currency=amount.currency,
            issued_at=at,
            tax_minor=0,
        )
        self.s.add(row)
        await self.s.flush()
        return DebitNote(order_id, number, amount, at, amount * 0, id=row.id)

    async def add_tax(self, note_id: int, tax: Money) -> DebitNote:
        row = await self.s.get(m.DebitNoteRow, note_id)  # issued in this transaction: no one else writes it
        assert row is not None and row.currency == tax.currency, note_id
        row.tax_minor += tax.amount
        await self.s.flush()
        return _note(row)

    async def for_order(self, order_id: int) -> list[DebitNote]:
        n = m.DebitNoteRow
        rows = (await self.s.scalars(select(n).where(n.order_id == order_id).order_by(n.number))).all()
        return [_note(r) for r in rows]

    async def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[DebitNote]]:
        n, found = m.DebitNoteRow, defaultdict[int, list[DebitNote]](list)
        for ids in _chunks(order_ids):
            for row in await self.s.scalars(select(n).where(n.order_id.in_(ids)).order_by(n.number)):
                found[row.order_id].append(_note(row))
        return dict(found)

    async def get_by_number(self, number: int) -> DebitNote | None:
        row = await self.s.scalar(select(m.DebitNoteRow).where(m.DebitNoteRow.number == number))
        return None if row is None else _note(row)


def _note(r: m.DebitNoteRow) -> DebitNote:
    amount, tax = Money(r.amount_minor, r.currency), Money(r.tax_minor, r.currency)
    return DebitNote(r.order_id, r.number, amount, r.issued_at, tax, id=r.id)
