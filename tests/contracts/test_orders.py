"""OrderRepository: what the fake and SQL both promise (invoices numbered 1, 2, 3… in their own sequence,
gapless and unique under concurrent placements, beside the credit notes' sequence)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import IllegalTransition
from domain.issued_invoices import IssuedInvoice
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, HistoryEntry, Order, OrderLine, OrderStatus, PaymentMethod
from domain.ports import UnitOfWork
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_database
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.contracts.orders import placed


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


async def test_a_history_entry_keeps_the_amount_it_carries_and_one_without_reads_back_none(uow: UnitOfWork) -> None:
    """A goodwill refund's timeline entry carries what was given (``give_goodwill``), in the order's currency."""
    await placed(uow)
    async with uow:
        order = await uow.orders.get_by_code("BCDFGHJK")
        assert order is not None
        given = HistoryEntry(NOW, "staff:7", order.status, order.status, "goodwill: late", Money(250, "EUR"))
        await uow.orders.record_transition(order, given)
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_code("BCDFGHJK")
    assert loaded is not None
    assert [(h.reason, h.amount) for h in loaded.history] == [("placed", None), ("goodwill: late", Money(250, "EUR"))]


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


def _invoice_order(code: str, customer: int, mug: int) -> Order:
    line = OrderLine(mug, "MUG-1", "Mug", 2, Money(500, "EUR"))
    return Order.place(
        code=code, customer_id=customer, currency="EUR", lines=[line], now=NOW, actor="customer:1001",
        payment_method=PaymentMethod.INVOICE,
    )  # fmt: skip


async def _place(uow: UnitOfWork, order: Order, commit: bool = True) -> int:
    """A placement on account: the order added, its invoice numbered, one transaction (kept if ``commit``)."""
    async with uow:
        await uow.orders.add(order)
        number = await uow.orders.number_invoice(order.id or 0)
        if commit:
            await uow.commit()
    return number


async def test_invoices_take_the_next_number_and_read_back_with_their_order(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    assert await _place(uow, _invoice_order("BCDFGHJK", customer, mug)) == 1
    assert await _place(uow, _invoice_order("BCDFGHJL", customer, mug)) == 2
    async with uow:
        first, second = await uow.orders.get_by_code("BCDFGHJK"), await uow.orders.get_by_code("BCDFGHJL")
    assert first is not None and second is not None
    assert (first.invoice_number, first.invoice_label) == (1, "INV-000001")
    assert (second.invoice_number, second.invoice_label) == (2, "INV-000002")


async def test_an_order_is_found_by_its_invoice_number_and_no_other(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    await _place(uow, _invoice_order("BCDFGHJK", customer, mug))
    await _place(uow, _invoice_order("BCDFGHJL", customer, mug))
    async with uow:
        second, none = await uow.orders.get_by_invoice_number(2), await uow.orders.get_by_invoice_number(3)
    assert second is not None and (second.code, second.invoice_label) == ("BCDFGHJL", "INV-000002")
    assert none is None


async def test_a_placement_rolled_back_gives_its_invoice_number_back(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    numbers = [await _place(uow, _invoice_order(f"BCDFGHJ{c}", customer, mug), commit=c != "L") for c in "KLMN"]
    assert numbers == [1, 2, 2, 3]
    async with uow:
        kept = [await uow.orders.get_by_code(f"BCDFGHJ{c}") for c in "KLMN"]
    assert [o.invoice_number if o else None for o in kept] == [1, None, 2, 3]


async def test_invoices_and_credit_notes_count_apart(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    order = _invoice_order("BCDFGHJK", customer, mug)
    async with uow:
        await uow.orders.add(order)
        note = await uow.credit_notes.issue(order.id or 0, Money(100, "EUR"), "late", NOW)
        await uow.commit()
    assert note.number == 1
    assert await _place(uow, _invoice_order("BCDFGHJL", customer, mug)) == 1


@pytest.mark.parametrize("placements", [12])
async def test_concurrent_placements_get_gapless_unique_invoice_numbers(sql_url: str, placements: int) -> None:
    """Each placement its own transaction, all at once: every third rolls back. Those committed hold
    1…n, once each, on SQLite (its writers take turns) and PostgreSQL (the counter's row lock)."""
    engine = await empty_database(sql_url)
    try:
        setup = SqlUnitOfWork(session_factory(engine))
        customer, mug = await a_customer(setup), await a_product(setup)

        async def place(i: int) -> int | None:
            uow = SqlUnitOfWork(session_factory(engine))
            async with uow:
                order = _invoice_order(f"CONC{i:04d}", customer, mug)
                await uow.orders.add(order)
                number = await uow.orders.number_invoice(order.id or 0)
                await asyncio.sleep(0.01)  # held open while the others queue for the number
                if i % 3 == 2:
                    return None  # left uncommitted: rolled back
                await uow.commit()
                return number

        numbers = [n for n in await asyncio.gather(*(place(i) for i in range(placements))) if n is not None]
        uow = SqlUnitOfWork(session_factory(engine))
        async with uow:
            orders = [await uow.orders.get_by_code(f"CONC{i:04d}") for i in range(placements)]
    finally:
        await engine.dispose()
    stored = sorted(o.invoice_number or 0 for o in orders if o is not None)
    committed = placements - placements // 3
    assert sorted(numbers) == stored == list(range(1, committed + 1))


async def test_an_issued_invoice_reads_back_as_kept_whatever_its_order_becomes(uow: UnitOfWork) -> None:
    customer, mug = await a_customer(uow), await a_product(uow)
    order = replace(
        _invoice_order("BCDFGHJK", customer, mug),
        shipping=Money(350, "EUR"),
        discounts=(("Winter", 100),),
        tax_rate="20",
        invoice_due=NOW.date() + timedelta(days=14),
    )
    order.lines[0] = replace(order.lines[0], discount_minor=100, names={"ru": "Кружка"})
    async with uow:
        await uow.orders.add(order)
        order.invoice_number = await uow.orders.number_invoice(order.id or 0)
        issued = IssuedInvoice.of(order, "Corp «Ёлка»", "", NOW)
        await uow.orders.keep_invoice(issued)
        await uow.commit()
    async with uow:
        kept, none = await uow.orders.issued_invoice(order.id or 0), await uow.orders.issued_invoice(-1)
    assert kept == issued and none is None
    assert (kept.total, kept.tax, kept.buyer_tax_number) == (Money(1250, "EUR"), Money(208, "EUR"), "")
    assert kept.printed(order, "ru").lines[0].name == "Кружка"


async def test_a_restated_routing_reads_back_and_changes_nothing_else_of_the_order(uow: UnitOfWork) -> None:
    order = await placed(uow, routing=["MAN", "MAN can ship every line"])
    assert order.id is not None
    async with uow:
        await uow.orders.set_routing(order.id, ["MAN", "LON", "split: LON ships 2, MAN ships 5"])
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get_by_id(order.id)
    assert loaded is not None and loaded.routing == ["MAN", "LON", "split: LON ships 2, MAN ships 5"]
    unchanged = replace(loaded, routing=order.routing, lines=[replace(line, id=None) for line in loaded.lines])
    assert unchanged == replace(order, shipping=Money(0, "EUR"))
