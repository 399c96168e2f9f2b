"""Checkout requests the storage tests place directly through the use case, and the orders they make."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.catalog import Product
from domain.money import Money
from domain.orders import Delivery, DeliveryMethod, Order, PaymentMethod
from domain.picking import PickMethod
from domain.ports import UnitOfWork
from domain.usecases.checkout import CheckoutPolicy, CheckoutRequest, place_order
from domain.usecases.picking import start_round
from domain.warehouse import Warehouse
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock


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


async def in_a_pick_round(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, customer_id: int, shop: Warehouse, picker: int
) -> Order:
    """The customer's cart placed for pickup at ``shop``, cash on delivery; ``picker``'s single round on it."""
    request = pickup_cash_on_delivery(customer_id, shop.id)
    order = await place_order(SqlUnitOfWork(sessions), clock, CheckoutPolicy(), request)
    await start_round(SqlUnitOfWork(sessions), clock, staff_id=picker, method=PickMethod.SINGLE)
    return order
