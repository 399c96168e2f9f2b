"""A Buy now shop for storage tests: one product (€10, 300 g) in one Berlin warehouse, one
carrier rate (€5, local) and some customers; the pieces a payment names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.catalog import Product
from domain.customers import Customer
from domain.money import Money
from domain.shipping import CarrierRate, Zone
from domain.usecases.buynow import BuyNowPayment, ShippingAddress, buy_payload
from domain.usecases.checkout import CheckoutPolicy
from domain.warehouse import Warehouse
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeClock

STAFF_CHAT = -100500
POLICY = CheckoutPolicy(card_payments=True, staff_chat_id=STAFF_CHAT)
BERLIN = ShippingAddress("DE", city="Berlin", street_line1="2 Side St")


@dataclass(frozen=True, slots=True)
class BuyNowShop:
    product: Product
    option: str  # the carrier rate's id, as Telegram's form returns the chosen option
    buyers: list[Customer]

    def payment(self, buyer: Customer, charge: str) -> BuyNowPayment:
        """One unit paid €15 (goods and delivery) by ``buyer``, charge id ``charge``."""
        payload = buy_payload(self.product.id or 0, "EUR")
        return BuyNowPayment(buyer.id or 0, payload, 1500, "EUR", self.option, BERLIN, charge, None)


async def buy_now_shop(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, *, units: int, buyers: int
) -> BuyNowShop:
    uow = SqlUnitOfWork(sessions)
    async with uow:
        product = await uow.products.upsert(
            Product(sku="NOW", name="Now", category="C", prices={"EUR": Money(1000, "EUR")}, weight_g=300)
        )
        shop = await uow.warehouses.upsert(Warehouse("W1", "Shop", "1 Main St, Berlin", 52.5, 13.4))
        await uow.stock.set_bin_quantity(product.id or 0, shop.id or 0, "A-01-01-1", units, "count", "t", clock.now())
        rate = CarrierRate("DHL", "Paket", Zone.LOCAL, Money(500, "EUR"), Money(0, "EUR"), 1, 23, 20000)
        await uow.carriers.replace_all([rate])
        customers = [
            await uow.customers.add(Customer(telegram_id=20_000 + i, first_name=f"B{i}", created_at=clock.now()))
            for i in range(buyers)
        ]
        await uow.commit()
        option = str((await uow.carriers.all())[0].id)
    return BuyNowShop(product, option, customers)
