"""The shop's gapless document sequences (credit notes, invoices): one ``document_counters`` row each."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.repositories.sql import fetch, insert_if_missing

_c = m.DocumentCounterRow
# One statement takes the number: PostgreSQL's row lock queues a concurrent issuer until this one
# ends (committed: it reads the new last; rolled back: the number is given back); SQLite's writers
# take turns at the database's write lock. A unique number on the document is a second line of defence.
_NEXT = {
    name: update(_c).where(_c.name == name).values(last=_c.last + 1).returning(_c.last)
    for name in ("credit_note", "debit_note", "invoice")
}


# An order before its number (ARCHITECTURE.md, "Lock order"): the counter is held until the transaction ends, so a
# path holding it and going on to the order (its payment rows write it) deadlocked with one holding the order and
# going on to the counter (a goodwill refund against a return's refund). Taken here, every issuer keeps the rule.
_LOCK_ORDER = select(m.OrderRow.id).where(m.OrderRow.id == bindparam("order_id")).with_for_update()


async def next_number(session: AsyncSession, sequence: str, order_id: int) -> int:
    """The sequence's next number for a document of ``order_id``, taken in the session's transaction (held until it
    ends), after the order's row lock (already held by most callers: then it waits for nothing)."""
    await fetch(session, _LOCK_ORDER, {"order_id": order_id})
    await insert_if_missing(session, _c, {"name": sequence, "last": 0})  # the first ever, or after a wipe
    return int((await fetch(session, _NEXT[sequence]))[0][0])
