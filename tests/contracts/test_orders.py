"""OrderRepository: what the fake and SQL both promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domain.errors import IllegalTransition
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, HistoryEntry, Order, OrderLine, OrderStatus, PaymentMethod
from domain.ports import UnitOfWork
from tests.contracts.conftest import NOW, a_customer, a_product


async def placed(uow: UnitOfWork, **details: Any) -> Order:
    customer, mug = await a_customer(uow), await a_product(uow)
    order = Order.place(
        code="BCDFGHJK",
        customer_id=customer,
        currency="EUR",
        lines=[OrderLine(mug, "MUG-1", "Mug", 2, Money(500, "EUR"))],
        now=NOW,
        actor="customer:1001",
        **details,
    )
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


async def test_an_added_order_reads_back_by_code_as_it_was_placed(uow: UnitOfWork) -> None:
    order = await placed(
        uow,
        delivery=Delivery(DeliveryMethod.COURIER, "1 Road", carrier="DHL"),
        checkout_key="k-1",
        flags=frozenset({"GIFT"}),
        gift_message="Enjoy",
        routing=["LON"],
    )
    assert order.id is not None
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
        assert await uow.orders.get_by_code("NOPE1234") is None
        assert await uow.orders.get_by_id(order.id) == loaded
        assert await uow.orders.get_by_id(order.id + 1000) is None
    assert loaded is not None and all(line.id is not None for line in loaded.lines)
    expected = replace(order, shipping=Money(0, "EUR"))  # no shipping reads back as zero
    assert replace(loaded, lines=[replace(line, id=None) for line in loaded.lines]) == expected
    assert loaded.total == Money(1000, "EUR")


async def test_the_tax_numbers_an_order_was_placed_with_read_back_none_then_and_not_kept_apart(
    uow: UnitOfWork,
) -> None:
    order = await placed(uow, buyer_tax_number="", seller_tax_number="GB 123 4567 89")
    async with uow:
        loaded = await uow.orders.get_by_id(order.id or 0)
    assert loaded is not None and (loaded.buyer_tax_number, loaded.seller_tax_number) == ("", "GB 123 4567 89")
    async with uow:
        old = Order.place(
            code="LMNPQRST", customer_id=order.customer_id, currency="EUR", lines=order.lines[:], now=NOW, actor="x"
        )
        await uow.orders.add(replace(old, lines=[replace(line, id=None) for line in old.lines]))
        await uow.commit()
    async with uow:
        before = await uow.orders.get_by_code("LMNPQRST")  # placed before numbers were kept
    assert before is not None and (before.buyer_tax_number, before.seller_tax_number) == (None, None)


async def test_a_transition_moves_the_status_and_appends_to_the_history(uow: UnitOfWork) -> None:
    await placed(uow)
    async with uow:
        order = await uow.orders.get_by_code("BCDFGHJK")
        assert order is not None
        entry = order.transition(OrderStatus.CANCELLED, now=NOW + timedelta(hours=1), actor="staff:7", reason="asked")
        await uow.orders.record_transition(order, entry)
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None and loaded.status is OrderStatus.CANCELLED
    assert [(h.from_status, h.to_status, h.actor, h.reason) for h in loaded.history] == [
        (None, OrderStatus.PLACED, "customer:1001", "placed"),
        (OrderStatus.PLACED, OrderStatus.CANCELLED, "staff:7", "asked"),
    ]


async def test_a_transition_from_a_status_the_order_has_left_is_refused(uow: UnitOfWork) -> None:
    await placed(uow)
    async with uow:
        first = await uow.orders.get_by_code("BCDFGHJK")
        second = await uow.orders.get_by_code("BCDFGHJK")
        assert first is not None and second is not None
        await uow.orders.record_transition(first, first.transition(OrderStatus.CANCELLED, now=NOW, actor="staff:7"))
        with pytest.raises(IllegalTransition):  # the second press was made on the order as it was
            await uow.orders.record_transition(second, second.transition(OrderStatus.ON_HOLD, now=NOW, actor="staff:8"))
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None and (loaded.status, len(loaded.history)) == (OrderStatus.CANCELLED, 2)


async def test_a_transition_saves_the_move_not_other_changes_to_the_order(uow: UnitOfWork) -> None:
    await placed(uow, delivery=Delivery(DeliveryMethod.COURIER, "1 Road"))
    async with uow:
        order = await uow.orders.get_by_code("BCDFGHJK")
        assert order is not None
        order.gift_message, order.contact_phone = "not saved", "+440000"
        order.tracking_number = "TRK1"
        order.delivery = replace(order.delivery or Delivery(DeliveryMethod.COURIER), carrier="DHL")
        await uow.orders.record_transition(order, order.transition(OrderStatus.ON_HOLD, now=NOW, actor="staff:7"))
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None and loaded.delivery is not None
    assert (loaded.status, loaded.held_from, loaded.tracking_number, loaded.delivery.carrier) == (
        OrderStatus.ON_HOLD,
        OrderStatus.PLACED,
        "TRK1",
        "DHL",
    )
    assert (loaded.gift_message, loaded.contact_phone) == ("", "")


async def test_a_line_reads_back_with_the_names_it_was_sold_under_in_each_language(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    sold = [
        OrderLine(mug, "MUG-1", "Mug (Red)", 1, Money(500, "EUR"), names={"ru": "Кружка (Red)", "de": "Becher (Red)"})
    ]
    order = Order.place(code="BCDFGHJK", customer_id=customer, currency="EUR", lines=sold, now=NOW, actor="system")
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None
    (line,) = loaded.lines
    assert dict(line.names) == {"ru": "Кружка (Red)", "de": "Becher (Red)"}
    assert [line.named_in(x) for x in ("ru", "de", "en", "")] == [
        "Кружка (Red)",
        "Becher (Red)",
        "Mug (Red)",
        "Mug (Red)",
    ]
    assert [x.name for x in loaded.in_language("ru").lines] == ["Кружка (Red)"]


async def test_open_unpaid_counts_a_customers_cash_orders_until_cancelled_and_card_orders_awaiting_payment(
    uow: UnitOfWork,
) -> None:
    cash = await placed(uow, payment_method=PaymentMethod.COD)
    async with uow:
        assert await uow.orders.open_unpaid(cash.customer_id) == 1
        assert await uow.orders.open_unpaid(cash.customer_id + 1) == 0
        entry = cash.transition(OrderStatus.CANCELLED, now=NOW + timedelta(hours=1), actor="customer:1001")
        await uow.orders.record_transition(cash, entry)
        await uow.commit()
    async with uow:
        assert await uow.orders.open_unpaid(cash.customer_id) == 0
    card = Order.place(
        code="CDFGHJKL",
        customer_id=cash.customer_id,
        currency="EUR",
        lines=[OrderLine(cash.lines[0].product_id, "MUG-1", "Mug", 1, Money(500, "EUR"))],
        now=NOW,
        actor="customer:1001",
        payment_method=PaymentMethod.CARD,
    )
    card.transition(OrderStatus.AWAITING_PAYMENT, now=NOW, actor="system")
    async with uow:
        await uow.orders.add(card)
        await uow.commit()
    async with uow:
        assert await uow.orders.open_unpaid(cash.customer_id) == 1


async def test_orders_are_found_by_the_buyers_reference_newest_first_whatever_its_case(uow: UnitOfWork) -> None:
    """A buyer quotes "po-1" on the phone for PO-1; Cyrillic folds too (SQLite's lower() would not)."""
    customer, mug = await a_customer(uow), await a_product(uow)
    placed = (("BCDFGHJ1", "PO-1"), ("BCDFGHJ2", "PO-2"), ("BCDFGHJ3", "po-2"), ("BCDFGHJ4", "ЗАКАЗ-7"))
    async with uow:
        for i, (code, reference) in enumerate(placed):
            line = OrderLine(mug, "MUG-1", "Mug", 1, Money(500, "EUR"))
            order = Order.place(
                code=code,
                customer_id=customer,
                currency="EUR",
                lines=[line],
                now=NOW + timedelta(minutes=i),
                actor="customer:1001",
                reference=reference,
            )
            await uow.orders.add(order)
        await uow.commit()
    async with uow:
        assert await uow.orders.codes_by_reference("PO-2", 5) == ["BCDFGHJ3", "BCDFGHJ2"]
        assert await uow.orders.codes_by_reference("PO-2", 1) == ["BCDFGHJ3"]
        assert await uow.orders.codes_by_reference("PO-1", 5) == ["BCDFGHJ1"]
        assert await uow.orders.codes_by_reference("po-1", 5) == ["BCDFGHJ1"]
        assert await uow.orders.codes_by_reference("заказ-7", 5) == ["BCDFGHJ4"]
        assert await uow.orders.codes_by_reference("PO-3", 5) == []
        assert await uow.orders.codes_by_reference("PO-", 5) == []


async def test_a_corrected_po_number_is_kept_found_by_its_new_value_and_written_in_the_history(uow: UnitOfWork) -> None:
    await placed(uow, reference="PO-1")
    async with uow:
        order = await uow.orders.get_by_code("BCDFGHJK")
        assert order is not None
        order.reference = "po-9"
        entry = HistoryEntry(NOW + timedelta(hours=1), "staff:7", order.status, order.status, "PO number PO-1 → po-9")
        await uow.orders.set_reference(order, entry)
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
        assert await uow.orders.codes_by_reference("PO-9", 5) == ["BCDFGHJK"]
        assert await uow.orders.codes_by_reference("PO-1", 5) == []
    assert loaded is not None and loaded.reference == "po-9" and loaded.status is OrderStatus.PLACED
    assert [(h.actor, h.reason) for h in loaded.history][-1] == ("staff:7", "PO number PO-1 → po-9")
