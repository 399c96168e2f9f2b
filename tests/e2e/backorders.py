"""Set-ups and readers of test_backorders that other test modules use too."""

from __future__ import annotations

from datetime import date

from bot.harness import RunningBot
from domain.money import Money
from domain.purchasing import PoLine, PoStatus, PurchaseOrder
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, stock

CANCELLING = {
    "en": (
        "Part of this order is waiting for stock",
        "⏳ Waiting for stock",
        "date not known yet",
        "✖ Cancel 3 ×",
        "Yes, I no longer want it",
        "Nothing of this order is waiting any more.",
    ),
    "ru": (
        "Часть заказа ждёт поставки",
        "⏳ Ждёт поставки",
        "дата пока неизвестна",
        "✖ Отменить 3 ×",
        "Да, больше не нужно",
        "Из этого заказа больше ничего не ждёт поставки.",
    ),
}


async def beyond_stock(shop: RunningBot, customer: SandboxUser, waiting: int) -> str:
    """The customer orders all of 85123A that is available and ``waiting`` more (pickup, cash)."""
    available = sum(on_hand - reserved for _, on_hand, reserved in await stock(shop, "85123A"))
    await add_to_cart(customer, "85123A", available + waiting)
    return order_code(await place_cod_order(customer, pickup=True))


async def approved_po(shop: RunningBot, sku: str, quantity: int, expected: date) -> int:
    """A purchase order sent (approved) to the supplier for LON, bringing ``quantity`` of ``sku`` by ``expected``."""
    uow = shop.runtime.uow()
    async with uow:
        product = await uow.products.get_by_sku(sku)
        warehouse = await uow.warehouses.get_by_code("LON")
        supplier = (await uow.purchasing.suppliers())[0]
        assert product and product.id and warehouse and warehouse.id and supplier.id
        po = PurchaseOrder(
            supplier.id,
            warehouse.id,
            "GBP",
            PoStatus.APPROVED,
            [PoLine(product.id, sku, quantity, Money(100, "GBP"))],
            shop.runtime.clock.now(),
            expected,
        )
        await uow.purchasing.add(po, "test")
        await uow.commit()
    assert po.id is not None
    return po.id
