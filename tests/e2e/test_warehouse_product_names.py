"""Warehouse screens name a product in the staff member's language where it has a name in it,
as /order does: a Russian picker looks for «Держатель для попкорна», not «Popcorn Holder»."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.journeys import name_in_russian, order

NAMES = {
    "en": ("Popcorn Holder", "White Hanging Heart T-Light Holder"),
    "ru": ("Держатель для попкорна", "Подвесной подсвечник «Сердце», белый"),
}
WORDS = {"en": ("Single order", "Latest movements"), "ru": ("Один заказ", "Последние движения")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pick_pack_and_stock_screens_name_products_in_the_staff_member_s_language(
    shop: RunningBot, language: str
) -> None:
    await name_in_russian(shop, "22197", "Держатель для попкорна")
    await name_in_russian(shop, "85123A", "Подвесной подсвечник «Сердце», белый")
    popcorn, heart = NAMES[language]
    single, movements = WORDS[language]
    code = await order(shop, 600, {"22197": 1, "85123A": 1})
    picker = await hire(shop, 601, "Пётр", "picker", "LON", language=language)
    step = await picker.press((await picker.send("/pick")).last, single)
    assert f"📦 1 × 22197 {popcorn}\n" in step.last.text
    wrong = (await picker.send("85123A")).last.text
    assert (
        wrong
        == {
            "en": f"Wrong item: “85123A”. Expected 22197 — {popcorn}, from bin A-03-03-3.",
            "ru": f"Не тот товар: «85123A». Нужен 22197 — {popcorn}, из ячейки A-03-03-3.",
        }[language]
    )
    step = await picker.send("22197")
    assert f"📦 1 × 85123A {heart}\n" in step.last.text
    await picker.send("85123A")

    packer = await hire(shop, 602, "Ольга", "packer", "LON", language=language)
    packing = (await packer.send(f"/pack {code}")).last.text
    assert f"• 1 × 22197 {popcorn}\n" in packing and f"• 1 × 85123A {heart}\n" in packing

    stock = (await packer.send("/stock 22197")).last.text
    assert stock.startswith(f"{popcorn} · 22197 ·") and movements in stock


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_lowstock_and_forecast_name_products_in_the_manager_s_language(shop: RunningBot, language: str) -> None:
    await name_in_russian(shop, "84077", "Планеры, ассорти")
    await name_in_russian(shop, "85123A", "Подвесной подсвечник «Сердце», белый")
    gliders = {"en": "World War 2 Gliders Asstd Designs", "ru": "Планеры, ассорти"}[language]
    heart = NAMES[language][1]
    manager = await hire(shop, 603, "Мария", "manager", "LON", language=language)
    low = (await manager.send("/lowstock")).last.text
    assert f"• 84077 {gliders} — MAN: " in low
    forecast = (await manager.send("/forecast 85123A")).last.text
    assert forecast.splitlines()[0].endswith(f": 85123A {heart}")
