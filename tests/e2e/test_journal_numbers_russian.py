"""A journal file's memos write their numbers and words the reader's way: a Russian manager reads
«3 650,44 RUB по курсу 105,20 RUB/GBP» and «импорт остатков (импорт)», an English one the amounts
and the actor as the journal keeps them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.e2e.returns import deliver

WORDS = {
    "en": ("memo", ",", r"\d,\d{3}\.\d\d RUB at 105\.20 RUB/GBP", "stock import (import): 1 of 1 rows changed"),
    "ru": (
        "содержание",
        ";",
        r"\d{1,3}(\xa0\d{3})*,\d\d RUB по курсу 105,20 RUB/GBP",
        "импорт остатков (импорт): изменено строк: 1 из 1",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_journal_file_writes_its_memos_numbers_and_actor_in_the_reader_s_language(
    shop: RunningBot, language: str
) -> None:
    column, delimiter, rate, imported = WORDS[language]
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    await manager.send("/fx RUB 105.20")
    ivan = SandboxUser(shop.server, 700, "Ivan", language_code="ru")
    await add_to_cart(ivan, "85123A", 12)  # £35.40 of goods: thousands of roubles
    code = order_code(await place_cod_order(ivan))
    await deliver(shop, code)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,bin,quantity\n85123A,LON,A-01-01-1,500\n")

    sent = (await manager.send("/journal")).last.file
    assert sent is not None
    memos = [row[column] for row in csv.DictReader(io.StringIO(sent.content.decode("utf-8-sig")), delimiter=delimiter)]
    sales = [memo for memo in memos if code in memo and "RUB/GBP" in memo]
    assert sales and all(re.search(rate, memo) for memo in sales), sales
    assert imported in memos, [memo for memo in memos if "import" in memo or "импорт" in memo]
