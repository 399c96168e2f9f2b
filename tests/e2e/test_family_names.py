"""A variant with no name of its own in the reader's language takes its family's before the shop's default
language's (en and ru): the demo's T-shirt in S / White, the one size without ``name_ru``, turned English
on the card, in search, in the cart and in the Mini App while its other sizes read Russian."""

from __future__ import annotations

import pytest

from bot.harness import DEMO_DATA, RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from tests.e2e.miniapp import miniapp, tma
from tests.e2e.variants import tshirts

NAME = {"en": "Organic cotton T-shirt", "ru": "Футболка из органического хлопка"}


async def _russian_sizes(shop: RunningBot) -> None:
    """The demo's T-shirts with its Russian file: every size named in Russian but the parent's own (S / White)."""
    await tshirts(shop)
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, (DEMO_DATA / "tshirts-ru.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_size_without_its_own_translation_is_named_as_its_family_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    name = NAME[language]
    vera = SandboxUser(shop.server, 983, "Вера", language_code=language)
    added = (await vera.send("/add TEE")).last.text
    assert f"{name} (S / White)" in added, added
    await vera.send("/add TEE-L-NVY")
    cart = (await vera.send("/cart")).last.text
    assert f"{name} (S / White)" in cart and cart.count(name) == 2, cart
    found = (await vera.send("cotton")).last
    assert name in found.text, found.text
    card = (await vera.send("/start p_TEE")).last
    assert name in card.text, card.text
    navy = (await vera.press(card, "Navy" if language == "en" else "Синий")).last
    assert name in navy.text, navy.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_mini_app_names_a_size_without_its_own_translation_as_its_family(
    shop: RunningBot, language: str
) -> None:
    await _russian_sizes(shop)
    headers = tma(shop, 984, language=language)
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/shop/products", params={"q": "TEE"}, headers=headers)).json()
        tee = found["products"][0]
        assert tee["name"].startswith(NAME[language]), tee
        page = await (await client.get(f"/app/api/shop/products/{tee['id']}", headers=headers)).json()
        assert page["name"].startswith(NAME[language]), page
