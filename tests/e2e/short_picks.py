"""Set-ups and readers of test_short_picks that other test modules use too."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.journeys import add_to_cart, order_code, payments, place_cod_order, status
from tests.e2e.parcels import hire_in
from tests.e2e.split_shipments import shelf_says

SKU = "22151"  # only LON holds it in the demo catalog


STAFF_CHAT = -100500


WORDS = {
    "en": {
        "asked": "We are short of 3 × ",
        "hold": "The order is on hold until you choose:",
        "split": "🚚 Send what is here now, the rest later",
        "wait": "⏳ Wait and send it all together",
        "cancel": "✖ Cancel the missing part",
        "chosen": "What is here will be sent now; the rest follows in a second parcel when it arrives.",
        "dropped": "The missing part is cancelled; we are sending the rest.",
        "stale": "no longer waits for this answer",
        "refund": "We owe you the £",
    },
    "ru": {
        "asked": "Не хватает 3 × ",
        "hold": "Заказ приостановлен, пока вы не выберете:",
        "split": "🚚 Отправить то, что есть, остальное позже",
        "wait": "⏳ Подождать и отправить всё вместе",
        "cancel": "✖ Отменить недостающее",
        "chosen": "То, что есть, отправим сейчас; остальное придёт второй посылкой, когда поступит.",
        "dropped": "Недостающее отменено; остальное отправляем.",
        "stale": "больше не ждёт этого ответа",
        "refund": "Мы должны вам",
    },
}


async def _short_pick(shop: RunningBot, picker: SandboxUser, found: int) -> None:
    reply = await picker.press((await picker.send("/pick")).last, "Single order")
    reply = await picker.press(reply.last, "Short pick")
    await picker.send(str(found))
    await shop.runtime.notifier.drain()


async def _pack_and_ship(packer: SandboxUser, code: str, units: int, tracking: str) -> None:
    await packer.send(f"/pack {code}")
    reply = await packer.send(f"{SKU} {units}")
    reply = await packer.press(reply.last, "✅")
    await packer.press(reply.last, "⚖️")
    await packer.send(f"/ship {code} DPD {tracking}")


async def asked_short(shop: RunningBot, customer: int, language: str = "en") -> tuple[SandboxUser, str, BotMessage]:
    """A cash order of 5 × 22151 by ``customer`` (in ``language``) of which its picker, ``customer`` + 1, found 2: the
    customer, the order's code and the question the customer was asked about the 3 missing."""
    await shelf_says(shop, 5)
    buyer = SandboxUser(shop.server, customer, "Cleo", language_code=language)
    await add_to_cart(buyer, SKU, 5)
    code = order_code(await place_cod_order(buyer, pickup=False))
    await _short_pick(shop, await hire_in(shop, customer + 1, "Pia", "picker", "en"), found=2)  # 3 nowhere
    asked = next(msg for msg in reversed(shop.server.chat_messages(customer)) if WORDS[language]["asked"] in msg.text)
    return buyer, code, asked


async def delivered_with_three_given_up(shop: RunningBot, customer: int, tracking: str) -> str:
    """A cash order of 5 × 22151 (£6.80 with shipping) whose ``customer`` gave up the 3 missing (£1.26) and was
    delivered the 2 (the courier collects £5.54); its picker and packer are ``customer`` + 1 and + 2. Its code."""
    buyer, code, asked = await asked_short(shop, customer)
    await buyer.press(asked, WORDS["en"]["cancel"])  # the 3 missing are given up
    packer = await hire_in(shop, customer + 2, "Pax", "packer", "en")
    await _pack_and_ship(packer, code, 2, tracking)
    await packer.send(f"/delivered {tracking}")
    assert await status(shop, code) == "delivered"
    assert await payments(shop, code) == [("payment", 554)]
    return code
