"""/report names its top products in the manager's language, in its text and on its chart (and
/slow its slow movers), and a name too long for the chart's axis is cut with "…", not in the middle of a word."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.harness import RunningBot
from domain.usecases.reports import report
from handlers.output.charts import sales_figure
from handlers.reports import chart_text
from tests.e2e.conftest import hire
from tests.e2e.journeys import name_in_russian, order

NAMES = {
    "en": ("22197 Popcorn Holder", "21212 Pack Of 72 Retrospot Cake Cases", "21212 Pack Of 72 Retrospot…"),
    "ru": ("22197 Держатель для попкорна", "21212 Бумажные формочки для кексов", "21212 Бумажные формочки для…"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_names_its_top_products_in_the_reader_s_language(shop: RunningBot, language: str) -> None:
    await name_in_russian(shop, "22197", "Держатель для попкорна")
    await name_in_russian(shop, "21212", "Бумажные формочки для кексов")
    popcorn, cases, cases_on_chart = NAMES[language]
    await order(shop, 610, {"22197": 1, "21212": 2})
    manager = await hire(shop, 611, "Мария", "manager", language=language)
    shown = (await manager.send("/report today")).new[0].text
    assert f"1. {cases} — 2 · " in shown and f"2. {popcorn} — 1 · " in shown

    runtime = shop.runtime
    found = await report(runtime.uow(), runtime.clock, staff_id=611, name="today", timezone="UTC", language=language)
    with runtime.i18n.context(), runtime.i18n.use_locale(language):
        text = chart_text(found)
        figure = sales_figure(found, text)
    FigureCanvasAgg(figure).draw()
    best = next(a for sub in figure.subfigs for a in sub.axes if a.get_title() == text.top)
    names = [t.get_text() for t in best.get_yticklabels()]
    assert names == [popcorn, cases_on_chart]  # the best at the top


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_slow_movers_are_named_in_the_reader_s_language(shop: RunningBot, language: str) -> None:
    await name_in_russian(shop, "23843", "Бумажная поделка «Птичка»")
    bird = {"en": "Paper Craft , Little Birdie", "ru": "Бумажная поделка «Птичка»"}[language]
    manager = await hire(shop, 612, "Мария", "manager", language=language)
    shown = (await manager.send("/slow")).last.text
    assert f"23843 {bird} · LON · " in shown
