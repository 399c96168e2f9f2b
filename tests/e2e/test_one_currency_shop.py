"""A shop that prices in one currency does not offer to change it: /help leaves /currency out and
/currency says the prices are in that currency only (it offered a single "✅ GBP"), in English and
Russian; once a manager sets a rate, both offer the choice."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN

WORDS = {
    "en": ("/currency — change the currency of prices", "Prices in this shop are in GBP only."),
    "ru": ("/currency — сменить валюту цен", "Цены в этом магазине только в GBP."),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_one_currency_shop_neither_advertises_nor_offers_a_currency_choice(
    shop: RunningBot, language: str
) -> None:
    advertised, only = WORDS[language]
    customer = SandboxUser(shop.server, 590 + len(language), "Ann", language_code=language)
    help_text = (await customer.send("/help")).last.text
    assert "/currency" not in help_text and "/language" in help_text
    reply = (await customer.send("/currency")).last
    assert reply.text == only and reply.button_texts() == []

    await SandboxUser(shop.server, ADMIN, "Ada").send("/fx GBP EUR 1.17")
    assert advertised in (await customer.send("/help")).last.text
    assert (await customer.send("/currency")).last.button_texts() == ["✅ GBP", "EUR"]
