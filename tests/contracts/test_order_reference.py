"""Who may correct a placed order's PO number, and when, as SQL keeps it on both engines (the fakes have no row
locks to take)."""

from __future__ import annotations

import pytest

from domain.customers import Role, StaffMember
from domain.errors import NotFound
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus, ReferenceTooLong
from domain.ports import UnitOfWork
from domain.usecases.order_reference import (
    ReferenceCancelled,
    ReferenceShipped,
    change_my_order_reference,
    change_order_reference,
)
from tests.contracts.conftest import a_customer, a_product
from tests.fakes import FakeClock


async def placed(uow: UnitOfWork, clock: FakeClock, status: OrderStatus = OrderStatus.INVOICED) -> int:
    """The order BCDFGHJK with PO-1; its customer's id."""
    customer, mug = await a_customer(uow), await a_product(uow)
    line = OrderLine(mug, "MUG-1", "Mug", 1, Money(100, "EUR"))
    order = Order.place(
        code="BCDFGHJK",
        customer_id=customer,
        currency="EUR",
        lines=[line],
        now=clock.now(),
        actor="c",
        reference="PO-1",
    )
    order.status = status
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    return customer


async def stored(uow: UnitOfWork) -> Order:
    async with uow.read_only():
        order = await uow.orders.get_by_code("BCDFGHJK")
    assert order is not None
    return order


async def test_another_customer_cannot_change_an_orders_po_number_nor_learn_it_exists(sql: UnitOfWork) -> None:
    clock = FakeClock()
    customer = await placed(sql, clock)
    with pytest.raises(NotFound):
        await change_my_order_reference(sql, clock, customer_id=customer + 1, code="BCDFGHJK", reference="PO-2")
    assert (await stored(sql)).reference == "PO-1"


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (OrderStatus.PARTIALLY_SHIPPED, ReferenceShipped),
        (OrderStatus.SHIPPED, ReferenceShipped),
        (OrderStatus.DELIVERED, ReferenceShipped),
        (OrderStatus.CANCELLED, ReferenceCancelled),
    ],
)
async def test_the_buyer_cannot_change_it_once_a_parcel_left_nor_on_a_cancelled_order(
    sql: UnitOfWork, status: OrderStatus, refusal: type[Exception]
) -> None:
    clock = FakeClock()
    customer = await placed(sql, clock, status)
    with pytest.raises(refusal):
        await change_my_order_reference(sql, clock, customer_id=customer, code="BCDFGHJK", reference="PO-2")
    assert (await stored(sql)).reference == "PO-1"


async def test_the_buyers_change_is_kept_on_one_line_with_who_changed_it_from_what(sql: UnitOfWork) -> None:
    clock = FakeClock()
    customer = await placed(sql, clock, OrderStatus.PACKED)
    with pytest.raises(ReferenceTooLong):
        await change_my_order_reference(sql, clock, customer_id=customer, code="bcdf-ghjk", reference="X" * 65)
    clock.advance(minutes=5)
    order, was = await change_my_order_reference(
        sql, clock, customer_id=customer, code="bcdf-ghjk", reference=" PO-2\n a "
    )
    assert (order.reference, was) == ("PO-2 a", "PO-1")
    kept = await stored(sql)
    entry = kept.history[-1]
    assert kept.reference == "PO-2 a" and kept.status is OrderStatus.PACKED
    assert (entry.actor, entry.reason, entry.at) == (f"customer:{customer}", "po number: PO-1 → PO-2 a", clock.now())
    async with sql.read_only():
        assert await sql.orders.codes_by_reference("po-2 A", 5) == ["BCDFGHJK"]
        assert await sql.orders.codes_by_reference("PO-1", 5) == []


async def test_staff_may_correct_a_delivered_orders_po_number_but_not_a_cancelled_ones(sql: UnitOfWork) -> None:
    clock = FakeClock()
    await placed(sql, clock, OrderStatus.DELIVERED)
    async with sql:
        await sql.staff.put(StaffMember(9, Role.MANAGER))
        await sql.staff.put(StaffMember(10, Role.PICKER))
        await sql.commit()
    with pytest.raises(Exception, match="picker"):
        await change_order_reference(sql, clock, staff_id=10, code="BCDFGHJK", reference="PO-3")
    order, _ = await change_order_reference(sql, clock, staff_id=9, code="BCDFGHJK", reference="")
    kept = await stored(sql)
    assert order.reference == kept.reference == "" and kept.history[-1].reason == "po number: PO-1 → —"


async def test_staff_leave_a_cancelled_orders_po_number_as_it_was(sql: UnitOfWork) -> None:
    clock = FakeClock()
    await placed(sql, clock, OrderStatus.CANCELLED)
    async with sql:
        await sql.staff.put(StaffMember(9, Role.MANAGER))
        await sql.commit()
    with pytest.raises(ReferenceCancelled):
        await change_order_reference(sql, clock, staff_id=9, code="BCDFGHJK", reference="PO-3")
    assert (await stored(sql)).reference == "PO-1"
