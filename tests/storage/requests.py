"""Checkout requests the storage tests place directly through the use case, and the orders they make."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, OrderLine, OrderStatus, PaymentMethod
from domain.payments import Payment, PaymentKind
from domain.picking import PickMethod
from domain.ports import UnitOfWork
from domain.usecases.checkout import CheckoutPolicy, CheckoutRequest, place_order
from domain.usecases.picking import start_round
from domain.warehouse import Warehouse
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

DELIVERED_PATH = (
    OrderStatus.PAID,
    OrderStatus.ALLOCATED,
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


def pickup_cash_on_delivery(customer_id: int, warehouse_id: int | None, currency: str = "EUR") -> CheckoutRequest:
    """The customer's cart, picked up at ``warehouse_id``, paid in cash, in ``currency``."""
    return CheckoutRequest(
        customer_id=customer_id,
        checkout_key=f"k{customer_id}",
        phone="+4930123456",
        delivery=Delivery(DeliveryMethod.PICKUP, pickup_warehouse_id=warehouse_id),
        shipping_rate_id=None,
        payment_method=PaymentMethod.COD,
        currency=currency,
        fallback_currency=currency,
    )


async def mugs_at_a_pickup_shop(uow: UnitOfWork, clock: FakeClock, quantity: int) -> tuple[Product, Warehouse]:
    """Inside an open unit of work: a €10 mug and a pickup shop W1 with ``quantity`` of it in a bin."""
    mug = Product(sku="MUG", name="Mug", category="C", prices={"EUR": Money(1000, "EUR")})
    product = await uow.products.upsert(mug)
    shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", latitude=52.0, longitude=13.0, is_pickup_point=True))
    await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", quantity, "count", "t", clock.now())
    return product, shop


async def mugs_ordered(
    sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    shop: Warehouse,
    mug: Product,
    telegram_id: int,
    units: int,
) -> Order:
    """A new customer's cart of ``units`` mugs, placed for pickup at ``shop``, cash on delivery."""
    async with (uow := SqlUnitOfWork(sessions)):
        customer = await uow.customers.add(Customer(telegram_id=telegram_id, first_name="C", created_at=clock.now()))
        await uow.carts.set(customer.id or 0, mug.id or 0, units, clock.now())
        await uow.commit()
    request = pickup_cash_on_delivery(customer.id or 0, shop.id)
    return await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)


async def a_depot_with(uow: UnitOfWork, clock: FakeClock, product: Product, quantity: int) -> Warehouse:
    """Inside an open unit of work: warehouse W2, farther off than W1, with ``quantity`` of ``product`` in B-01-01-1."""
    depot = await uow.warehouses.upsert(Warehouse("W2", "Depot", latitude=60.0, longitude=30.0))
    await uow.stock.set_bin_quantity(product.id or 0, depot.id or 0, "B-01-01-1", quantity, "count", "t", clock.now())
    return depot


async def in_a_pick_round(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, customer_id: int, shop: Warehouse, picker: int
) -> Order:
    """The customer's cart placed for pickup at ``shop``, cash on delivery; ``picker``'s single round on it."""
    request = pickup_cash_on_delivery(customer_id, shop.id)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
    return order


async def delivered_paid_by_card(
    work: UnitOfWork, clock: FakeClock, code: str, customer_id: int, lines: list[OrderLine]
) -> Order:
    """An order of ``lines`` placed, paid by card and delivered, written in ``work``'s open transaction (committed):
    read back, its lines with their ids."""
    order = Order.place(
        code=code,
        customer_id=customer_id,
        currency=lines[0].unit_price.currency,
        lines=lines,
        now=clock.now(),
        actor="test",
    )
    for status in DELIVERED_PATH:
        order.transition(status, now=clock.now(), actor="test")
    await work.orders.add(order)
    total = Money(sum(line.unit_price.amount * line.quantity for line in lines), order.currency)
    await work.payments.add(Payment(order.id or 0, PaymentKind.PAYMENT, "card", total, clock.now()))
    await work.commit()
    placed = await work.orders.get_by_code(code)
    assert placed is not None and placed.id is not None
    return placed
