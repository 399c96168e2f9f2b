"""/import refuses a file with a quote left open saying that, once, on its line, and an unknown kind naming it
(en/ru); nothing is imported."""

from __future__ import annotations

from typing import Any

import pytest

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import count

# A cell opened with a quote on line 5 and never closed: the csv module reads the rest of the file into it.
UNCLOSED = (
    "sku,name,category,price,currency\n"
    "OK-1,Lamp,Kitchen,1.00,GBP\nOK-2,Mug,Kitchen,1.00,GBP\nOK-3,Jug,Kitchen,1.00,GBP\n"
    '"BAD-4,unterminated,Kitchen,1.00,GBP\nOK-5,Cup,Kitchen,1.00,GBP\n'
)
SAID: dict[str, dict[str, Any]] = {
    "en": {
        "rejected": [
            "Nothing was imported: 1 row has problems.",
            'products.csv:5: the quote (") opened on line 5 is not closed: close it, or write a quote inside a cell'
            ' as two ("")',
        ],
        "stock": 'stock.csv:3: the quote (") opened on line 3 is not closed',
        "unknown": "There is no import of “{kind}”. Kinds: warehouses, products, stock, carriers, boxes, suppliers,"
        " reorder, demand, customers, prices.",
    },
    "ru": {
        "rejected": [
            "Ничего не загружено: ошибки в 1 строке.",
            'products.csv:5: кавычка ("), открытая в строке 5, не закрыта: закройте её или запишите кавычку внутри'
            ' ячейки двумя ("")',
        ],
        "stock": 'stock.csv:3: кавычка ("), открытая в строке 3, не закрыта',
        "unknown": "Загрузки «{kind}» нет. Виды: warehouses, products, stock, carriers, boxes, suppliers, reorder,"
        " demand, customers, prices.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_quote_left_open_is_said_once_on_the_line_it_opened_and_nothing_is_imported(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    manager = await hire(shop, 811, "Mia", "manager", language=language)
    before = await count(shop, m.ProductRow)
    reply = await manager.send_document(UNCLOSED.encode(), "products.csv", caption="/import products")
    assert reply.last.text.splitlines() == said["rejected"]
    assert await count(shop, m.ProductRow) == before
    stock = 'sku,warehouse,bin,quantity\n22197,LON,,3\n22197,LON,"A-01,4\n22197,LON,,5\n'
    reply = await manager.send_document(stock.encode(), "stock.csv", caption="/import")  # the same rule, any kind
    assert len(reply.last.text.splitlines()) == 2 and reply.last.text.splitlines()[1].startswith(said["stock"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_unknown_import_kind_is_named_with_the_kinds_there_are(shop: RunningBot, language: str) -> None:
    said = SAID[language]
    manager = await hire(shop, 812, "Mia", "manager", language=language)
    reply = await manager.send_document(UNCLOSED.encode(), "products.csv", caption="/import bananas")
    assert reply.last.text == said["unknown"].format(kind="bananas")
    assert (await manager.send("/import Bananas")).last.text == said["unknown"].format(kind="bananas")
    hostile = (await manager.send("/import <b>" + "x" * 500)).last
    assert hostile.text.startswith(said["unknown"].split("{kind}")[0] + "<b>xxx"), hostile.text  # escaped
    assert "x…" in hostile.text and len(hostile.text) < 300, hostile.text  # cut short
    assert (await manager.send("/import")).last.text.startswith(("Send a CSV file", "Отправьте CSV-файл"))
