"""/forecast through the bot: the demo's year of UCI sales replayed, a known-answer
history imported, the suggested reorder point applied from the button."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.harness import RunningBot
from domain.forecasting import week_start
from domain.usecases.imports import import_demand
from storage import models as m
from tests.e2e.conftest import hire
from tests.fakes import FakeClock


async def _reorder_point(shop: RunningBot, sku: str, warehouse: str) -> int:
    async with shop.runtime.sessions() as session:
        point = await session.scalar(
            select(m.StockRow.reorder_point)
            .join(m.ProductRow, m.ProductRow.id == m.StockRow.product_id)
            .join(m.WarehouseRow, m.WarehouseRow.id == m.StockRow.warehouse_id)
            .where(m.ProductRow.sku == sku, m.WarehouseRow.code == warehouse)
        )
    return int(point or 0)


async def test_a_steady_history_gives_the_textbook_reorder_point(shop: RunningBot, clock: FakeClock) -> None:
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    rows = "".join(f"22197,LON,{last_monday - timedelta(weeks=w)},10\n" for w in range(20))
    await import_demand(
        shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows
    )  # replaces the demo history

    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/forecast 22197")
    text = shown.last.text
    assert "Next weeks: 10.0 · 10.0" in text and "20 weeks of history" in text
    # 10 a week over HOMEWARE's 5-day lead time, no variation so no safety stock: ⌈7.14⌉ = 8.
    assert "Suggested reorder point: 8 = 10.0 × 0.7 + 1.64 × 0.0" in text
    assert "service level 95.0%, lead time 5 days" in text and "Current reorder point: 30" in text
    await manager.press(shown.last, "Apply 8 at LON")
    assert await _reorder_point(shop, "22197", "LON") == 8


async def test_the_demo_history_is_forecast_with_a_backtest_and_roles_are_checked(shop: RunningBot) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/forecast 85123A")
    text = shown.last.text
    assert "Demand forecast: 85123A" in text and "Method:" in text
    assert "Backtest on the latest weeks: MASE" in text and "lead time 7 days" in text  # CANDLES: a week
    [apply] = [b for b in shown.last.button_texts() if b.startswith("Apply")]
    point = int(apply.split()[1])
    assert f"Suggested reorder point: {point} =" in text

    picker = await hire(shop, 60, "Pia", "picker", "LON")
    seen = await picker.send("/forecast 85123A")  # pickers may look …
    assert "Demand forecast" in seen.last.text
    refused = await picker.press(seen.last, apply)  # … but not change stock settings
    assert refused.callback_answer is not None and "does not allow" in refused.callback_answer["text"]
    assert await _reorder_point(shop, "85123A", "LON") == 40
    await manager.press(shown.last, apply)
    assert await _reorder_point(shop, "85123A", "LON") == point

    assert (await manager.send("/forecast")).last.text == "Usage: /forecast SKU"
    assert (await manager.send("/forecast NOPE-1")).last.text == "Nothing was found."
    support = await hire(shop, 98, "Sue", "support")
    assert (await support.send("/forecast 85123A")).last.text == "Your role (support) does not allow this."
