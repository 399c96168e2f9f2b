"""/report says why goods came back: the period's return requests per reason (returns, units, refunds in the shop's
currency), the shop-fault share, and the products most units came back of with their main reason."""

from __future__ import annotations

import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from sqlalchemy import select

from bot.harness import RunningBot
from domain.money import Money
from domain.usecases.reports import report
from handlers.output.charts import sales_chart, sales_figure
from handlers.reports import chart_text
from handlers.views.rendering import format_money
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.returns import ask_return, delivered

SAID = {
    "en": {
        "heading": "Returns by reason",
        "fits": "doesn't fit: 2 returns, 2 units · refunded {fits}",
        "damaged": "damaged: 1 return, 1 unit · refunded {damaged}",
        "fault": "The shop's fault: 33%",
        "most": "Most returned",
        "first": "1. 85123A White Hanging Heart T-Light Holder — 2 units · doesn't fit",
        "second": "2. 22197 Popcorn Holder — 1 unit · damaged",
    },
    "ru": {
        "heading": "Возвраты по причинам",
        "fits": "не подошёл размер: 2 возврата, 2 шт. · возвращено {fits}",
        "damaged": "повреждён: 1 возврат, 1 шт. · возвращено {damaged}",
        "fault": "По вине магазина: 33\xa0%",
        "most": "Чаще всего возвращали",
        "first": "1. 85123A ",
        "second": "2. 22197 ",
    },
}
ON_CHART = {"en": ("doesn't fit", "damaged"), "ru": ("не подошёл размер", "повреждён")}  # most returns at the top


async def _returns_panel(shop: RunningBot, staff_id: int, language: str, sent: bytes) -> Axes | None:
    """The chart the manager was sent, drawn again: its returns-by-reason panel, if it has one."""
    runtime = shop.runtime
    found = await report(runtime.uow(), runtime.clock, staff_id=staff_id, name="today", timezone="UTC")
    with runtime.i18n.context(), runtime.i18n.use_locale(language):
        text = chart_text(found)
        figure = sales_figure(found, text)
        assert sales_chart(found, text) == sent
    FigureCanvasAgg(figure).draw()
    return next((a for sub in figure.subfigs for a in sub.axes if a.get_title() == text.returns), None)


async def _refunded(shop: RunningBot, rma: str, steps: tuple[str, ...]) -> int:
    """Support approves, receives, restocks and refunds return ``rma``: its refund, minor units."""
    support = await hire(shop, 91, "Sam", "support")
    shown = await support.send(f"/rma {rma}")
    for step in steps:
        shown = await support.press(shown.last, step)
    async with shop.runtime.sessions() as session:
        found = await session.scalar(select(m.ReturnRow.refund_minor).where(m.ReturnRow.rma_code == rma))
    assert found
    return found


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_counts_returns_units_and_refunds_per_reason_and_the_most_returned_products(
    shop: RunningBot, language: str
) -> None:
    fits = []
    for customer in (600, 601):
        code = await delivered(shop, customer, {"85123A": 1})
        fits.append(
            await ask_return(shop, SandboxUser(shop.server, customer, f"C{customer}"), code, "85123A", "Doesn't fit")
        )
    code = await delivered(shop, 602, {"22197": 1})
    damaged = await ask_return(shop, SandboxUser(shop.server, 602, "C602"), code, "22197", "Damaged")
    fits_refund = await _refunded(shop, fits[0], ("Approve", "Parcel received", "Restock 85123A", "Refund"))
    damaged_refund = await _refunded(shop, damaged, ("Approve", "Parcel received", "Restock 22197", "Refund"))
    assert fits_refund == 295 and damaged_refund > 85  # the shop's fault: the shipping refunded too

    manager = await hire(shop, 97, "Mo", "manager", language=language)
    shown = await manager.send("/report today")
    text = shown.new[0].text
    words = SAID[language]
    money = {
        "fits": format_money(Money(fits_refund, "GBP"), language),
        "damaged": format_money(Money(damaged_refund, "GBP"), language),
    }
    assert words["heading"] in text
    assert words["fits"].format(**money) in text  # the most returns first
    assert text.index(words["fits"].format(**money)) < text.index(words["damaged"].format(**money))
    assert words["fault"] in text
    most = text[text.index(words["most"]) :]
    assert (
        words["first"] in most and words["second"] in most and most.index(words["first"]) < most.index(words["second"])
    )


async def test_a_report_without_returns_says_nothing_of_their_reasons(shop: RunningBot) -> None:
    await delivered(shop, 603, {"85123A": 1})
    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/report today")
    text = shown.new[0].text
    assert "Returns by reason" not in text and "Most returned" not in text and "The shop's fault" not in text
    assert shown.last.file is not None and await _returns_panel(shop, 97, "en", shown.last.file.content) is None
