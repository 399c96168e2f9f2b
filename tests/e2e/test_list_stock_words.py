"""A product list (search results, a category's page) says a sold-out product may still be
preordered or backordered, as its card does, in English and Russian; it said "out of stock" and
customers never opened the card that offered the preorder."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from sandbox import SandboxUser
from tests.e2e.conftest import hire

LISTED: dict[str, dict[str, str | tuple[str, str]]] = {
    "en": {
        "preorder": "• Moon Lamp (MOON-1) — £25.00 · preorder, released on 20 Dec 2026",
        "backorder": "• Moon Lamp Mini (MOON-2) — £15.00 · out of stock, can be ordered now",
        "sold out": "• Moon Lamp Max (MOON-3) — £35.00 · out of stock",
        "page": (
            "• Moon Lamp — £25.00 · preorder, released on 20 Dec 2026",
            "• Moon Lamp Max — £35.00 · out of stock",
        ),
    },
    "ru": {
        "preorder": "• Moon Lamp (MOON-1) — 25,00\xa0£ · предзаказ, выходит 20 дек. 2026\u202fг.",
        "backorder": "• Moon Lamp Mini (MOON-2) — 15,00\xa0£ · нет в наличии, можно заказать сейчас",
        "sold out": "• Moon Lamp Max (MOON-3) — 35,00\xa0£ · нет в наличии",
        "page": (
            "• Moon Lamp — 25,00\xa0£ · предзаказ, выходит 20 дек. 2026\u202fг.",
            "• Moon Lamp Max — 35,00\xa0£ · нет в наличии",
        ),
    },
}


async def _moon_lamps(shop: RunningBot) -> None:
    uow = shop.runtime.uow()
    async with uow:
        for sku, name, pence in (("MOON-1", "Moon Lamp", 2500), ("MOON-2", "Moon Lamp Mini", 1500)):
            await uow.products.upsert(Product(sku, name, "Lighting", {"GBP": Money(pence, "GBP")}))
        await uow.products.upsert(Product("MOON-3", "Moon Lamp Max", "Lighting", {"GBP": Money(3500, "GBP")}))
        await uow.commit()
    manager = await hire(shop, 94, "Max", "manager")
    await manager.send("/backorder MOON-1 preorder 2026-12-20")
    await manager.send("/backorder MOON-2 on 10")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_lists_name_a_preorder_and_a_backorder_not_out_of_stock(shop: RunningBot, language: str) -> None:
    words = LISTED[language]
    await _moon_lamps(shop)
    bob = SandboxUser(shop.server, 95, "Bob", language_code=language)
    found = (await bob.send("/search moon")).last.text.splitlines()
    assert all(words[kind] in found for kind in ("preorder", "backorder", "sold out"))

    catalog = await bob.send("/catalog")
    lighting = {"en": "Lighting", "ru": "Освещение"}[language]  # the demo's category_ru
    page = (await bob.press(catalog.last, lighting)).last.text.splitlines()
    assert all(line in page for line in words["page"])
