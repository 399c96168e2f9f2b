"""DebitNoteRepository: debit notes numbered 1, 2, 3… in their own sequence (not the credit notes'), gapless."""

from __future__ import annotations

from domain.money import Money
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW
from tests.contracts.orders import placed, three_placed


async def test_debit_notes_take_their_own_next_number_and_read_back_per_order(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.credit_notes.issue(order.id, Money(50, "EUR"), "late delivery", NOW)  # another sequence
        first = await uow.debit_notes.issue(order.id, Money(300, "EUR"), NOW)
        second = await uow.debit_notes.issue(order.id, Money(150, "EUR"), NOW)
        await uow.commit()
    assert (first.number, second.number, first.label) == (1, 2, "DN-000001")
    async with uow:
        kept = await uow.debit_notes.for_order(order.id)
        none = await uow.debit_notes.for_order(order.id + 1000)
    assert [(n.number, n.amount) for n in kept] == [(1, Money(300, "EUR")), (2, Money(150, "EUR"))]
    assert none == []


async def test_an_edit_rolled_back_gives_its_debit_note_number_back(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.debit_notes.issue(order.id, Money(100, "EUR"), NOW)  # never committed
    async with uow:
        note = await uow.debit_notes.issue(order.id, Money(200, "EUR"), NOW)
        await uow.commit()
    assert note.number == 1


async def test_a_debit_note_is_found_by_its_number_and_no_other(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        await uow.credit_notes.issue(order.id, Money(50, "EUR"), "late delivery", NOW)  # CN-000001, not DN-000001
        await uow.debit_notes.issue(order.id, Money(300, "EUR"), NOW)
        await uow.commit()
    async with uow:
        found, none = await uow.debit_notes.get_by_number(1), await uow.debit_notes.get_by_number(2)
    assert found is not None and (found.order_id, found.amount, found.label) == (
        order.id,
        Money(300, "EUR"),
        "DN-000001",
    )
    assert none is None


async def test_debit_notes_are_read_for_many_orders_at_once_each_its_own(uow: UnitOfWork) -> None:
    first, second, third = await three_placed(uow)
    async with uow:
        await uow.debit_notes.issue(second, Money(200, "EUR"), NOW)
        await uow.debit_notes.issue(first, Money(100, "EUR"), NOW)
        await uow.debit_notes.issue(second, Money(300, "EUR"), NOW)
        await uow.commit()
    async with uow:
        found = await uow.debit_notes.for_orders([first, second, third])
    assert {order: [n.number for n in notes] for order, notes in found.items()} == {first: [2], second: [1, 3]}


async def test_a_debit_note_keeps_the_tax_its_entry_adds_and_reads_it_back(uow: UnitOfWork) -> None:
    order = await placed(uow)
    assert order.id is not None
    async with uow:
        issued = await uow.debit_notes.issue(order.id, Money(295, "EUR"), NOW)
        assert issued.id is not None and issued.tax == Money(0, "EUR")  # nothing booked yet
        kept = await uow.debit_notes.add_tax(issued.id, Money(50, "EUR"))  # what its rise's entry added to VAT
        other = await uow.debit_notes.issue(order.id, Money(100, "EUR"), NOW)
        await uow.commit()
    assert kept.tax == Money(50, "EUR") and kept.number == issued.number
    async with uow:
        read = await uow.debit_notes.for_order(order.id)
        numbered = await uow.debit_notes.get_by_number(issued.number)
        many = await uow.debit_notes.for_orders([order.id])
    assert [n.tax for n in read] == [Money(50, "EUR"), Money(0, "EUR")] and other.tax == Money(0, "EUR")
    assert numbered is not None and numbered.tax == Money(50, "EUR")
    assert [n.tax for n in many[order.id]] == [Money(50, "EUR"), Money(0, "EUR")]
