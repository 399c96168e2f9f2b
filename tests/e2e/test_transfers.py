"""/transfer: stock moved between warehouses as inventory, with the units orders hold left behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import count, jars_in, order, pick_everything, status, stock

SAID = {
    "held": {
        "en": "LON has 5 of JAR-1, but 2 of them are held for carts and orders: 3 can be transferred.",
        "ru": "На LON 5 шт. JAR-1, но 2 из них удерживаются корзинами и заказами: передать можно 3.",
    },
    "tote": {
        "en": "Bin A-01-01-1 holds 3 of JAR-1, but 2 of them are picked or being picked for orders not yet"
        " shipped: 1 can be moved.",
        "ru": "В ячейке A-01-01-1 3 шт. JAR-1, но 2 из них собраны или собираются для ещё не отправленных"
        " заказов: переместить можно 1.",
    },
    "same": {
        "en": "Both places are in LON: /move moves stock between its bins.",
        "ru": "Оба места на складе LON: между его ячейками товар перемещает /move.",
    },
    "done": {
        "en": "Transferred 3 × JAR-1: LON B-01-01-1, A-01-01-1 → MAN C-01-01-1.",
        "ru": "Передано 3 × JAR-1: LON B-01-01-1, A-01-01-1 → MAN C-01-01-1.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_transfer_moves_free_units_to_another_warehouse_as_inventory_in_one_step(
    shop: RunningBot, language: str
) -> None:
    """Moving stock to another warehouse was /adjust -N here and /adjust +N there: a write-off
    and a gain in the journal. /transfer moves the counters and bins of both warehouses, records
    a movement in each and books nothing; units held for an order (a picker's tote) stay."""
    await jars_in(shop, ("LON", "A-01-01-1", 3), ("LON", "B-01-01-1", 2), cost="2.00")
    code = await order(shop, 340, {"JAR-1": 2})
    picker = await hire(shop, 90, "Pia", "picker", "LON")
    round_one = await picker.press((await picker.send("/pick")).last, "Single order")
    assert "Bin A-01-01-1" in round_one.last.text
    await pick_everything(picker, round_one)
    assert await status(shop, code) == "picked"  # 2 jars in the tote, A-01-01-1 counts them
    manager = await hire(shop, 91, "Mo", "manager", "LON", language=language)
    entries = await count(shop, m.JournalEntryRow)
    before = await stock(shop, "JAR-1")

    assert (await manager.send("/transfer JAR-1 4 LON MAN")).last.text == SAID["held"][language]
    assert (await manager.send("/transfer JAR-1 2 LON:A-01-01-1 MAN")).last.text == SAID["tote"][language]
    assert (await manager.send("/transfer JAR-1 1 LON LON:C-01-01-1")).last.text == SAID["same"][language]
    assert (await manager.send("/transfer JAR-1 1 LON")).last.text.startswith(
        {"en": "Usage: /transfer SKU QTY", "ru": "Формат: /transfer SKU КОЛ-ВО"}[language]
    )
    assert await stock(shop, "JAR-1") == before

    done = await manager.send("/transfer JAR-1 3 LON MAN:C-01-01-1 new")
    assert done.last.text == SAID["done"][language]
    assert await stock(shop, "JAR-1") == [("LON", 2, 2), ("MAN", 3, 0)]
    async with shop.runtime.sessions() as session:
        w, b, bs = m.WarehouseRow, m.BinRow, m.BinStockRow
        jar = await session.scalar(select(m.ProductRow.id).where(m.ProductRow.sku == "JAR-1"))
        bins = await session.execute(
            select(w.code, b.code, bs.quantity)
            .join(b, b.id == bs.bin_id)
            .join(w, w.id == b.warehouse_id)
            .where(bs.product_id == jar)
        )
        assert sorted((x, y, n) for x, y, n in bins if n) == [("LON", "A-01-01-1", 2), ("MAN", "C-01-01-1", 3)]
        mv = m.InventoryMovementRow
        moves = await session.execute(
            select(w.code, func.sum(mv.delta))
            .join(w, w.id == mv.warehouse_id)
            .where(mv.reason.like("transfer %"), mv.product_id == jar)
            .group_by(w.code)
        )
        assert dict(moves.all()) == {"LON": -3, "MAN": 3}
    assert await count(shop, m.JournalEntryRow) == entries  # inventory stays inventory


@pytest.mark.parametrize(
    ("language", "movement"),
    [
        ("en", "· transfer LON:B-06-06-3 → MAN:MAIN-00-00-0 ·"),
        ("ru", "· передача LON:B-06-06-3 → MAN:MAIN-00-00-0 ·"),
    ],
)
async def test_stock_names_a_transfer_between_warehouses_in_the_readers_language(
    shop: RunningBot, language: str, movement: str
) -> None:
    """A Russian manager's /stock read «transfer LON:B-06-06-3 → MAN:…» in English among
    «корректировка» and «импорт остатков»."""
    manager = await hire(shop, 92, "Mo", "manager", "LON", language=language)
    await manager.send("/transfer 85123A 5 LON MAN")
    movements = (await manager.send("/stock 85123A")).last.text.splitlines()
    assert sum(movement in line for line in movements) == 2, movements  # one each side
