"""Staff screens read in the staff member's language all through: units, movement reasons,
who moved stock."""

from __future__ import annotations

from bot.harness import RunningBot
from tests.e2e.journeys import picked_order
from tests.e2e.staff_wording import hire_russian


async def test_a_russian_packer_reads_grams_millimetres_and_movements_in_russian(shop: RunningBot) -> None:
    code = await picked_order(shop, 300, {"85123A": 2, "22197": 1})
    packer = await hire_russian(shop, 74, "Пётр", "packer", "LON")
    await packer.send(f"/pack {code}")
    for sku in ("85123A", "85123A"):
        await packer.send(sku)
    boxes = (await packer.send("22197")).last.text
    assert "250×200×120 мм" in boxes and " г" in boxes, boxes
    assert " mm" not in boxes and not boxes.rstrip().endswith(" g")
    reply = await packer.send(f"/pack {code}")
    for sku in ("85123A", "85123A", "22197"):
        reply = await packer.send(sku)
    reply = await packer.press(reply.last, reply.last.button_texts()[0])  # as proposed
    packed = (await packer.send("1130")).last.text
    assert f"Заказ {code} упакован: S 1\xa0130 г" in packed  # Russian digit grouping

    await packer.send(f"/ship {code} DPD 15501234567890")
    screen = (await packer.send("/stock 85123A")).last.text
    assert f"отгрузка {code}" in screen and f"shipment {code}" not in screen
    assert "импорт остатков · импорт" in screen and "stock import" not in screen
