"""A cash order is worth what its customer pays: its total less the parts they gave up, delivered or not and
whatever its payment rows say — the same in /top customers, the customer card and /report, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.backorders import Backorder, BackorderStatus
from domain.catalog import Product
from domain.customers import Customer, Role, StaffMember
from domain.money import Money
from domain.orders import Order, OrderLine, OrderStatus, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.usecases.backorder_fill import not_collected
from domain.usecases.insight import customer_profile, top_customers
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MANAGER = 9001


def _shop(engine: AsyncEngine) -> SqlUnitOfWork:
    uow = SqlUnitOfWork(session_factory(engine))
    uow.base_currency = "GBP"
    return uow


async def _mugs(uow: SqlUnitOfWork) -> Product:
    """A manager to ask, and mugs at £1.00."""
    await uow.staff.put(StaffMember(MANAGER, Role.MANAGER))
    return await uow.products.upsert(Product(sku="MUG", name="Mug", category="C", prices={"GBP": Money(100, "GBP")}))


async def _cash_order(
    uow: SqlUnitOfWork, telegram_id: int, product: Product, *, gave_up: int = 0, paid: int = 0, status: OrderStatus
) -> int:
    """A customer's cash order of 5 mugs at £1.00 less £0.50 off the line (£4.50; 90p a mug), ``gave_up`` of
    them given up waiting, ``paid`` recorded as cash collected."""
    customer = await uow.customers.add(Customer(telegram_id=telegram_id, first_name=f"C{telegram_id}", created_at=NOW))
    line = OrderLine(product.id or 0, product.sku, product.name, 5, Money(100, "GBP"), discount_minor=50)
    order = Order.place(
        code=f"C{telegram_id}",
        customer_id=customer.id or 0,
        currency="GBP",
        lines=[line],
        now=NOW,
        actor="t",
        payment_method=PaymentMethod.COD,
        status=status,
    )
    order = await uow.orders.add(order)
    if gave_up:
        gone = BackorderStatus.CANCELLED
        await uow.backorders.add(
            Backorder(order.id or 0, product.id or 0, customer.id or 0, 0, NOW, cancelled=gave_up, status=gone)
        )
    if paid:
        await uow.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "cod", Money(paid, "GBP"), NOW))
    return customer.id or 0


# telegram id → (gave up, cash recorded, status, what the customer pays)
CASES = {
    # not delivered yet: the courier will ask for 3 mugs of 5 (£2.70), not the whole £4.50
    7001: (2, 0, OrderStatus.SHIPPED, 270),
    # delivered: the courier collected the rest, £3.60, and nothing was given up: a payment row below the
    # total (£1.50 paid at the counter before, recorded in part) is no part given up
    7002: (0, 150, OrderStatus.DELIVERED, 450),
    # handed over at the counter before the counter took given-up parts off: recorded paid in full, yet the
    # customer paid for the 4 mugs they took (£3.60)
    7003: (1, 450, OrderStatus.COMPLETED, 360),
    # delivered, recorded as the courier collects it now: £3.60
    7004: (1, 360, OrderStatus.DELIVERED, 360),
}


@pytest.mark.parametrize("foreign_rate", [False, True], ids=["base-only", "with-a-foreign-rate"])
async def test_a_cash_order_is_worth_its_total_less_the_parts_given_up_on_the_card_and_in_top_customers(
    engine: AsyncEngine, foreign_rate: bool
) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    uow.base_currency = "GBP"
    clock = FakeClock(NOW + timedelta(days=1))
    async with uow:
        await uow.staff.put(StaffMember(MANAGER, Role.MANAGER))
        product = await uow.products.upsert(
            Product(sku="MUG", name="Mug", category="C", prices={"GBP": Money(100, "GBP")})
        )
        ids = {
            tid: await _cash_order(uow, tid, product, gave_up=gone, paid=paid, status=status)
            for tid, (gone, paid, status, _) in CASES.items()
        }
        await uow.commit()
    if foreign_rate:  # the ranking reads each order's worth exactly (``_worth_in_base``)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO fx_rates (base, quote, rate, set_at, set_by) VALUES ('GBP', 'USD', '1.25', :at, 't')"
                ),
                {"at": NOW},
            )
    ranked = await top_customers(uow, staff_id=MANAGER, limit=10)
    cards = {tid: await customer_profile(uow, clock, staff_id=MANAGER, reference=str(tid)) for tid in CASES}

    expected = {ids[tid]: pays for tid, (_, _, _, pays) in CASES.items()}
    assert {r.customer.id: r.value.amount for r in ranked} == expected
    assert [r.value.amount for r in ranked] == sorted(expected.values(), reverse=True)
    assert {ids[tid]: card.lifetime_value[0].amount for tid, card in cards.items()} == expected


async def test_the_report_takes_the_parts_given_up_of_cash_orders_off_its_net_delivered_or_not(
    engine: AsyncEngine,
) -> None:
    uow = _shop(engine)
    async with uow:
        product = await _mugs(uow)
        for tid, (gone, paid, status, _) in CASES.items():
            await _cash_order(uow, tid, product, gave_up=gone, paid=paid, status=status)
        await uow.commit()
    async with uow.read_only():
        figures = await uow.jobs.refunded_figures(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    # 2 mugs (£1.80) of the order not delivered yet, 1 (90p) of each delivered one: never collected
    assert sorted((f.amount, f.uncollected) for f in figures) == [(90, True), (90, True), (180, True)]


async def test_units_given_up_are_taken_from_the_orders_lines_of_their_product_in_turn_as_the_courier_takes_them(
    engine: AsyncEngine,
) -> None:
    uow = _shop(engine)
    async with uow:
        product = await _mugs(uow)
        customer = await uow.customers.add(Customer(telegram_id=7101, first_name="C", created_at=NOW))
        lines = [  # 2 mugs at £1.00, then 3 with 30p off (£2.70, 90p a mug)
            OrderLine(product.id or 0, "MUG", "Mug", 2, Money(100, "GBP")),
            OrderLine(product.id or 0, "MUG", "Mug", 3, Money(100, "GBP"), discount_minor=30),
        ]
        order = await uow.orders.add(
            Order.place(
                code="C7101",
                customer_id=customer.id or 0,
                currency="GBP",
                lines=lines,
                now=NOW,
                actor="t",
                payment_method=PaymentMethod.COD,
                status=OrderStatus.SHIPPED,
            )
        )
        for units in (1, 2):  # given up in two goes
            part = Backorder(order.id or 0, product.id or 0, customer.id or 0, 0, NOW, cancelled=units)
            part.status = BackorderStatus.CANCELLED
            await uow.backorders.add(part)
        await uow.commit()
    card = await customer_profile(uow, FakeClock(NOW), staff_id=MANAGER, reference="7101")
    # the 2 at £1.00, then 1 of the 3 (90p): £2.90 of £4.70 never asked for
    assert not_collected(order, {product.id or 0: 3}) == Money(290, "GBP")
    assert card.lifetime_value == [Money(180, "GBP")]
