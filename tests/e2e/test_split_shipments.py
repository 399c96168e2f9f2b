"""A customer whose order is partly waiting for stock chooses, with a button, to have what is
there sent now and the rest later: two parcels with their own trackings, in English and Russian."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.stock import stock_drift
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, pick_everything, place_cod_order, scalar, status
from tests.e2e.parcels import hire_in
from tests.e2e.split_shipments import SKU, _parcels, shelf_says

WORDS = {
    "en": {
        "button": "⏳ Waiting for stock",
        "asked": "Would you rather have what is here sent now and the rest later, in a second parcel?",
        "send_now": "🚚 Send what is here now",
        "chosen": "What is here is sent now; each part follows in a second parcel once it arrives.",
        "wait_all": "⏳ Wait and send it all together",
        "detail": "what is here leaves now, the rest in a second parcel",
        "parcel_told": "Parcel 1 of your order {code} is on its way with DPD.",
        "rest_told": "The rest of your order follows in another parcel.",
        "late": "can no longer be split",
    },
    "ru": {
        "button": "⏳ Ждёт поставки",
        "asked": "Отправить то, что уже есть, сейчас, а остальное — позже, второй посылкой?",
        "send_now": "🚚 Отправить то, что есть",
        "chosen": "То, что есть, отправим сейчас; каждая часть придёт второй посылкой, когда поступит.",
        "wait_all": "⏳ Подождать и отправить всё вместе",
        "detail": "то, что есть, отправим сейчас, остальное — второй посылкой",
        "parcel_told": "Посылка 1 вашего заказа {code} в пути, перевозчик DPD.",
        "rest_told": "Остальное придёт отдельной посылкой.",
        "late": "уже нельзя разделить",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_has_what_is_there_sent_now_and_the_waiting_rest_follows_in_a_second_parcel(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    manager = await hire(shop, 70, "Mia", "manager")
    await manager.send(f"/backorder {SKU} on")
    await shelf_says(shop, 2)
    cleo = SandboxUser(shop.server, 71, "Cleo", language_code=language)
    await add_to_cart(cleo, SKU, 5)  # 2 there, 3 wait
    code = order_code(await place_cod_order(cleo, pickup=False))

    order = await cleo.send(f"/track {code}")
    waiting = await cleo.press(order.last, words["button"])
    assert words["asked"] in waiting.last.text
    chosen = await cleo.press(waiting.last, words["send_now"])
    assert words["chosen"] in chosen.last.text and words["wait_all"] in chosen.last.button_texts()
    assert words["detail"] in (await cleo.send(f"/track {code}")).last.text
    assert "SPLIT" in (await scalar(shop, select(m.OrderRow.flags).where(m.OrderRow.code == code)) or "")

    picker = await hire_in(shop, 72, "Pia", "picker", "en")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"  # the 2 there, not waiting for the 3
    packer = await hire_in(shop, 73, "Pax", "packer", language)
    await packer.send(f"/pack {code}")
    reply = await packer.send(f"{SKU} 2")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    assert await status(shop, code) == "packed"
    await packer.send(f"/ship {code} DPD TRK-A1")
    assert await status(shop, code) == "partially_shipped"
    told = [message.text for message in shop.server.chat_messages(71)]
    assert any(words["parcel_told"].format(code=code) in t and words["rest_told"] in t for t in told)

    await manager.send(f"/receive {SKU} 3 LON")  # the rest arrives and is allocated to Cleo
    assert await scalar(shop, select(m.BackorderRow.status)) == "filled"
    await packer.send(f"/ship {code} DHL TRK-B2")
    assert await status(shop, code) == "shipped"
    assert await _parcels(shop) == [(1, "TRK-A1", 2), (2, "TRK-B2", 3)]
    assert await stock_drift(shop.runtime.uow()) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_who_waits_gets_one_parcel_and_a_split_is_refused_once_picking_began(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    manager = await hire(shop, 80, "Mia", "manager")
    await manager.send(f"/backorder {SKU} on")
    await shelf_says(shop, 2)
    dan = SandboxUser(shop.server, 81, "Dan", language_code=language)
    await add_to_cart(dan, SKU, 3)
    code = order_code(await place_cod_order(dan, pickup=False))
    waiting = await dan.press((await dan.send(f"/track {code}")).last, words["button"])
    assert words["asked"] in waiting.last.text  # asked, but Dan does not answer: the order waits whole
    await manager.send(f"/receive {SKU} 1 LON")  # the waiting unit arrives: the order is whole
    picker = await hire_in(shop, 82, "Pia", "picker", "en")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"
    late = await dan.press(waiting.last, words["send_now"])  # an old screen's button, after picking began
    assert late.callback_answer is not None and words["late"] in late.callback_answer["text"]
    assert "SPLIT" not in (await scalar(shop, select(m.OrderRow.flags).where(m.OrderRow.code == code)) or "")
    packer = await hire_in(shop, 83, "Pax", "packer", language)
    await packer.send(f"/pack {code}")
    reply = await packer.send(f"{SKU} 3")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    await packer.send(f"/ship {code} DPD TRK-C3")
    assert await status(shop, code) == "shipped"
    assert await _parcels(shop) == [(1, "TRK-C3", 3)]
