"""PaymentRepository.owing: the SQL that finds the orders owing back agrees with ``domain.owed_back``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.money import Money
from domain.orders import Order, OrderLine
from domain.owed_back import PAID_BACK, owed_back
from domain.payments import Payment, PaymentKind
from domain.ports import UnitOfWork
from domain.returns import ReturnKind, ReturnLine, ReturnMethod, ReturnReason, ReturnRequest
from tests.contracts.conftest import NOW, a_customer, a_product
from tests.contracts.orders import a_channels_order

K = PaymentKind


@dataclass(frozen=True)
class Case:
    """An order's payment rows (kind, minor units, method) and its returns' refunds (None: not resolved)."""

    name: str
    payments: list[tuple[PaymentKind, int, str]]
    refunds: list[int | None] = field(default_factory=list)
    currency: str = "EUR"
    fx_rate: str = "1"


# (the name says whether the order owes back; the test checks both implementations say so)
CASES = [
    Case("nothing recorded: owes nothing", []),
    Case("paid only: owes nothing", [(K.PAYMENT, 1000, "card")]),
    Case("a refund owed: owes", [(K.PAYMENT, 1000, "card"), (K.REFUND_OWED, 300, "edit")]),
    Case("a charge taken twice: owes", [(K.PAYMENT, 1000, "card"), (K.DUPLICATE, 1000, "card")]),
    Case("a goodwill refund: owes", [(K.PAYMENT, 1000, "card"), (K.GOODWILL, 200, "goodwill")]),
    Case(
        "a goodwill refund paid back here: owes nothing",
        [(K.PAYMENT, 1000, "card"), (K.GOODWILL, 200, "goodwill"), (K.REFUNDED, 200, PAID_BACK)],
    ),
    Case("owed and paid back here: owes nothing", [(K.REFUND_OWED, 300, "edit"), (K.REFUNDED, 300, PAID_BACK)]),
    Case(
        "several refunds owed, one paid back: owes",
        [(K.REFUND_OWED, 300, "edit"), (K.REFUND_OWED, 250, "cancel"), (K.REFUNDED, 300, PAID_BACK)],
    ),
    Case(
        "several refunds owed, all paid back in two goes: owes nothing",
        [
            (K.REFUND_OWED, 300, "edit"),
            (K.REFUND_OWED, 250, "x"),
            (K.REFUNDED, 500, PAID_BACK),
            (K.REFUNDED, 50, PAID_BACK),
        ],
    ),
    Case("paid back more than owed: owes nothing", [(K.REFUND_OWED, 300, "edit"), (K.REFUNDED, 400, PAID_BACK)]),
    Case("a return's refund only: owes nothing here", [(K.REFUND_OWED, 400, "return")], [400]),
    Case(
        "a return's refund confirmed on its /rma screen, another refund owed: owes",
        [(K.REFUND_OWED, 400, "return"), (K.REFUND_OWED, 250, "edit"), (K.REFUNDED, 400, "rma:RAAAAAAA")],
        [400],
    ),
    Case(
        "returns unresolved, or resolved at zero (an invoice taken down), take nothing off: owes",
        [(K.REFUND_OWED, 250, "edit")],
        [None, 0],
    ),
    Case(
        "two returns' refunds cover every refund owed: owes nothing",
        [(K.REFUND_OWED, 400, "return"), (K.REFUND_OWED, 100, "return")],
        [400, 100],
    ),
    Case(
        "in roubles at 100.50, two refunds of 444.72 owed, one paid back: owes",
        [
            (K.PAYMENT, 200000, "card"),
            (K.REFUND_OWED, 44472, "edit"),
            (K.REFUND_OWED, 44472, "edit"),
            (K.REFUNDED, 44472, PAID_BACK),
        ],
        currency="RUB",
        fx_rate="100.50",
    ),
    Case(
        "in roubles at 100.50, both paid back: owes nothing",
        [(K.REFUND_OWED, 44472, "edit"), (K.REFUND_OWED, 44472, "edit"), (K.REFUNDED, 88944, PAID_BACK)],
        currency="RUB",
        fx_rate="100.50",
    ),
    Case(
        "in yen, a return's refund and a charge taken twice: owes",
        [(K.PAYMENT, 5000, "card"), (K.DUPLICATE, 5000, "card"), (K.REFUND_OWED, 1200, "return")],
        [1200],
        currency="JPY",
        fx_rate="0.0053",
    ),
    Case(
        "in yen, a write-off is not owed back: owes nothing",
        [(K.PAYMENT, 5000, "card"), (K.WRITE_OFF, 900, "return")],
        currency="JPY",
    ),
]


async def _orders_of(uow: UnitOfWork) -> list[Order]:
    customer, mug = await a_customer(uow), await a_product(uow)
    made = []
    async with uow:
        for n, case in enumerate(CASES):
            line = OrderLine(mug, "MUG-1", "Mug", 1, Money(100000, case.currency))
            code = f"OWE{n:05d}"
            order = Order.place(
                code=code,
                customer_id=customer,
                currency=case.currency,
                fx_rate=case.fx_rate,
                lines=[line],
                now=NOW,
                actor="customer:1001",
            )
            await uow.orders.add(order)
            assert order.id is not None
            for kind, minor, method in case.payments:
                await uow.payments.add(Payment(order.id, kind, method, Money(minor, case.currency), NOW))
            for r, refund in enumerate(case.refunds):
                stored = await uow.orders.get_by_id(order.id)
                assert stored is not None
                back = [ReturnLine(stored.lines[0].id or 0, mug, "MUG-1", "Mug", 1, line.unit_price)]
                rma = f"R{n:03d}{r:04d}"
                why, how = ReturnReason.DAMAGED, ReturnMethod.DROP_OFF
                request = ReturnRequest(rma, order.id, customer, ReturnKind.REFUND, why, how, back, NOW)
                await uow.returns.add(request, NOW)
                request.refund = Money(refund, case.currency) if refund is not None else None
                await uow.returns.save(request, NOW)  # resolved: its refund is written as it is resolved
            made.append(order)
        await uow.commit()
    return made


async def test_owing_lists_exactly_the_orders_owed_back_finds_owing_oldest_first(sql: UnitOfWork) -> None:
    orders = await _orders_of(sql)
    async with sql.read_only():
        ids, total = await sql.payments.owing(0, 100)
        payments = await sql.payments.for_orders([o.id or 0 for o in orders])
        owed = {
            o.id: owed_back(o.currency, payments[o.id or 0], await sql.returns.for_order(o.id or 0)) for o in orders
        }
    by_rule = [o.id for o in orders if owed[o.id].amount > 0]
    assert ids == by_rule and total == len(by_rule)
    # each case's name says what both must find
    assert [case.name for case, o in zip(CASES, orders, strict=True) if o.id in ids] == [
        case.name for case in CASES if case.name.endswith(": owes")
    ]


async def test_owing_pages_through_the_same_orders_and_counts_them_all_on_every_page(sql: UnitOfWork) -> None:
    await _orders_of(sql)
    async with sql.read_only():
        every, total = await sql.payments.owing(0, 100)
        pages = [await sql.payments.owing(offset, 2) for offset in range(0, total + 2, 2)]
    assert [i for page, _ in pages for i in page] == every
    assert {count for _, count in pages} == {total}
    assert pages[-1] == ([], total)  # past the end: nothing, still the whole count


async def test_a_row_written_with_its_credit_note_reads_back_linked_to_it_and_others_to_none(sql: UnitOfWork) -> None:
    customer, mug = await a_customer(sql), await a_product(sql)
    async with sql:
        line = OrderLine(mug, "MUG-1", "Mug", 1, Money(1000, "EUR"))
        order = Order.place(code="LNKD0001", customer_id=customer, currency="EUR", lines=[line], now=NOW, actor="c")
        await sql.orders.add(order)
        order_id = order.id or 0
        first = await sql.credit_notes.issue(order_id, Money(150, "EUR"), "late delivery", NOW)
        second = await sql.credit_notes.issue(order_id, Money(40, "EUR"), "box dented", NOW)  # the same instant
        await sql.payments.add(Payment(order_id, K.PAYMENT, "card", Money(1000, "EUR"), NOW))
        await sql.payments.add(
            Payment(order_id, K.GOODWILL, "goodwill", Money(150, "EUR"), NOW, credit_note_id=first.id)
        )
        await sql.payments.add(
            Payment(order_id, K.GOODWILL, "goodwill", Money(40, "EUR"), NOW, credit_note_id=second.id)
        )
        await sql.commit()
    async with sql.read_only():
        rows = (await sql.payments.for_orders([order_id]))[order_id]
    assert [(p.amount.amount, p.credit_note_id) for p in rows] == [(1000, None), (150, first.id), (40, second.id)]


async def test_a_payment_recorded_is_a_change_of_its_order_as_a_channel_lists_changes(sql: UnitOfWork) -> None:
    """GET /api/v1/orders?changed_since= missed an invoice paid (its status unchanged): a payment moves the
    order's changed-at (``orders.updated_at``) forward in its transaction, never back."""
    order, key = await a_channels_order(sql)
    assert order.id is not None and key.id is not None
    later = NOW + timedelta(hours=2)
    async with sql.read_only():
        assert await sql.api.orders_placed(key.id, after=0, limit=5, changed_since=later) == []
    async with sql:
        assert await sql.payments.add(Payment(order.id, PaymentKind.PAYMENT, "invoice", Money(400, "EUR"), later))
        await sql.commit()
    async with sql:  # one recorded as of an earlier moment (a charge seen late) leaves it where it is
        assert await sql.payments.add(Payment(order.id, PaymentKind.PAYMENT, "card", Money(100, "EUR"), NOW))
        await sql.commit()
    async with sql.read_only():
        assert await sql.api.orders_placed(key.id, after=0, limit=5, changed_since=later) == [order.id]
        assert await sql.api.orders_placed(key.id, after=0, limit=5, changed_since=later + timedelta(seconds=1)) == []


async def test_a_payments_note_reads_back_as_written_and_one_without_reads_empty(sql: UnitOfWork) -> None:
    """/paid CODE 5 BACS 4471: the bank transfer's reference is kept with its payment, for /order to show."""
    customer, mug = await a_customer(sql), await a_product(sql)
    async with sql:
        line = OrderLine(mug, "MUG-1", "Mug", 1, Money(1000, "EUR"))
        order = Order.place(code="NOTE0001", customer_id=customer, currency="EUR", lines=[line], now=NOW, actor="c")
        await sql.orders.add(order)
        order_id = order.id or 0
        await sql.payments.add(Payment(order_id, K.PAYMENT, "invoice", Money(500, "EUR"), NOW, note="BACS ref Ж-4471"))
        await sql.payments.add(Payment(order_id, K.PAYMENT, "invoice", Money(500, "EUR"), NOW))
        await sql.commit()
    async with sql.read_only():
        rows = await sql.payments.for_order(order_id)
    assert [p.note for p in rows] == ["BACS ref Ж-4471", ""]
