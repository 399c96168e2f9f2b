"""0080 takes from a credit note issued before 0075 the tax 0075 gave it while its order, edited down, holds no tax:
its PDF printed none; a note issued after keeps the tax it booked; 0081 takes it off every such note when the upgrade
ran 0075 too; on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import Order, OrderLine
from storage import models as m
from storage.db import session_factory
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up, migrate

GBP = "GBP"
AFTER_0075 = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # a shop that ran 0075 issued it, keeping its booked tax


async def _kept(engine: AsyncEngine) -> list[int]:
    n = m.CreditNoteRow
    async with engine.connect() as connection:
        return [row.tax_minor for row in await connection.execute(select(n.tax_minor).order_by(n.number))]


async def _an_emptied_and_a_taxed_order(engine: AsyncEngine, issued: datetime) -> Order:
    """Two orders invoiced with tax, each with a credit note ``issued`` then; the first, returned, since edited down to
    nothing."""
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        orders = []
        for code in ("BCDFGHJA", "BCDFGHJB"):
            line = OrderLine(mug, "85123A", "Heart holder", 10, Money(295, GBP))
            order = Order.place(
                code=code,
                customer_id=customer,
                currency=GBP,
                lines=[line],
                now=NOW,
                actor="c",
                shipping=Money(520, GBP),
                tax_rate="20",
            )
            await uow.orders.add(order)
            order.invoice_number = await uow.orders.number_invoice(order.id or 0)
            await uow.orders.keep_invoice(IssuedInvoice.of(order, "Corp", "", NOW))  # £34.70, £5.79 of tax
            orders.append(order)
        emptied, taxed = orders
        for order in (emptied, taxed):
            await uow.credit_notes.issue(order.id or 0, Money(295, GBP), "order changed", issued)  # 10 → 9
        await uow.commit()
    async with engine.begin() as connection:  # then edited down to nothing: no tax in it now
        o = m.OrderRow
        await connection.execute(update(o).where(o.id == emptied.id).values(total_minor=0, shipping_minor=0))
    return emptied


async def _upgrade_from(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, revision, down=True))
        await connection.commit()
    await upgrade_to_head(engine)  # as `ordergram migrate` and start-up do


async def test_old_notes_of_an_order_now_untaxed_print_no_tax_new_ones_keep_theirs(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    emptied = await _an_emptied_and_a_taxed_order(engine, NOW)
    await down_and_up(engine, "0074")  # 0075 gave both its share of the invoice's 579p; 0080 takes the first's
    assert await _kept(engine) == [0, 49]
    async with uow:  # a goodwill note issued after 0075 on the emptied order keeps the tax it booked
        note = await uow.credit_notes.issue(emptied.id or 0, Money(1000, GBP), "goodwill", AFTER_0075)
        await uow.credit_notes.add_tax(note.id or 0, Money(167, GBP))
        await uow.commit()
    await down_and_up(engine, "0079")  # and running it again changes nothing
    assert await _kept(engine) == [0, 49, 167]
    async with uow:  # the notes read it back, as their PDF prints it
        assert [n.tax.amount for n in await uow.credit_notes.for_order(emptied.id or 0)] == [0, 167]


async def test_an_upgrade_running_0075_takes_its_figure_off_every_note_of_an_untaxed_order(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    emptied = await _an_emptied_and_a_taxed_order(engine, AFTER_0075)  # by a shop still on 0.1.0
    await _upgrade_from(engine, "0074")  # 0075 gave both its share of the invoice's 579p; the first's PDF had none
    assert await _kept(engine) == [0, 49]
    async with uow:  # a note issued on 0075's code books its real tax, which a later upgrade leaves
        note = await uow.credit_notes.issue(emptied.id or 0, Money(1000, GBP), "goodwill", AFTER_0075)
        await uow.credit_notes.add_tax(note.id or 0, Money(167, GBP))
        await uow.commit()
    await _upgrade_from(engine, "0079")
    assert await _kept(engine) == [0, 49, 167]
