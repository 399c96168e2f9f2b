"""CreditNoteRepository: credit notes numbered 1, 2, 3… in one sequence, gapless and unique under concurrent refunds."""

from __future__ import annotations

import asyncio

import pytest

from domain.money import Money
from domain.ports import UnitOfWork
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_database
from tests.contracts.conftest import NOW
from tests.contracts.orders import placed, three_placed


async def test_credit_notes_take_the_next_number_whatever_the_order_and_read_back_per_order(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        first = await uow.credit_notes.issue(order.id, Money(300, "EUR"), "late delivery", NOW)
        second = await uow.credit_notes.issue(order.id, Money(150, "EUR"), "returned: damaged", NOW)
        await uow.commit()
    assert (first.number, second.number) == (1, 2)
    async with uow:
        kept = await uow.credit_notes.for_order(order.id)
        none = await uow.credit_notes.for_order(order.id + 1000)
    assert [(n.number, n.amount, n.reason) for n in kept] == [
        (1, Money(300, "EUR"), "late delivery"),
        (2, Money(150, "EUR"), "returned: damaged"),
    ]
    assert none == []


async def test_a_credit_note_is_found_by_its_number_and_no_other(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.credit_notes.issue(order.id, Money(300, "EUR"), "late delivery", NOW)
        await uow.credit_notes.issue(order.id, Money(150, "EUR"), "returned: damaged", NOW)
        await uow.commit()
    async with uow:
        second, none = await uow.credit_notes.get_by_number(2), await uow.credit_notes.get_by_number(3)
    assert second is not None and (second.order_id, second.amount, second.label) == (
        order.id,
        Money(150, "EUR"),
        "CN-000002",
    )
    assert none is None


async def test_a_refund_rolled_back_gives_its_credit_note_number_back(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.credit_notes.issue(order.id, Money(100, "EUR"), "given up", NOW)  # never committed
    async with uow:
        note = await uow.credit_notes.issue(order.id, Money(200, "EUR"), "late", NOW)
        await uow.commit()
    assert note.number == 1


@pytest.mark.parametrize("refunds", [12])
async def test_concurrent_refunds_get_gapless_unique_numbers(sql_url: str, refunds: int) -> None:
    """Each refund its own transaction, all at once: every third rolls back. Those committed hold
    1…n, once each, on SQLite (its writers take turns) and PostgreSQL (the counter's row lock)."""
    engine = await empty_database(sql_url)
    try:
        order = await placed(SqlUnitOfWork(session_factory(engine)))
        assert order.id is not None
        order_id = order.id

        async def refund(i: int) -> int | None:
            uow = SqlUnitOfWork(session_factory(engine))
            async with uow:
                note = await uow.credit_notes.issue(order_id, Money(100 + i, "EUR"), f"refund {i}", NOW)
                await asyncio.sleep(0.01)  # held open while the others queue for the number
                if i % 3 == 2:
                    return None  # left uncommitted: rolled back
                await uow.commit()
                return note.number

        numbers = [n for n in await asyncio.gather(*(refund(i) for i in range(refunds))) if n is not None]
        uow = SqlUnitOfWork(session_factory(engine))
        async with uow:
            stored = [n.number for n in await uow.credit_notes.for_order(order_id)]
    finally:
        await engine.dispose()
    committed = refunds - refunds // 3
    assert sorted(numbers) == stored == list(range(1, committed + 1))


async def test_credit_notes_are_read_for_many_orders_at_once_each_its_own_oldest_first(uow: UnitOfWork) -> None:
    first, second, third = await three_placed(uow)
    async with uow:
        await uow.credit_notes.issue(second, Money(200, "EUR"), "late delivery", NOW)
        await uow.credit_notes.issue(first, Money(100, "EUR"), "returned: damaged", NOW)
        await uow.credit_notes.issue(second, Money(300, "EUR"), "order changed", NOW)
        await uow.debit_notes.issue(third, Money(50, "EUR"), NOW)  # another sequence, not a credit note
        await uow.commit()
    async with uow:
        found = await uow.credit_notes.for_orders([first, second, third])
        none = await uow.credit_notes.for_orders([])
    assert {order: [(n.number, n.amount) for n in notes] for order, notes in found.items()} == {
        first: [(2, Money(100, "EUR"))],
        second: [(1, Money(200, "EUR")), (3, Money(300, "EUR"))],
    }
    assert none == {}


async def test_a_credit_note_keeps_the_tax_its_entries_add_and_reads_it_back(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        issued = await uow.credit_notes.issue(order.id, Money(3470, "EUR"), "order cancelled", NOW)
        assert issued.id is not None and issued.tax == Money(0, "EUR")  # nothing booked yet
        await uow.credit_notes.add_tax(issued.id, Money(50, "EUR"))  # the paid part's entry
        kept = await uow.credit_notes.add_tax(issued.id, Money(529, "EUR"))  # the unpaid part's
        other = await uow.credit_notes.issue(order.id, Money(100, "EUR"), "late", NOW)
        await uow.commit()
    assert kept.tax == Money(579, "EUR")
    async with uow:
        read = await uow.credit_notes.for_order(order.id)
        numbered = await uow.credit_notes.get_by_number(issued.number)
        many = await uow.credit_notes.for_orders([order.id])
    assert [n.tax for n in read] == [Money(579, "EUR"), Money(0, "EUR")] and other.tax == Money(0, "EUR")
    assert numbered is not None and numbered.tax == Money(579, "EUR")
    assert [n.tax for n in many[order.id]] == [Money(579, "EUR"), Money(0, "EUR")]
