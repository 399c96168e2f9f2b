"""A product's history names the staff who changed it with one read of the customers, however many
people changed it (chat /product and the web catalog admin share ``product_history``); both engines."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import ProductStatus
from domain.customers import Customer, Role, StaffMember
from domain.usecases.catalog_admin import product_history, set_status
from domain.usecases.imports.products import import_products
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

PEOPLE = {60: ("Mia", "Lee"), 61: ("Max", ""), 62: ("<b>Ann</b>", "")}


async def test_a_products_history_names_every_staff_member_from_one_read(engine: AsyncEngine) -> None:
    clock = FakeClock()
    uow = SqlUnitOfWork(session_factory(engine))
    await import_products(uow, clock, "sku,name,category,price,currency\nMUG-1,Mug,Kitchen,4.50,EUR\n")
    async with uow:
        for telegram_id, (first, last) in PEOPLE.items():
            await uow.customers.add(
                Customer(telegram_id=telegram_id, first_name=first, last_name=last, created_at=clock.now())
            )
            await uow.staff.put(StaffMember(telegram_id, Role.MANAGER))
        product = await uow.products.get_by_sku("MUG-1")
        await uow.commit()
    assert product is not None and product.id is not None
    for telegram_id, status in zip(
        PEOPLE, [ProductStatus.HIDDEN, ProductStatus.ACTIVE, ProductStatus.HIDDEN], strict=True
    ):
        await set_status(uow, clock, product_id=product.id, status=status, staff_id=telegram_id)
        clock.advance(minutes=1)

    statements: list[str] = []

    def note(*args: object) -> None:
        statements.append(" ".join(str(args[2]).split()).lower())

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        page = await product_history(uow, staff_id=60, product_id=product.id, page=0, page_size=10)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert [change.field for change in page.changes if change.actor == "import"] == ["created"]  # the file made it
    assert {change.actor: page.who[change.actor] for change in page.changes if change.actor != "import"} == {
        "staff:60": "Mia Lee",
        "staff:61": "Max",
        "staff:62": "<b>Ann</b>",
    }
    customers_read = [s for s in statements if "from customers" in s]
    assert len(customers_read) == 1, customers_read
