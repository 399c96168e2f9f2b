"""Several processes starting at once on a new database: each writes the same start-up rows
(the journal's currency, the admins) without an error."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Role
from domain.usecases.bookkeeping import pin_books_currency
from domain.usecases.staff import make_admins
from storage.db import session_factory
from storage.uow import SqlUnitOfWork


async def test_processes_starting_together_pin_the_books_currency_without_an_error(engine: AsyncEngine) -> None:
    starts = [pin_books_currency(SqlUnitOfWork(session_factory(engine)), "GBP") for _ in range(8)]
    await asyncio.gather(*starts)  # on PostgreSQL a plain insert failed the second start
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        assert await uow.journal.books_currency() == "GBP"
    await pin_books_currency(uow, "EUR")  # no entries yet: the base may still change
    async with uow:
        assert await uow.journal.books_currency() == "EUR"


async def test_processes_starting_together_make_the_same_admins_without_an_error(engine: AsyncEngine) -> None:
    starts = [make_admins(SqlUnitOfWork(session_factory(engine)), [1, 2]) for _ in range(8)]
    await asyncio.gather(*starts)
    uow = SqlUnitOfWork(session_factory(engine))
    async with uow:
        staff = await uow.staff.all()
    assert [(s.telegram_id, s.role) for s in staff] == [(1, Role.ADMIN), (2, Role.ADMIN)]
    assert all(s.id for s in staff)
