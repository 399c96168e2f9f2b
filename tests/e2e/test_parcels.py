"""Split shipments and pickup handovers through the sandbox, in English and Russian: two
parcels with their own trackings, labels and deliveries; a refused over-shipment that
changes nothing; a pickup code with its QR code handed over at the counter, cash taken."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.orders import transition_order
from handlers.output.barcodes import read_barcode
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import (
    add_to_cart,
    order_code,
    order_of_invoice,
    payments,
    pdf_text,
    pick_everything,
    place_card_order,
    place_cod_order,
    status,
    stock,
)
from tests.e2e.parcels import hire_in, packed_order

WORDS = {
    "en": {
        "partial": (
            "Parcel 1 of order {code} (2 × 85123A, 1 × 22197) left with DPD, tracking TRK-A1: order partially shipped."
        ),
        "refused": "Only 1 × 85123A of order {code} are packed and not yet shipped; nothing was shipped.",
        "rest": "Parcel 2 of order {code} (1 × 85123A) left with DHL, tracking TRK-B2: order shipped.",
        "parcel_told": "Parcel 1 of your order {code} is on its way with DPD.",
        "rest_told": "The rest of your order follows in another parcel.",
        "one_delivered": "Parcel 1 of order {code} (tracking TRK-A1) is delivered. The customer was told.",
        "all_delivered": "Order {code} is delivered. The customer was told.",
        "label": "Parcel 2 of 2",
        "parcels": "Parcels",
        "ready": "Your order {code} is ready for pickup.",
        "wrong": "No order has pickup code ZZZ999. Check it with the customer.",
        "handed": "Order {code} is handed over and completed. Take £",
        "used": "Pickup code {pickup} was already used: order {code} was handed over.",
    },
    "ru": {
        "partial": (
            "Посылка 1 заказа {code} (2 × 85123A, 1 × 22197) отправлена через DPD, трек-номер TRK-A1: "
            "заказ отправлен частично."
        ),
        "refused": "Упаковано и ещё не отправлено только 1 × 85123A из заказа {code}; ничего не отправлено.",
        "rest": "Посылка 2 заказа {code} (1 × 85123A) отправлена через DHL, трек-номер TRK-B2: заказ отправлен.",
        "parcel_told": "Посылка 1 вашего заказа {code} в пути, перевозчик DPD.",
        "rest_told": "Остальное придёт отдельной посылкой.",
        "one_delivered": "Посылка 1 заказа {code} (трек-номер TRK-A1) доставлена. Покупатель уведомлён.",
        "all_delivered": "Заказ {code} доставлен. Покупатель уведомлён.",
        "label": "Посылка 2 из 2",
        "parcels": "Посылки",
        "ready": "Ваш заказ {code} готов к выдаче.",
        "wrong": "Нет заказа с кодом выдачи ZZZ999. Уточните код у покупателя.",
        "handed": "Заказ {code} выдан и завершён. Получите ",
        "used": "Код выдачи {pickup} уже использован: заказ {code} выдан.",
    },
}


async def parcel_count(shop: RunningBot) -> int:
    async with shop.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(m.ParcelRow)) or 0)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_leaves_in_two_parcels_and_is_delivered_when_both_are(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    before = {w: on_hand for w, on_hand, _ in await stock(shop, "85123A")}
    customer = SandboxUser(shop.server, 300, "Cleo", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 3, "22197": 1}, language)

    first = await packer.send(f"/ship {code} 85123A=2 22197=1 DPD TRK-A1")
    assert first.last.text == words["partial"].format(code=code)
    assert await status(shop, code) == "partially_shipped"
    told = [msg.text for msg in shop.server.chat_messages(300)]
    assert any(words["parcel_told"].format(code=code) in t and words["rest_told"] in t for t in told)
    assert {w: on_hand for w, on_hand, _ in await stock(shop, "85123A")}["LON"] == before["LON"] - 2

    too_many = await packer.send(f"/ship {code} 85123A=2 DHL TRK-B2")
    assert too_many.last.text == words["refused"].format(code=code)
    assert await status(shop, code) == "partially_shipped" and await parcel_count(shop) == 1
    assert {w: on_hand for w, on_hand, _ in await stock(shop, "85123A")}["LON"] == before["LON"] - 2

    rest = await packer.send(f"/ship {code} DHL TRK-B2")
    assert rest.last.text == words["rest"].format(code=code)
    assert await status(shop, code) == "shipped"
    assert {w: on_hand for w, on_hand, _ in await stock(shop, "85123A")}["LON"] == before["LON"] - 3
    label = await packer.press(rest.last, "📄")
    assert label.last.file is not None and label.last.file.file_name == f"label-{code}-2.pdf"
    text = pdf_text(label.last.file.content)
    assert words["label"] in text and "TRK-B2" in text and "85123A × 1" in text

    assert (await packer.send("/delivered TRK-A1")).last.text == words["one_delivered"].format(code=code)
    assert await status(shop, code) == "shipped"
    assert (await packer.send("/delivered TRK-B2")).last.text == words["all_delivered"].format(code=code)
    assert await status(shop, code) == "delivered"

    detail = (await customer.send(f"/track {code}")).last.text
    assert words["parcels"] in detail and "TRK-A1" in detail and "TRK-B2" in detail


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_pickup_order_is_handed_over_by_its_code_and_the_cash_is_taken(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    customer = SandboxUser(shop.server, 310, "Pim", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language, pickup=True)
    ready = next(msg for msg in shop.server.chat_messages(310) if msg.kind == "photo")
    assert words["ready"].format(code=code) in ready.text
    assert ready.file is not None
    pickup = read_barcode(ready.file.content)  # the QR code the counter scans
    assert pickup is not None and pickup in ready.text

    picker = SandboxUser(shop.server, 310 + 1000, "Pia")
    assert (await picker.send(f"/handover {pickup}")).last.text == "Your role (picker) does not allow this."
    assert (await packer.send("/handover ZZZ999")).last.text == words["wrong"]
    assert await status(shop, code) == "packed"

    handed = await packer.send(f"/handover {pickup.lower()}")
    assert handed.last.text.startswith(words["handed"].format(code=code))
    assert await status(shop, code) == "completed"
    async with shop.runtime.sessions() as session:
        payments = (
            await session.execute(select(m.PaymentRow.kind, m.PaymentRow.method, m.PaymentRow.amount_minor))
        ).all()
        sales = (
            await session.scalars(select(m.JournalEntryRow.memo).where(m.JournalEntryRow.memo.like("sale%")))
        ).all()
    assert [(kind, method) for kind, method, _ in payments] == [("payment", "cod")] and payments[0][2] > 0
    assert any(code in memo and "cash on delivery" in memo for memo in sales)

    again = await packer.send(f"/handover {pickup}")
    assert again.last.text == words["used"].format(pickup=pickup, code=code)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_handover_refuses_a_pickup_order_that_is_not_waiting_at_the_counter_and_changes_nothing(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 330 if language == "en" else 331, "Pim", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 1}, language, pickup=True)
    ready = next(msg for msg in shop.server.chat_messages(customer.id) if msg.kind == "photo")
    assert ready.file is not None
    pickup = read_barcode(ready.file.content)
    await packer.send(f"/ship {code} DPD TRK-P1")  # sent by courier after all
    assert await status(shop, code) == "shipped"
    on_hand = await stock(shop, "85123A")

    refused = await packer.send(f"/handover {pickup}")
    said = {
        "en": f"Order {code} is shipped: only a packed pickup order can be handed over.",
        "ru": f"Заказ {code} сейчас: отправлен. Выдать можно только упакованный заказ самовывоза.",
    }
    assert refused.last.text == said[language]
    assert await status(shop, code) == "shipped" and await stock(shop, "85123A") == on_hand
    async with shop.runtime.sessions() as session:
        used = await session.scalar(select(m.PickupCodeRow.used_at).where(m.PickupCodeRow.code == pickup))
        payments = await session.scalar(select(func.count()).select_from(m.PaymentRow))
    assert (used, payments) == (None, 0)


async def test_a_returned_line_names_the_parcel_it_left_in(shop: RunningBot) -> None:
    from tests.e2e.returns import ask_return

    customer = SandboxUser(shop.server, 320, "Rita")
    code, packer = await packed_order(shop, customer, {"85123A": 2, "22197": 1}, "en")
    await packer.send(f"/ship {code} 22197=1 DPD TRK-R1")
    await packer.send(f"/ship {code} Royal Mail TRK-R2")
    await packer.send(f"/delivered {code}")
    assert await status(shop, code) == "delivered"
    staff_view = (await SandboxUser(shop.server, ADMIN, "Ada").send(f"/order {code}")).last.text
    assert "📦 1 · DPD · TRK-R1 · delivered · 1 × 22197" in staff_view
    assert "📦 2 · Royal Mail · TRK-R2 · delivered · 2 × 85123A" in staff_view

    rma = await ask_return(shop, customer, code, "22197", "Damaged")
    shown = (await SandboxUser(shop.server, ADMIN, "Ada").send(f"/rma {rma}")).last.text
    assert "left in parcel 1 (DPD, TRK-R1)" in shown and "TRK-R2" not in shown


BUTTONS = {  # a line's button on a phone: its name, the parcel it came in, how many may come back
    "en": ("Popcorn Holder · 📦 parcel 1 · up to 1", "White Hanging Heart… · 📦 parcel 2 · up to 1"),
    "ru": ("Стаканчик для… · 📦 посылка 1 · до 1 шт.", "Белый подвесной… · 📦 посылка 2 · до 1 шт."),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_from_a_partially_shipped_order_only_delivered_parcels_lines_come_back_named_by_parcel_on_a_phone_s_width(
    shop: RunningBot, language: str
) -> None:
    from tests.e2e.returns import rma_of

    customer = SandboxUser(shop.server, 340 if language == "en" else 341, "Rita", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 2, "22197": 1}, language)
    await packer.send(f"/ship {code} 22197=1 DPD 15501234567890")  # a real carrier's long tracking
    await packer.send(f"/ship {code} 85123A=1 DHL TRK-Q2")
    await packer.send("/delivered 15501234567890")
    assert await status(shop, code) == "partially_shipped"

    detail = await customer.send(f"/track {code}")
    return_button = {"en": "↩️ Return", "ru": "↩️ Вернуть"}[language]
    lines = await customer.press(detail.last, return_button)
    # 85123A is on its way or packed; the parcel by its number (its tracking is on /track), so a
    # line's button fits a phone's width.
    popcorn, heart = BUTTONS[language]
    assert lines.last.button_texts() == [popcorn]
    assert all(len(text) <= 40 for text in lines.last.button_texts())

    reasons = await customer.press(lines.last, popcorn)
    reasons = await customer.press(reasons.last, {"en": "Continue", "ru": "Далее"}[language])
    photos = await customer.press(reasons.last, reasons.last.button_texts()[0])
    method = await customer.press(photos.last, photos.last.button_texts()[-1])
    rma = rma_of((await customer.press(method.last, method.last.button_texts()[0])).last.text)
    async with shop.runtime.sessions() as session:
        returned = (
            await session.execute(
                select(m.ProductRow.sku, m.ReturnLineRow.quantity).join(
                    m.ProductRow, m.ProductRow.id == m.ReturnLineRow.product_id
                )
            )
        ).all()
    assert [tuple(r) for r in returned] == [("22197", 1)] and rma

    await packer.send(f"/ship {code} Royal Mail TRK-Q3")
    await packer.send("/delivered TRK-Q2")
    again = await customer.send(f"/return {code}")  # the popcorn holder is already on its way back
    assert again.last.button_texts() == [heart]


async def test_an_order_stocked_in_two_warehouses_leaves_in_a_parcel_from_each(shop: RunningBot) -> None:
    from tests.e2e.conftest import hire

    customer = SandboxUser(shop.server, 340, "Wyn")
    for sku in ("85123A", "84077"):  # the holders are in London only, the gliders in Manchester only
        await add_to_cart(customer, sku, 1)
    code = order_code(await place_cod_order(customer))
    before = {sku: dict((w, on_hand) for w, on_hand, _ in await stock(shop, sku)) for sku in ("85123A", "84077")}
    for user_id, warehouse in ((341, "LON"), (342, "MAN")):  # each warehouse's picker picks its line
        picker = await hire(shop, user_id, "Pia", "picker", warehouse)
        await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    assert await status(shop, code) == "picked"
    packer = await hire_in(shop, 343, "Pax", "packer", "en")
    reply = await packer.send(f"/pack {code}")
    for sku in ("85123A", "84077"):
        reply = await packer.send(f"{sku} 1")
    await packer.press((await packer.press(reply.last, "✅")).last, "⚖️")

    london = await packer.send(f"/ship {code} 85123A=1 DPD TRK-LON")
    assert london.last.text == (
        f"Parcel 1 of order {code} (1 × 85123A) left with DPD, tracking TRK-LON: order partially shipped."
    )
    manchester = await packer.send(f"/ship {code} Royal Mail TRK-MAN")
    assert manchester.last.text == (
        f"Parcel 2 of order {code} (1 × 84077) left with Royal Mail, tracking TRK-MAN: order shipped."
    )
    after = {sku: dict((w, on_hand) for w, on_hand, _ in await stock(shop, sku)) for sku in ("85123A", "84077")}
    assert after["85123A"]["LON"] == before["85123A"]["LON"] - 1 and after["84077"]["MAN"] == before["84077"]["MAN"] - 1
    async with shop.runtime.sessions() as session:
        trackings = (await session.scalars(select(m.ParcelRow.tracking).order_by(m.ParcelRow.id))).all()
    assert list(trackings) == ["TRK-LON", "TRK-MAN"] and await status(shop, code) == "shipped"


async def test_the_rest_of_a_card_order_ships_when_its_first_parcel_came_back_refunded(
    paying_shop: RunningBot,
) -> None:
    from tests.e2e.returns import refunded_return

    shop = paying_shop

    customer = SandboxUser(shop.server, 360, "Rita")
    await add_to_cart(customer, "22197", 1)
    invoice = await place_card_order(customer, "85123A", 2, pickup=False)
    code = order_of_invoice(invoice)
    await customer.pay(invoice)
    runtime = shop.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send(f"/ship {code} 22197=1 DPD TRK-C1")
    await admin.send("/delivered TRK-C1")
    await refunded_return(shop, 360, code, "22197")
    assert await payments(shop, code) == [("payment", 1045), ("refund_owed", 85)]  # paid, and owed back for it

    shipped = await admin.send(f"/ship {code} Royal Mail TRK-C2")
    assert f"Parcel 2 of order {code} (2 × 85123A) left with Royal Mail" in shipped.last.text
    assert await status(shop, code) == "shipped"
    assert await payments(shop, code) == [("payment", 1045), ("refund_owed", 85)]  # nothing more asked


PACKED_NOT_SHIPPED = {
    "en": "Order {code} is packed: only a shipped order can be marked delivered. Nothing was changed.",
    "ru": "Заказ {code} в статусе «упакован»: доставленным можно отметить только отгруженный заказ. "
    "Ничего не изменено.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_packed_order_that_never_left_cannot_be_marked_delivered(shop: RunningBot, language: str) -> None:
    """The state machine lets a packed pickup order be handed over (``/handover``), so ``/delivered``
    took a packed courier order too: delivered with its parcel never made, its stock never out."""
    customer = SandboxUser(shop.server, 330, "Dot", language_code=language)
    code, packer = await packed_order(shop, customer, {"85123A": 2}, language)
    packed_stock = await stock(shop, "85123A")
    said = (await packer.send(f"/delivered {code}")).last.text
    assert said == PACKED_NOT_SHIPPED[language].format(code=code)
    assert await status(shop, code) == "packed" and await parcel_count(shop) == 0
    assert await stock(shop, "85123A") == packed_stock
    await packer.send(f"/ship {code} DPD TRK-P1")
    assert await status(shop, code) == "shipped"
    assert {w: on_hand for w, on_hand, _ in await stock(shop, "85123A")}["LON"] == (
        {w: on_hand for w, on_hand, _ in packed_stock}["LON"] - 2
    )
    delivered = (await packer.send(f"/delivered {code}")).last.text
    assert delivered == WORDS[language]["all_delivered"].format(code=code)
    assert await status(shop, code) == "delivered"
