"""/refunds reads a page of orders owing back in a fixed number of statements, however many it shows; both engines."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine
from domain.payments import Payment, PaymentKind
from domain.ports import UnitOfWork
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from domain.usecases.imports.products import import_products
from domain.usecases.owed_back import OwedBackPage, owed_back_page
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

MANAGER = 70


async def owing_orders(uow: UnitOfWork, clock: FakeClock, first: int, count: int) -> None:
    """``count`` paid orders, order n owing back a refund of 3.00 + n, less on all but every third
    a return's refund of 2.00 (paid back on the return's own screen)."""
    async with uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        mug = await uow.products.get_by_sku("MUG-1")
        assert customer is not None and customer.id is not None and mug is not None and mug.id is not None
        for n in range(first, first + count):
            line = OrderLine(mug.id, "MUG-1", "Mug", 2, Money(450, "EUR"))
            order = Order.place(
                code=f"OWE{n:05d}", customer_id=customer.id, currency="EUR", lines=[line], now=clock.now(), actor="c"
            )
            await uow.orders.add(order)
            assert order.id is not None
            await uow.payments.add(Payment(order.id, PaymentKind.PAYMENT, "card", Money(900, "EUR"), clock.now()))
            await uow.payments.add(
                Payment(order.id, PaymentKind.REFUND_OWED, "edit", Money(300 + n, "EUR"), clock.now())
            )
            if n % 3 == 0:
                continue
            stored = await uow.orders.get_by_id(order.id)
            assert stored is not None
            back = [ReturnLine(stored.lines[0].id or 0, mug.id, "MUG-1", "Mug", 1, Money(450, "EUR"))]
            why, how = ReturnReason.DAMAGED, ReturnMethod.DROP_OFF
            request = ReturnRequest(f"R{n:07d}", order.id, customer.id, ReturnKind.REFUND, why, how, back, clock.now())
            await uow.returns.add(request, clock.now())
            request.refund = Money(200, "EUR")
            await uow.returns.save(request, clock.now())
        await uow.commit()


async def read_counting(engine: AsyncEngine, uow: UnitOfWork) -> tuple[OwedBackPage, int]:
    statements: list[str] = []

    def note(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        found = await owed_back_page(uow, staff_id=MANAGER, page=0, page_size=20)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    return found, len(statements)


async def test_refunds_reads_a_page_of_twenty_orders_in_as_many_statements_as_a_page_of_two(
    engine: AsyncEngine,
) -> None:
    clock = FakeClock()
    uow = SqlUnitOfWork(session_factory(engine))
    await import_products(uow, clock, "sku,name,category,price,currency\nMUG-1,Mug,Kitchen,4.50,EUR\n")
    async with uow:
        await uow.customers.add(Customer(telegram_id=1001, first_name="Ann", created_at=clock.now()))
        await uow.customers.add(Customer(telegram_id=MANAGER, first_name="Mia", created_at=clock.now()))
        await uow.staff.put(StaffMember(MANAGER, Role.MANAGER))
        await uow.commit()
    await owing_orders(uow, clock, 0, 2)
    small, read_small = await read_counting(engine, uow)
    await owing_orders(uow, clock, 2, 23)
    full, read_full = await read_counting(engine, uow)

    assert [(o.code, owed.amount) for o, owed in small.entries] == [("OWE00000", 300), ("OWE00001", 101)]
    assert [(o.code, owed.amount) for o, owed in full.entries] == [
        (f"OWE{n:05d}", 100 + n + (200 if n % 3 == 0 else 0)) for n in range(20)
    ]
    assert (full.total, full.pages) == (25, 2)
    assert all(len(order.lines) == 1 for order, _ in full.entries)  # whole orders, as the screen shows them
    assert read_full == read_small, (read_small, read_full)
    assert read_full <= 10, read_full  # the staff check, owing's count and page, orders, payments, returns
