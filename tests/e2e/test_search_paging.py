"""Search results are paged: the count shown is what the pages go through."""

from __future__ import annotations

import re

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from sandbox.server import BotMessage

WIDGETS = 27


async def add_widgets(running: RunningBot) -> None:
    rows = "".join(f"W-{i:02},Widget {i:02},Gadgets,1.50,GBP\n" for i in range(1, WIDGETS + 1))
    await import_products(running.runtime.uow(), running.runtime.clock, "sku,name,category,price,currency\n" + rows)


def skus(message: BotMessage) -> list[str]:
    return re.findall(r"\((W-\d+)\)", message.text)


async def test_all_27_matches_are_reachable_and_the_count_says_27(running: RunningBot) -> None:
    await add_widgets(running)
    alice = SandboxUser(running.server, 1911, "Alice")
    page = (await alice.send("/search widget")).last
    assert "27 products found · Page 1 of 5" in page.text
    seen = skus(page)
    while any("Next" in t for t in page.button_texts()):
        page = (await alice.press(page, "Next")).last
        seen += skus(page)
    assert "Page 5 of 5" in page.text and seen == [f"W-{i:02}" for i in range(1, WIDGETS + 1)]
    assert page.button_texts() == ["Widget 25", "Widget 26", "Widget 27", "◀ Previous"]
    back = (await alice.press(page, "Previous")).last
    assert "Page 4 of 5" in back.text and skus(back) == ["W-19", "W-20", "W-21", "W-22", "W-23", "W-24"]
    card = (await alice.press(back, "Widget 20")).last
    assert "SKU: W-20" in card.text


async def test_russian_paging_and_a_button_of_an_older_search(running: RunningBot) -> None:
    await add_widgets(running)
    boris = SandboxUser(running.server, 1912, "Борис", language_code="ru")
    first = (await boris.send("widget")).last
    assert "Найдено 27 товаров · Страница 1 из 5" in first.text
    second = (await boris.send("/search widget 2")).last  # Widget 20–27: two pages
    assert "Найдено 8 товаров · Страница 1 из 2" in second.text
    next_page = next(b for b in first.buttons() if "▶" in b["text"])  # the last row may ask a person
    older = await boris.press_data(first, next_page["callback_data"])
    assert older.callback_answer is not None
    assert older.callback_answer["text"] == "Этот поиск устарел. Поищите ещё раз."
    assert older.new == [] and older.edited == []
    turned = (await boris.press(second, "Далее")).last
    assert "Страница 2 из 2" in turned.text and skus(turned) == ["W-26", "W-27"]


async def test_a_page_past_the_end_shows_the_last_one(running: RunningBot) -> None:
    await add_widgets(running)
    alice = SandboxUser(running.server, 1913, "Alice")
    page = (await alice.send("/search widget")).last
    data = page.buttons()[-1]["callback_data"].replace(":1:", ":99:")
    late = (await alice.press_data(page, data)).last
    assert "Page 5 of 5" in late.text and skus(late) == ["W-25", "W-26", "W-27"]
