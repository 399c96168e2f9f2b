"""Amounts typed in chat with a decimal comma, as a Russian keyboard (and most of Europe's)
writes them: a price rule's price, a promotion's amount and threshold, a promo code's minimum and
percent, and an exchange rate are taken as with a point; "40,00" was refused as "not a valid
amount" although /product took it and a prices file takes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_amounts_typed_with_a_decimal_comma_are_taken_as_with_a_point(shop: RunningBot, language: str) -> None:
    manager = await hire(shop, 64, "Маша", "manager", language=language)
    price = await manager.send("/pricelist add wholesale GBP 85123A 2,50 from 3")
    assert ("£2.50" if language == "en" else "2,50\xa0£") in price.last.text, price.last.text
    await manager.send('/promotion new "Неделя" off=0,10 over=20,00 until=2026-12-31')
    await manager.send("/promocode new TRADE percent=7,5 min=12,50 until=2026-12-31")
    rate = await manager.send("/fx RUB 105,20")
    assert "105" in rate.last.text, rate.last.text
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.PriceRuleRow.price_minor))).all() == [250]
        promotion = (await session.execute(select(m.PromotionRow.amount_minor, m.PromotionRow.threshold_minor))).one()
        assert tuple(promotion) == (10, 2000)
        code = (await session.execute(select(m.PromoCodeRow.percent, m.PromoCodeRow.minimum_minor))).one()
        assert tuple(code) == ("7.5", 1250)
        assert (await session.scalars(select(m.FxRateRow.rate).where(m.FxRateRow.quote == "RUB"))).all()[-1] == "105.20"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_exchange_rate_is_written_with_the_reader_s_decimal_sign(shop: RunningBot, language: str) -> None:
    """A Russian manager typed «/fx RUB 105,20» and read back «1 GBP = 105.20 RUB» on /fx and its
    history, and was told to type «/fx RUB 105.20»."""
    manager = await hire(shop, 65, "Маша", "manager", language=language)
    rate = "105.20" if language == "en" else "105,20"
    assert (await manager.send("/fx")).last.text.endswith(f"/fx RUB {rate}")  # the example to type
    assert f"1 GBP = {rate} RUB." in (await manager.send("/fx RUB 105,20")).last.text
    assert f"1 GBP = {rate} RUB" in (await manager.send("/fx")).last.text
    history = (await manager.send("/fx RUB")).last.text.splitlines()
    assert any(line.endswith(f"1 GBP = {rate} RUB · Маша") for line in history), history
