"""Returns and the report read as Russian is written: a reason a woman picks agrees with her,
a count follows its colon, and a share of orders reads «90 % — не дольше …» (it read
«передумал», «возвращено на склад 1» and «90 процентов за 0,0 ч»)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.support import SupportTimes
from handlers.views.rendering import Renderer
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import sample_name
from tests.e2e.refund_words import STEPS
from tests.e2e.returns import delivered

WORDS = {
    "en": {
        "return": "Return",
        "continue": "Continue",
        "restocked": " · restocked 1\n",
        "shipped": "Shipped: 1 · placed → shipped: median 0.0 h, 90 percent within 0.0 h",
    },
    "ru": {
        "return": "Вернуть",
        "continue": "Далее",
        "restocked": " · возвращено на склад: 1\n",
        "shipped": "Отправлено: 1 · от заказа до отправки: медиана 0,0\xa0ч, у 90\xa0% — не дольше 0,0\xa0ч",
    },
}
REASONS = {
    "en": ["Damaged", "Wrong item", "Not as described", "Doesn't fit", "Changed my mind", "Other"],
    "ru": ["Повреждён", "Не тот товар", "Не соответствует описанию", "Не подошёл размер", "Передумал(а)", "Другое"],
}
SUPPORT = {
    "en": [
        "First reply: median 10.0 min, 90 percent within 30.0 min",
        "Resolved: median 2.0 h, 90 percent within 10.0 h",
    ],
    "ru": [
        "Первый ответ: медиана 10,0\xa0мин, у 90\xa0% — не дольше 30,0\xa0мин",
        "Решено: медиана 2,0\xa0ч, у 90\xa0% — не дольше 10,0\xa0ч",
    ],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_return_s_reasons_counts_and_the_report_s_shares_read_naturally(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    code = await delivered(shop, 970, {"85123A": 1})
    customer = SandboxUser(shop.server, 970, "Анна", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["return"])
    heart = sample_name("85123A", language)[:15]
    reasons = await customer.press((await customer.press(lines.last, heart)).last, words["continue"])
    assert reasons.last.button_texts() == REASONS[language]

    manager = await hire(shop, 971, "Мария", "manager", language=language)
    photos = await customer.press(reasons.last, REASONS[language][4])
    method = await customer.press(photos.last, "➡️")
    placed = (await customer.press(method.last, "🏬")).last.text
    rma = next(word.rstrip(".") for word in placed.split() if word.startswith("R") and len(word.rstrip(".")) == 8)
    shown = await manager.send(f"/rma {rma}")
    for step in STEPS[language][:3]:
        shown = await manager.press(shown.last, step)
    assert words["restocked"] in shown.last.text

    report = (await manager.send("/report today")).new[0].text
    assert words["shipped"] in report.splitlines()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_s_support_times_read_naturally(shop: RunningBot, language: str) -> None:
    times = SupportTimes(2, 600.0, 1800.0, 7200.0, 36000.0, 0, None)
    with shop.runtime.i18n.context(), shop.runtime.i18n.use_locale(language):
        shown = Renderer().render("support/figures.html.j2", times=times).splitlines()
    assert shown[1:3] == SUPPORT[language]
