"""Set-ups and readers of test_backorders that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
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
