"""Set-ups and readers of test_cart_100_lines that other test modules use too."""

from __future__ import annotations

from decimal import Decimal

from bot.harness import RunningBot
from domain.orders import MAX_ORDER_LINES
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser

SKUS = [f"W-{i:03d}" for i in range(MAX_ORDER_LINES + 1)]  # one more than a cart holds


LONG = " — organic cotton heavyweight garment-dyed relaxed fit" * 2


def price(i: int) -> Decimal:
    return Decimal("1.00") + Decimal(i) / 100


async def stocked(shop: RunningBot) -> None:
    rows = "".join(f"{sku},Wholesale tee {sku}{LONG},Tees,{price(i)},GBP\n" for i, sku in enumerate(SKUS))
    await import_products(shop.runtime.uow(), shop.runtime.clock, "sku,name,category,price,currency\n" + rows)
    stock = "".join(f"{sku},LON,A-01-01-1,50\n" for sku in SKUS)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,bin,quantity\n" + stock)


async def fill(bea: SandboxUser) -> None:
    """Every product a cart holds, one of each, added to ``bea``'s cart."""
    for sku in SKUS[:MAX_ORDER_LINES]:
        await bea.send(f"/add {sku}")


async def full_cart(shop: RunningBot, language: str) -> SandboxUser:
    """The catalog stocked, and Bea (in ``language``) with every product a cart holds in hers."""
    await stocked(shop)
    bea = SandboxUser(shop.server, 777, "Bea", language_code=language)
    await bea.send("/start")
    await fill(bea)
    return bea
