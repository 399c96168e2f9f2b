"""A mistyped search ("jumpr", «свитр») finds what was meant, and says what it searched instead."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from tests.e2e.conftest import staff_shop
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

PRODUCTS = (
    "sku,name,name_ru,category,price,currency\n"
    "JUMPER,Wool jumper,Свитер шерстяной,Knitwear,40.00,GBP\n"
    "LANTERN,Paper lantern,Фонарик бумажный,Decor,6.00,GBP\n"
    "TEE,T-shirt,Футболка,Knitwear,12.00,GBP\n"
)


async def add_products(running: RunningBot) -> None:
    await import_products(running.runtime.uow(), running.runtime.clock, PRODUCTS)


@pytest.mark.parametrize(
    ("typed", "said", "sku"),
    [
        ("jumpr", "No results for “jumpr”. Showing results for “jumper”.", "JUMPER"),
        ("lantren", "No results for “lantren”. Showing results for “lantern”.", "LANTERN"),
        ("tshirt", "No results for “tshirt”. Showing results for “t-shirt”.", "TEE"),
    ],
)
async def test_a_mistyped_chat_search_shows_the_corrected_words_results_and_says_so(
    running: RunningBot, typed: str, said: str, sku: str
) -> None:
    await add_products(running)
    alice = SandboxUser(running.server, 1931, "Alice")
    found = (await alice.send(f"/search {typed}")).last
    assert said in found.text and "1 product found" in found.text and f"({sku})" in found.text


async def test_a_mistyped_russian_search_says_so_in_russian(running: RunningBot) -> None:
    await add_products(running)
    boris = SandboxUser(running.server, 1932, "Борис", language_code="ru")
    found = (await boris.send("свитр")).last
    assert "Ничего не нашлось по запросу «свитр». Показаны результаты по запросу «свитер»." in found.text
    assert "Найден 1 товар" in found.text and "(JUMPER)" in found.text


async def test_a_search_found_as_typed_or_too_short_to_guess_is_not_corrected(running: RunningBot) -> None:
    await add_products(running)
    alice = SandboxUser(running.server, 1933, "Alice")
    exact = (await alice.send("/search jumper")).last
    assert "(JUMPER)" in exact.text and "Showing results for" not in exact.text
    short = (await alice.send("/search jmp")).last  # three letters are not guessed
    assert "Nothing found for “jmp”" in short.text


@pytest.mark.parametrize(
    ("language", "typed", "sku", "found_line"),
    [
        ("en", "jumpers", "JUMPER", "1 product found"),
        ("en", "lanterns", "LANTERN", "1 product found"),
        ("ru", "свитера", "JUMPER", "Найден 1 товар"),
        ("ru", "фонарики", "LANTERN", "Найден 1 товар"),
    ],
)
async def test_another_form_of_a_word_finds_its_products_without_saying_it_was_mistyped(
    running: RunningBot, language: str, typed: str, sku: str, found_line: str
) -> None:
    await add_products(running)
    alice = SandboxUser(running.server, 1937, "Alice", language_code=language)
    found = (await alice.send(f"/search {typed}")).last
    assert f"({sku})" in found.text and found_line in found.text
    assert "Showing results for" not in found.text and "Показаны результаты" not in found.text


async def test_the_typed_text_is_shown_escaped_and_shortened(running: RunningBot) -> None:
    await add_products(running)
    alice = SandboxUser(running.server, 1934, "Alice")
    typed = "wool jumpr" + " & <>" * 8  # 50 characters, two of them words
    found = (await alice.send(f"/search {typed}")).last
    assert found.text.startswith("No results for “wool jumpr & <> & <>") and "…”. Showing results for" in found.text
    assert "Showing results for “wool jumper & <> &" in found.text
    assert "(JUMPER)" in found.text


URL = "https://shop.test"


@pytest.fixture
async def shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, webapp_url=URL) as bot:
        await add_products(bot)
        yield bot


@pytest.mark.parametrize(
    ("language", "typed", "corrected", "name", "said"),
    [
        ("en", "lantren", "lantern", "Paper lantern", "No results for “{text}”. Showing results for “{corrected}”."),
        (
            "ru",
            "фанарик",
            "фонарик",
            "Фонарик бумажный",
            "Ничего не нашлось по запросу «{text}». Показаны результаты по запросу «{corrected}».",
        ),
    ],
)
async def test_a_mistyped_mini_app_search_lists_the_corrected_words_products_and_names_them(
    shop: RunningBot, language: str, typed: str, corrected: str, name: str, said: str
) -> None:
    headers = tma(shop, 1935, language=language)
    async with miniapp(shop) as client:
        found = await (await client.get("/app/api/shop/products", params={"q": typed}, headers=headers)).json()
        me = await (await client.get("/app/api/me", headers=headers)).json()
        exact = await (await client.get("/app/api/shop/products", params={"q": corrected}, headers=headers)).json()
    assert [p["name"] for p in found["products"]] == [name] and found["total"] == 1 and found["pages"] == 1
    assert found["corrected"] == corrected and me["strings"]["corrected"] == said
    assert "corrected" not in exact and exact["products"] == found["products"]


async def test_a_corrected_search_counts_and_pages_what_its_pages_go_through(running: RunningBot) -> None:
    rows = "".join(f"W-{i:02},Widget {i:02},Gadgets,1.50,GBP\n" for i in range(1, 28))
    await import_products(running.runtime.uow(), running.runtime.clock, "sku,name,category,price,currency\n" + rows)
    alice = SandboxUser(running.server, 1936, "Alice")
    first = (await alice.send("/search widgte")).last
    assert "Showing results for “widget”." in first.text and "27 products found · Page 1 of 5" in first.text
    second = (await alice.press(first, "Next")).last
    assert "Showing results for “widget”." in second.text and "Page 2 of 5" in second.text
    assert "(W-07)" in second.text and "(W-06)" not in second.text
