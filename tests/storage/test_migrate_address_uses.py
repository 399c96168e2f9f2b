"""0055 counts the orders already placed to each saved address, so the first checkout after the upgrade offers
a chain's most used one; on both engines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Address
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, OrderLine
from domain.usecases.customers import saved_addresses
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.storage.migrations import down_and_up


async def test_saved_addresses_are_counted_from_the_orders_placed_to_them(engine: AsyncEngine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    customer, mug = await a_customer(uow), await a_product(uow)
    async with uow:
        ann = await uow.customers.get(customer)
        assert ann is not None
        ann.addresses = [Address("Head office"), *(Address(f"Branch {n}") for n in range(1, 7))]
        await uow.customers.update(ann)
        for n, text in enumerate(["Head office", "Branch 1", "Head office", "Head office"]):
            line = OrderLine(mug, "MUG-1", "Mug", 1, Money(500, "EUR"))
            at = NOW + timedelta(days=n)
            delivery = Delivery(DeliveryMethod.COURIER, text)
            order = Order.place(
                code=f"BCDFGHJ{n}",
                customer_id=customer,
                currency="EUR",
                lines=[line],
                now=at,
                actor="c",
                delivery=delivery,
            )
            await uow.orders.add(order)
        await uow.commit()
    await down_and_up(engine, "0054")

    async with uow:
        ann = await uow.customers.get(customer)
    assert ann is not None
    counted = {a.text: (a.uses, a.used_at) for a in ann.addresses}
    assert counted["Head office"] == (3, NOW + timedelta(days=3))
    assert counted["Branch 1"] == (1, NOW + timedelta(days=1))
    assert counted["Branch 6"] == (0, None)
    offered = [a.text for a in await saved_addresses(uow, customer_id=customer)]
    assert offered == ["Head office", "Branch 1", "Branch 6", "Branch 5", "Branch 4"]
