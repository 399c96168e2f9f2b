"""A file whose header is wrong is told so once, naming what it lacks and what the kind expects, not counted as a bad
row; a file of another kind is named for what it looks like, not refused once per line; in English and Russian."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import count

PRODUCTS_WITHOUT_CURRENCY = b"sku,name,category,price\nT-1,Tee,Clothing,1.00\n"
PRODUCTS = b"sku,name,category,price,currency\nT-1,Tee,Clothing,1.00,GBP\nT-2,Top,Clothing,2.00,GBP\n"
WORDS = {
    "en": {
        "lacks": "The file's header is wrong: it lacks the column(s) currency. A products file has the columns sku, "
        "name, category, price, currency",
        "looks": "This looks like a products file, not a customers one: import it as products. Nothing was imported.",
    },
    "ru": {
        "lacks": "Неверная строка заголовков файла: нет столбцов currency. В файле products столбцы sku, name, "
        "category, price, currency",
        "looks": "Похоже, это файл products, а не customers: импортируйте его как products. Ничего не импортировано.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_header_lacking_a_column_is_said_once_with_the_kinds_columns_and_no_bad_row(
    shop: RunningBot, language: str
) -> None:
    olga = await hire(shop, 840, "Olga", "admin", language=language)
    reply = (await olga.send_document(PRODUCTS_WITHOUT_CURRENCY, "p.csv", caption="/import products")).last.text
    assert reply.startswith(WORDS[language]["lacks"]), reply
    assert "bad row" not in reply and "ошибочн" not in reply, reply
    customers = await count(shop, m.CustomerRow)
    reply = (await olga.send_document(PRODUCTS, "p.csv", caption="/import customers")).last.text
    assert reply == WORDS[language]["looks"]
    assert await count(shop, m.CustomerRow) == customers


PRICES_WITH_A_QUOTE_OPEN_IN_THE_HEADER = b'group,target,currency,"price\nretail,85123A,GBP,1\n'
QUOTE_OPEN = {
    "en": "The file's header is wrong: a quote (\") opened in it is not closed: close it, or write a quote inside a "
    'cell as two (""). Nothing was imported.',
    "ru": 'Неверная строка заголовков файла: кавычка (") в ней не закрыта: закройте её или запишите кавычку внутри '
    'ячейки двумя (""). Ничего не импортировано.',
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_price_rules_header_with_a_quote_left_open_is_said_once_as_the_headers_not_as_a_bad_row(
    shop: RunningBot, language: str
) -> None:
    olga = await hire(shop, 841, "Olga", "admin", language=language)
    sent = PRICES_WITH_A_QUOTE_OPEN_IN_THE_HEADER
    reply = (await olga.send_document(sent, "prices.csv", caption="/import prices")).last.text
    assert reply == QUOTE_OPEN[language]
