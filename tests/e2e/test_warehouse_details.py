"""Small warehouse rules staff meet every day: goods received without a bin go back to the
product's place, boxes are offered smallest first, packing without boxes says so."""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import picked_order


async def test_goods_received_without_a_bin_go_to_the_product_s_place_even_when_it_sold_empty(
    shop: RunningBot,
) -> None:
    manager = await hire(shop, 50, "Mia", "manager")
    await manager.send("/adjust 84077 MAN -3 sold out at the counter")  # the bin is empty now
    received = await manager.send("/receive 84077 5 MAN")
    assert received.last.text == "Received 5 × 84077 into MAN S-01-04-1."
    assert "S-01-04-1: 5" in (await manager.send("/stock 84077")).last.text


async def test_box_buttons_go_from_the_smallest_box_to_the_largest(shop: RunningBot) -> None:
    code = await picked_order(shop, 310, {"22197": 1})
    packer = await hire(shop, 75, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    boxes = await packer.send("22197")
    assert boxes.last.button_texts()[1:] == ["XS", "S", "M", "L", "XL"]


async def test_packing_without_standard_boxes_keeps_the_estimated_weight_for_the_label(shop: RunningBot) -> None:
    """It packed with no parcel recorded: the label read "Package 1 of 1 · 0 g"."""
    async with shop.runtime.uow() as uow:
        await uow.session.execute(delete(m.BoxRow))
        await uow.commit()
    code = await picked_order(shop, 311, {"22197": 1})
    packer = await hire(shop, 76, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    boxes = await packer.send("22197")
    assert "No standard boxes are set up" in boxes.last.text
    assert "ordergram import boxes" in boxes.last.text
    asked = await packer.press(boxes.last, "Pack without a box")
    packed = await packer.press(asked.last, "estimate")
    async with shop.runtime.sessions() as session:
        rows = (
            await session.execute(
                select(m.PackageRow.box_code, m.PackageRow.weight_g)
                .join(m.OrderRow, m.OrderRow.id == m.PackageRow.order_id)
                .where(m.OrderRow.code == code)
            )
        ).all()
    assert [tuple(r) for r in rows] == [("", 224)]  # the Popcorn Holder's own 224 g: no box, no tare
    assert f"Order {code} is packed: no box 224 g" in packed.last.text
