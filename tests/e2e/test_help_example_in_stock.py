"""/help's example (/add SKU 12) is a product in stock, and /add of a product with none to be had
says it is out of stock and offers a back-in-stock message (it said "only 0 available"), in
English and Russian."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import scalar

WORDS = {
    "en": {
        "example": r"/add — add a product by SKU: /add (\S+) 12",
        "added": "Added ",
        "out": "Sorry, Assorted Colours Silk Fan is out of stock.",
        "notify": "🔔 Notify me when back in stock",
        "promised": "We will message you once it is back in stock.",
    },
    "ru": {
        "example": r"/add — добавить товар по артикулу: /add (\S+) 12",
        "added": "Добавлено",
        "out": "К сожалению, товара «Шёлковый веер, цвета в ассортименте» нет в наличии.",
        "notify": "🔔 Сообщить о поступлении",
        "promised": "Мы напишем вам, как только товар появится.",
    },
}
FAN = "15036"  # the demo's first SKU, none in stock


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_help_s_example_sku_is_one_that_can_be_added(running: RunningBot, language: str) -> None:
    words = WORDS[language]
    user = SandboxUser(running.server, 570 + len(language), "Ann", language_code=language)
    found = re.search(words["example"], (await user.send("/help")).last.text)
    assert found is not None and found.group(1) != FAN
    assert (await user.send(f"/add {found.group(1)} 12")).last.text.startswith(words["added"])  # as it says


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_adding_a_product_with_none_to_be_had_says_it_is_out_of_stock_and_offers_to_notify(
    running: RunningBot, language: str
) -> None:
    words = WORDS[language]
    user = SandboxUser(running.server, 580 + len(language), "Ann", language_code=language)
    refused = (await user.send(f"/add {FAN} 1")).last
    assert refused.text == words["out"]
    assert refused.button_texts() == [words["notify"]]
    pressed = await user.press(refused, words["notify"])
    assert pressed.callback_answer == {"text": words["promised"], "show_alert": True}
    fan = await scalar(running, select(m.ProductRow.id).where(m.ProductRow.sku == FAN))
    subscribed = select(m.StockSubscriptionRow.product_id).join(m.CustomerRow)
    assert await scalar(running, subscribed.where(m.CustomerRow.telegram_id == user.id)) == fan
