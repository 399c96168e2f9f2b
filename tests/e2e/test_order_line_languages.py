"""What a customer reads about their order names its lines in their language, as the products were
named when it was placed (``OrderLine.names``), through the sandbox in Russian and English; a
later renaming changes no order.

Demo data: 85123A "White Hanging Heart T-Light Holder" £2.95."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.backorders import beyond_stock
from tests.e2e.conftest import hire
from tests.e2e.journeys import (
    add_to_cart,
    name_in_russian,
    order_code,
    pdf_text,
    pick_everything,
    place_card_order,
    place_cod_order,
    scalar,
)

HEART_RU = "Подсвечник «Белое сердце»"
HEART_EN = "White Hanging Heart T-Light Holder"


async def test_a_russian_customer_reads_their_order_lines_in_russian_as_they_were_named_when_placed(
    shop: RunningBot,
) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    ivan = SandboxUser(shop.server, 741, "Иван", language_code="ru")
    await add_to_cart(ivan, "85123A", 1)
    placed = await place_cod_order(ivan)
    code = order_code(placed)
    confirmation = next(msg for msg in placed.new if "оформлен" in msg.text)
    assert f"{HEART_RU} × 1" in confirmation.text and HEART_EN not in confirmation.text
    names = select(m.OrderLineRow.name, m.OrderLineRow.names).join(m.OrderRow).where(m.OrderRow.code == code)
    async with shop.runtime.sessions() as session:
        (stored,) = (await session.execute(names)).all()
    assert (stored.name, json.loads(stored.names)) == (HEART_EN, {"ru": HEART_RU})  # as sold, both languages

    bob = SandboxUser(shop.server, 742, "Bob", language_code="en")
    await add_to_cart(bob, "85123A", 1)
    bobs = await place_cod_order(bob)
    assert any(f"{HEART_EN} × 1" in msg.text for msg in bobs.new)  # the shop's language where it is read

    await name_in_russian(shop, "85123A", "Другой подсвечник")  # renamed after the order
    detail = await ivan.send(f"/track {code}")
    assert f"{HEART_RU} × 1" in detail.last.text and "Другой" not in detail.last.text
    receipt = await ivan.send(f"/receipt {code}")
    assert receipt.last.file is not None and f"85123A  {HEART_RU}" in pdf_text(receipt.last.file.content)
    editing = await ivan.press(detail.last, "✏️")
    assert f"{HEART_RU} × 1" in editing.last.text and any(
        b.startswith("➖ Подсвечник «Бел") for b in editing.last.button_texts()
    )

    manager = await hire(shop, 743, "Max", "manager")
    reply = await manager.send(f"/edit {code} 85123A 2")
    assert f"{HEART_EN}: 1 → 2" in reply.last.text  # the staff member reads English
    await shop.runtime.notifier.drain()
    told = ivan.messages()[-1]
    assert f"Заказ {code} изменён" in told.text and f"{HEART_RU}: 1 → 2" in told.text
    assert await scalar(shop, select(m.OrderLineRow.quantity).join(m.OrderRow).where(m.OrderRow.code == code)) == 2


async def test_a_russian_customers_invoice_and_payment_link_name_the_lines_in_russian(paying_shop: RunningBot) -> None:
    shop = paying_shop
    await name_in_russian(shop, "85123A", HEART_RU)
    olga = SandboxUser(shop.server, 744, "Ольга", language_code="ru")
    invoice = await place_card_order(olga, "85123A", 2)
    assert invoice.invoice is not None and invoice.invoice["description"] == f"{HEART_RU} ×2"
    sue = await hire(shop, 745, "Sue", "support")
    await sue.send(f"/paylink {invoice.invoice['payload'].split(':')[1]}")
    told = olga.messages()[-1]
    link = str(next(b["url"] for b in told.buttons() if "url" in b))
    linked = olga.open_invoice_link(link)
    assert linked.invoice is not None and linked.invoice["description"] == f"{HEART_RU} ×2"


async def test_a_russian_customer_reads_the_waiting_part_of_their_order_in_russian(shop: RunningBot) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    manager = await hire(shop, 746, "Mia", "manager")
    await manager.send("/backorder 85123A on")
    ivan = SandboxUser(shop.server, 747, "Иван", language_code="ru")
    code = await beyond_stock(shop, ivan, 3)
    await name_in_russian(shop, "85123A", "Другой подсвечник")  # renamed after the order
    waiting = await ivan.press((await ivan.send(f"/track {code}")).last, "⏳ Ждёт поставки")
    assert f"{HEART_RU} × 3" in waiting.last.text and HEART_EN not in waiting.last.text
    assert f"✖ Отменить 3 × {HEART_RU[:20]}" in " ".join(waiting.last.button_texts())


async def test_buying_an_order_again_names_its_products_in_the_customers_language_as_the_cart_does(
    shop: RunningBot,
) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    ivan = SandboxUser(shop.server, 748, "Иван", language_code="ru")
    await add_to_cart(ivan, "85123A", 2)
    code = order_code(await place_cod_order(ivan))
    again = await ivan.press((await ivan.send(f"/track {code}")).last, "🛒")
    summary, cart = again.new[-2], again.new[-1]
    assert f"{HEART_RU} × 2" in summary.text and HEART_EN not in summary.text, summary.text
    assert HEART_RU in cart.text


async def test_the_packing_slip_is_written_in_the_customers_language_whoever_prints_it(shop: RunningBot) -> None:
    await name_in_russian(shop, "85123A", HEART_RU)
    ivan = SandboxUser(shop.server, 747, "Иван", language_code="ru")
    await add_to_cart(ivan, "85123A", 2)
    code = order_code(await place_cod_order(ivan))
    picker = await hire(shop, 748, "Pia", "picker", "LON")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    packer = await hire(shop, 749, "Pax", "packer", "LON")  # reads English
    await packer.send(f"/pack {code}")
    await packer.send("85123A")
    boxes = await packer.send("85123A")
    await packer.press(boxes.last, "As proposed")
    packed = await packer.send("500")
    assert f"Order {code} is packed" in packed.last.text
    slip = await packer.press(packed.last, "Packing slip")
    assert slip.last.file is not None
    text = pdf_text(slip.last.file.content)
    assert f"Упаковочный лист — заказ {code}" in text and HEART_RU in text
    assert "Packing slip" not in text and HEART_EN not in text
