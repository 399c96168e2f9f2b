"""/fx with a rate more than twice or less than half the current one (a typo: 99999999 for 100) asks
first, with the old rate and the change, and changes nothing until ✅ is pressed: no rate kept, no price
repriced, no stock revalued in the books. ✖️ leaves it; a question answered already, or a rate changed
since it was asked, is refused. The shop's own currency is not given a rate. English and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import scalar
from tests.fakes import FakeClock

SAID = {
    "en": {
        "set": "✅ Rate set: 1 GBP = {rate} RUB.",
        "asked": "⚠️ 1 GBP = {rate} RUB is a change of {change} from the current rate, 1 GBP = {old} RUB. "
        "Every price in RUB and the stock costed in it move with the rate. Set it?",
        "confirm": "✅ Set 1 GBP = {rate} RUB",
        "cancel": "✖️ Cancel",
        "cancelled": "✖️ The RUB rate is unchanged; see /fx RUB.",
        "already": "Already set: 1 GBP = {rate} RUB",
        "stale": "This question is out of date: the RUB rate changed since. Nothing was changed; see /fx RUB.",
        "own": "GBP is the shop's own currency: 1 GBP is always 1 GBP. Other currencies get a rate against it, "
        "e.g. /fx EUR 1.25.",
        "huge": "99,999,999",
        "huge_change": "+99,999,899%",
        "up": "+150%",
        "down": "-90%",
        "tenth": "10.5",
        "inverse": "⚠️ 1 RUB = 0.01 GBP is a change of +300% from the current rate, 1 RUB = 0.0025 GBP. "
        "Every price in RUB and the stock costed in it move with the rate. Set it?",
        "inverse_confirm": "✅ Set 1 RUB = 0.01 GBP",
    },
    "ru": {
        "set": "✅ Курс задан: 1 GBP = {rate} RUB.",
        "asked": "⚠️ 1 GBP = {rate} RUB — это изменение на {change} к текущему курсу 1 GBP = {old} RUB. "
        "Все цены в RUB и запасы с себестоимостью в этой валюте пересчитываются по курсу. Задать его?",
        "confirm": "✅ Задать 1 GBP = {rate} RUB",
        "cancel": "✖️ Отмена",
        "cancelled": "✖️ Курс RUB не изменён; см. /fx RUB.",
        "already": "Уже задан: 1 GBP = {rate} RUB",
        "stale": "Вопрос устарел: курс RUB с тех пор изменился. Ничего не изменено; см. /fx RUB.",
        "own": "GBP — собственная валюта магазина: 1 GBP всегда равен 1 GBP. Курсы задаются для других валют "
        "к ней, например /fx EUR 1,25.",
        "huge": "99\xa0999\xa0999",
        "huge_change": "+99\xa0999\xa0899\xa0%",
        "up": "+150\xa0%",
        "down": "-90\xa0%",
        "tenth": "10,5",
        "inverse": "⚠️ 1 RUB = 0,01 GBP — это изменение на +300\xa0% к текущему курсу 1 RUB = 0,0025 GBP. "
        "Все цены в RUB и запасы с себестоимостью в этой валюте пересчитываются по курсу. Задать его?",
        "inverse_confirm": "✅ Задать 1 RUB = 0,01 GBP",
    },
}


async def _rates(shop: RunningBot) -> list[str]:
    """The rates kept of the pound and the rouble (either way round), oldest first."""
    pair = m.FxRateRow.base.in_(["GBP", "RUB"]) & m.FxRateRow.quote.in_(["GBP", "RUB"])
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(m.FxRateRow.rate).where(pair).order_by(m.FxRateRow.id))
        return [str(rate) for (rate,) in rows]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_rate_far_off_the_current_one_is_asked_about_and_changes_nothing_until_confirmed(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    async with staff_shop(tmp_path, clock) as shop:
        manager = await hire(shop, 592, "Mia", "manager", language=language)
        kept = await _rates(shop)
        assert (await manager.send("/fx RUB 100")).last.text.startswith(said["set"].format(rate="100"))
        kept = [*kept, "100"]
        assert await _rates(shop) == kept
        books = await balances(shop)
        entries = await scalar(shop, select(func.count()).select_from(m.JournalEntryRow))

        asked = (await manager.send("/fx RUB 99999999")).last
        assert asked.text == said["asked"].format(rate=said["huge"], change=said["huge_change"], old="100")
        assert asked.button_texts() == [said["confirm"].format(rate=said["huge"]), said["cancel"]]
        assert await _rates(shop) == kept  # nothing kept while it is asked
        cancelled = await manager.press(asked, said["cancel"])
        assert cancelled.callback_answer is not None
        assert manager.messages()[-1].text == said["cancelled"]
        assert manager.messages()[-1].button_texts() == []
        assert await _rates(shop) == kept

        down = (await manager.send("/fx RUB 10.5")).last
        assert down.text == said["asked"].format(rate=said["tenth"], change=said["down"], old="100")
        up = (await manager.send("/fx RUB 250")).last
        assert up.text == said["asked"].format(rate="250", change=said["up"], old="100")
        assert await _rates(shop) == kept
        assert await balances(shop) == books
        assert await scalar(shop, select(func.count()).select_from(m.JournalEntryRow)) == entries

        done = await manager.press(up, said["confirm"].format(rate="250"))
        assert done.callback_answer is not None
        assert manager.messages()[-1].text.startswith(said["set"].format(rate="250"))
        assert await _rates(shop) == [*kept, "250"]
        # The other question was asked against 100: the rate is 250 now, so it is out of date.
        stale = await manager.press(down, said["confirm"].format(rate=said["tenth"]))
        assert stale.callback_answer is not None and stale.callback_answer["text"] == said["stale"]
        assert await _rates(shop) == [*kept, "250"]

        assert (await manager.send("/fx RUB 400")).last.text.startswith(said["set"].format(rate="400"))  # ×1.6
        assert (await manager.send("/fx GBP 2")).last.text == said["own"]
        assert (await manager.send("/fx GBP GBP 2")).last.text == said["own"]
        assert await _rates(shop) == [*kept, "250", "400"]

        # Typed the other way round (1 RUB = 0.01 GBP, i.e. 100 RUB a pound): compared, and said, that way.
        inverse = (await manager.send("/fx RUB GBP 0.01")).last
        assert inverse.text == said["inverse"], inverse.text
        await manager.press(inverse, said["inverse_confirm"])
        assert await _rates(shop) == [*kept, "250", "400", "0.01"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_second_tap_on_set_before_the_question_is_edited_says_the_rate_is_already_set(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    """The rate changed since the question only by the first tap: not "out of date", the rate as set."""
    said = SAID[language]
    async with staff_shop(tmp_path, clock) as shop:
        manager = await hire(shop, 593, "Max", "manager", language=language)
        await manager.send("/fx RUB 100")
        asked = (await manager.send("/fx RUB 99999999")).last
        confirm = said["confirm"].format(rate=said["huge"])
        [data] = [b["callback_data"] for b in asked.buttons() if b["text"] == confirm]
        await manager.press_data(asked, data)
        kept = await _rates(shop)
        assert kept[-1] == "99999999"
        entries = await scalar(shop, select(func.count()).select_from(m.JournalEntryRow))

        again = await manager.press_data(asked, data)  # the snapshot still had its buttons: a double tap
        assert again.callback_answer is not None
        assert again.callback_answer["text"] == said["already"].format(rate=said["huge"])
        assert await _rates(shop) == kept
        assert await scalar(shop, select(func.count()).select_from(m.JournalEntryRow)) == entries

        # Set to something else since: that question is out of date, as before.
        await manager.send("/fx RUB 99999998")
        stale = await manager.press_data(asked, data)
        assert stale.callback_answer is not None and stale.callback_answer["text"] == said["stale"]
        assert (await _rates(shop))[-1] == "99999998"
