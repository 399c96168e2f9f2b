"""JournalRepository: what the fake and SQL both promise."""

from __future__ import annotations

from datetime import timedelta

from domain.accounting import Account, JournalEntry, JournalLine
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW


def sale(amount: int) -> JournalEntry:
    lines = (JournalLine(Account.CASH, debit=amount), JournalLine(Account.RECEIVABLE, credit=amount))
    return JournalEntry(NOW, "order:BCDFGHJK", "sale", "EUR", lines)


async def test_posted_entries_are_counted(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.journal.entry_count() == 0
        await uow.journal.post(sale(500))
        await uow.journal.post(sale(700))
        await uow.commit()
    async with uow:
        await uow.journal.post(sale(100))  # not committed
    async with uow:
        assert await uow.journal.entry_count() == 2


async def test_the_books_currency_is_unset_until_kept_and_then_the_last_one_kept(uow: UnitOfWork) -> None:
    async with uow:
        assert await uow.journal.books_currency() is None
        await uow.journal.keep_books_in("EUR")
        await uow.commit()
    async with uow:
        assert await uow.journal.books_currency() == "EUR"
        await uow.journal.keep_books_in("GBP")
        await uow.commit()
    async with uow:
        assert await uow.journal.books_currency() == "GBP"


async def test_a_source_s_credit_balance_on_an_account_is_its_credits_less_debits_in_that_currency(
    uow: UnitOfWork,
) -> None:
    async with uow:
        await uow.journal.post(sale(500))
        back = (JournalLine(Account.RECEIVABLE, debit=120), JournalLine(Account.CASH, credit=120))
        await uow.journal.post(JournalEntry(NOW, "order:BCDFGHJK", "refund", "EUR", back))
        other = (JournalLine(Account.CASH, debit=9), JournalLine(Account.RECEIVABLE, credit=9))
        await uow.journal.post(JournalEntry(NOW, "order:ZZZZZZZZ", "sale", "EUR", other))
        await uow.journal.post(JournalEntry(NOW, "order:BCDFGHJK", "sale", "GBP", other))
        await uow.commit()
    async with uow:
        receivable, cash = Account.RECEIVABLE.value, Account.CASH.value
        assert await uow.journal.credit_balance("order:BCDFGHJK", receivable, "EUR") == 500 - 120
        assert await uow.journal.credit_balance("order:BCDFGHJK", cash, "EUR") == 120 - 500
        assert await uow.journal.credit_balance("order:BCDFGHJK", receivable, "GBP") == 9
        assert await uow.journal.credit_balance("order:NOTHING", receivable, "EUR") == 0


async def test_the_entries_of_documents_are_theirs_only_in_time_order(uow: UnitOfWork) -> None:
    other = (JournalLine(Account.CASH, debit=9), JournalLine(Account.RECEIVABLE, credit=9))
    async with uow:
        await uow.journal.post(JournalEntry(NOW + timedelta(hours=1), "return:RBCDFGH", "returned", "EUR", other))
        await uow.journal.post(sale(500))
        await uow.journal.post(JournalEntry(NOW, "order:ZZZZZZZZ", "sale", "EUR", other))
        await uow.commit()
    async with uow:
        found = await uow.journal.of_sources(["order:BCDFGHJK", "return:RBCDFGH"])
        none = await uow.journal.of_sources([])
    assert [(e.source, e.memo, [(x.account, x.debit, x.credit) for x in e.lines]) for e in found] == [
        ("order:BCDFGHJK", "sale", [(Account.CASH, 500, 0), (Account.RECEIVABLE, 0, 500)]),
        ("return:RBCDFGH", "returned", [(Account.CASH, 9, 0), (Account.RECEIVABLE, 0, 9)]),
    ]
    assert none == []
