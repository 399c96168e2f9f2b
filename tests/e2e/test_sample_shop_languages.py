"""The sample shop (``ordergram sample``, the demo's catalog) in both its languages: a Russian customer browses,
reads and searches it in Russian, in chat and in the Mini App; an English one reads the shop's English."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import breadcrumb, down
from tests.e2e.miniapp import miniapp, tma

CUSTOMER = 1991
JAM = "22961"  # Jam Making Set Printed, in Kitchen: in stock, no photo
JAM_RU = "Набор для варенья с рисунком"
JAM_EN = "Jam Making Set Printed"
BAGS = {"85099B", "22386", "23203", "20725", "22355", "20724", "85099F", "23199"}
CANDLES = {"85123A", "22178", "84946", "84755"}
LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize(
    ("language", "catalog", "kitchen", "jam", "described"),
    [
        ("en", "Catalog", "Kitchen", JAM_EN, "A best seller of a UK gift shop"),
        ("ru", "Каталог", "Кухня", JAM_RU, "Хит продаж британского магазина подарков"),
    ],
)
async def test_a_customer_browses_the_sample_shop_in_their_language_from_the_categories_to_the_card(
    running: RunningBot, language: str, catalog: str, kitchen: str, jam: str, described: str
) -> None:
    customer = SandboxUser(running.server, CUSTOMER, "Cat", language_code=language)
    shelf = await down(customer, (await customer.send("/catalog")).last, kitchen)
    assert breadcrumb(shelf) == f"{catalog} › {kitchen}"
    while not any(t.startswith(jam) for t in shelf.button_texts()):
        shelf = (await customer.press(shelf, "▶")).last
    card = (await customer.press(shelf, jam)).last
    assert card.text.startswith(f"{jam}\n") and f"{jam}. {described}" in card.text


async def test_a_russian_customer_reads_no_english_name_in_the_sample_shops_catalog(running: RunningBot) -> None:
    boris = SandboxUser(running.server, CUSTOMER + 1, "Борис", language_code="ru")
    top = (await boris.send("/catalog")).last
    named = [t.rsplit(" (", 1)[0] for t in top.button_texts() if t.endswith(")")]
    assert named and not [name for name in named if LATIN.search(name)], named
    bags = (await boris.press(top, "Сумки (7)")).last
    assert breadcrumb(bags) == "Каталог › Сумки" and "Jumbo" not in bags.text
    assert "Большая сумка «Клубника»" in bags.text or "Большая сумка «Клубника»" in " ".join(bags.button_texts())


@pytest.mark.parametrize(
    ("typed", "found", "count"),
    [("сумка", BAGS, "Найдено 8 товаров"), ("подсвечники", CANDLES, "Найдено 4 товара"), ("heart", {"85123A"}, "")],
)
async def test_a_russian_customer_finds_the_sample_shops_products_by_a_russian_word(
    running: RunningBot, typed: str, found: set[str], count: str
) -> None:
    """A word as written («сумка»), another form of it («подсвечники»); the shop's English still finds, named in
    Russian."""
    boris = SandboxUser(running.server, CUSTOMER + 2, "Борис", language_code="ru")
    listed = (await boris.send(typed)).last.text
    assert count in listed and "(85123A)" in listed if "85123A" in found else count in listed, listed
    lines = [line for line in listed.splitlines() if line.startswith("• ")]
    assert lines and not [line for line in lines if LATIN.search(line.split(" (")[0])], listed
    headers = tma(running, CUSTOMER + 2, language="ru")
    async with miniapp(running) as client:
        page = await (await client.get("/app/api/shop/products", params={"q": typed}, headers=headers)).json()
    assert found <= {p["sku"] for p in page["products"]}
    assert not [p["name"] for p in page["products"] if LATIN.search(p["name"])]


@pytest.mark.parametrize(
    ("language", "lighting", "jam", "described"),
    [
        ("en", "Lighting", JAM_EN, "A best seller of a UK gift shop"),
        ("ru", "Освещение", JAM_RU, "Хит продаж британского магазина подарков"),
    ],
)
async def test_the_mini_app_shows_the_sample_shop_in_the_customers_language(
    running: RunningBot, language: str, lighting: str, jam: str, described: str
) -> None:
    headers = tma(running, CUSTOMER + 3, language=language)
    async with miniapp(running) as client:
        categories = await (await client.get("/app/api/shop/categories", headers=headers)).json()
        shelf_id = next(c["id"] for c in categories if c["name"] == lighting)
        shelf = await (
            await client.get("/app/api/shop/products", params={"category": shelf_id}, headers=headers)
        ).json()
        found = await (await client.get("/app/api/shop/products", params={"q": JAM}, headers=headers)).json()
        listed = next(p for p in found["products"] if p["sku"] == JAM)
        page = await (await client.get(f"/app/api/shop/products/{listed['id']}", headers=headers)).json()
    assert [c["name"] for c in shelf["trail"]] == [lighting]
    if language == "ru":
        assert not [c["name"] for c in categories if LATIN.search(c["name"])]
        assert "Белый подвесной подсвечник «Сердце»" in {p["name"] for p in shelf["products"]}
    assert listed["name"] == page["name"] == jam and page["description"].startswith(f"{jam}. {described}")
