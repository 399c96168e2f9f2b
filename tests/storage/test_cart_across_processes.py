"""A cart and the checkout's review served by one process show a price or status another
process just changed: the customer confirms the total the order will charge."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import ProductStatus
from domain.money import Money
from domain.ports import SystemClock
from domain.usecases.cart import set_cart_quantity, view_cart
from domain.usecases.catalog_admin import set_status
from domain.usecases.checkout import CheckoutPolicy
from domain.usecases.checkout_options import shipping_options
from domain.usecases.customers import ensure_customer
from domain.usecases.imports.lists import import_carriers, import_warehouses
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.staff import make_admins
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

PRODUCTS = "sku,name,category,price,currency\nA1,Mug,Kitchen,4.50,GBP\n"
WAREHOUSES = "code,name,address,latitude,longitude,pickup_point\nLON,London,1 Road,51.5,-0.1,false\n"
CARRIERS = (
    "carrier,service,zone,base_price,per_kg,currency,transit_days,cutoff_hour,max_weight_g\n"
    "Royal Mail,Tracked 48,local,3.20,0.50,GBP,2,16,20000\n"
)


async def test_a_cart_and_its_review_show_a_price_and_status_another_process_just_changed(engine: AsyncEngine) -> None:
    clock = FakeClock()
    there = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))  # the process serving the customer
    here = SqlUnitOfWork(session_factory(engine, base_currency="GBP"))  # another process, its own read cache
    await import_warehouses(there, WAREHOUSES)
    await import_products(there, SystemClock(), PRODUCTS)
    await import_stock(there, clock, "sku,warehouse,bin,quantity\nA1,LON,A-01-01-1,7\n")
    await import_carriers(there, CARRIERS)
    await make_admins(here, [1])
    shopper = await ensure_customer(there, clock, telegram_id=91, first_name="Ann")
    assert shopper.id is not None
    await set_cart_quantity(there, clock, customer_id=shopper.id, product_id=1, quantity=2, hold_minutes=30)
    cart = await view_cart(there, clock, customer_id=shopper.id, currency="GBP", fallback_currency="GBP")
    assert [line.unit_price for line in cart.lines] == [Money(450, "GBP")]  # the catalog is in its cache now

    async with engine.begin() as connection:  # the other process raises the price
        await connection.execute(text("UPDATE product_prices SET amount_minor = 900"))

    cart = await view_cart(there, clock, customer_id=shopper.id, currency="GBP", fallback_currency="GBP")
    assert [line.unit_price for line in cart.lines] == [Money(900, "GBP")]
    review = await shipping_options(
        there, clock, CheckoutPolicy(), customer_id=shopper.id, point=None, currency="GBP", fallback_currency="GBP"
    )
    assert [line.unit_price for line in review.cart.lines] == [Money(900, "GBP")]

    await set_status(here, clock, product_id=1, status=ProductStatus.DISCONTINUED, staff_id=1)

    cart = await view_cart(there, clock, customer_id=shopper.id, currency="GBP", fallback_currency="GBP")
    assert cart.lines == [] and cart.discontinued == ("Mug",)
