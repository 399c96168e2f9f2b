"""Goods received into a bin their warehouse does not have: asked first (a typo put stock where nobody looks)."""

from __future__ import annotations

from bot.harness import RunningBot
from domain.money import Money
from tests.e2e.bins import bins_of, button_data
from tests.e2e.books_stock_arrivals import _sent
from tests.e2e.conftest import hire
from tests.e2e.journeys import stock


async def _lon(shop: RunningBot, sku: str) -> int:
    return next(on_hand for code, on_hand, _ in await stock(shop, sku) if code == "LON")


async def test_a_receipt_into_a_bin_the_warehouse_lacks_is_asked_about_and_received_once_when_the_bin_is_made(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    before, bins = await _lon(shop, "85123A"), await bins_of(shop, "LON")
    asked = (await manager.send("/receive 85123A 5 LON z-99-99-9")).last
    assert asked.text == "Bin Z-99-99-9 does not exist in LON. Create it and receive there?"  # no bin near it
    assert [b["text"] for b in asked.buttons()] == ["✅ Create bin Z-99-99-9", "✖️ Cancel"]
    assert await _lon(shop, "85123A") == before and await bins_of(shop, "LON") == bins  # nothing yet
    create = button_data(asked, "Create bin")
    made = await manager.press(asked, "Create bin")
    assert made.last.text == "Received 5 × 85123A into LON Z-99-99-9." and not asked.buttons()
    again = await manager.press_data(asked, create)  # a second tap before the answer's edit showed
    assert again.callback_answer is not None and "out of date: nothing was received" in again.callback_answer["text"]
    assert await _lon(shop, "85123A") == before + 5 and (await bins_of(shop, "LON"))["Z-99-99-9"] == 5


async def test_a_bin_typed_with_new_after_it_is_made_without_asking(shop: RunningBot) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    received = await manager.send("/receive 85123A 5 LON Z-99-99-9 new")
    assert received.last.text == "Received 5 × 85123A into LON Z-99-99-9."
    assert (await bins_of(shop, "LON"))["Z-99-99-9"] == 5
    again = await manager.send("/receive 85123A 2 LON Z-99-99-9")  # it exists now: no question
    assert again.last.text == "Received 2 × 85123A into LON Z-99-99-9."


async def test_a_typo_of_an_existing_bin_names_it_and_cancel_receives_nothing(shop: RunningBot) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    before, bins = await _lon(shop, "85123A"), await bins_of(shop, "LON")
    asked = (await manager.send("/receive 85123A 5 LON B-06-06-8")).last  # 85123A lies in B-06-06-3
    assert asked.text == (
        "Bin B-06-06-8 does not exist in LON. Create it and receive there?\nBins there with a similar code: B-06-06-3."
    )
    cancelled = await manager.press(asked, "Cancel")
    assert cancelled.last.text == "✖️ Nothing was received."
    assert await _lon(shop, "85123A") == before and await bins_of(shop, "LON") == bins


async def test_a_russian_manager_s_purchase_order_receipt_into_a_mistyped_bin_goes_into_the_bin_meant(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 98, "Маша", "manager", language="ru")
    number = await _sent(shop, "85123A", 10, Money(110, "GBP"))
    before, bins = await _lon(shop, "85123A"), await bins_of(shop, "LON")
    asked = (await manager.send(f"/po receive {number} 85123A 4 B-06-06-8")).last
    assert asked.text == (
        "Ячейки B-06-06-8 на складе LON нет. Создать её и принять туда?\nЯчейки там с похожим кодом: B-06-06-3."
    )
    assert [b["text"] for b in asked.buttons()] == ["✅ Создать ячейку B-06-06-8", "📦 В ячейку B-06-06-3", "✖️ Отмена"]
    assert await _lon(shop, "85123A") == before and await bins_of(shop, "LON") == bins
    create = button_data(asked, "Создать")
    taken = await manager.press(asked, "B-06-06-3")
    assert "• 85123A × 4 → ячейка B-06-06-3" in taken.last.text
    assert await _lon(shop, "85123A") == before + 4 and "B-06-06-8" not in await bins_of(shop, "LON")
    stale = await manager.press_data(asked, create)
    assert stale.callback_answer is not None and "ничего не принято" in stale.callback_answer["text"]
    made = await manager.send(f"/po receive {number} 85123A 2 Z-99-99-9 new")  # the flag, as in English
    assert "• 85123A × 2 → ячейка Z-99-99-9" in made.last.text


async def test_a_purchase_order_s_goods_into_a_new_bin_are_received_there_once_it_is_made(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    number = await _sent(shop, "85123A", 10, Money(110, "GBP"))
    asked = (await manager.send(f"/po receive {number} 85123A 10 Q-01-01-1")).last
    assert asked.text.startswith("Bin Q-01-01-1 does not exist in LON.")
    assert "Purchase order" in (await manager.press(asked, "Create bin")).last.text
    assert (await bins_of(shop, "LON"))["Q-01-01-1"] == 10
