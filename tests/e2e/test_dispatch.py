"""Packing, documents and shipping through the sandbox: a packing mismatch, box choice and
weight, label / packing slip / receipt PDFs (read back), ship and deliver with the
customer told, and stock leaving the warehouse at shipment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.usecases.imports.lists import import_boxes
from handlers.output.barcodes import barcode_png
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, pdf_text, pick_everything, picked_order, status, stock


async def test_an_order_is_packed_shipped_and_delivered_with_its_documents(shop: RunningBot) -> None:
    before = dict((w, (on_hand, reserved)) for w, on_hand, reserved in await stock(shop, "85123A"))
    code = await picked_order(shop, 200, {"85123A": 2, "22197": 1})
    packer = await hire(shop, 70, "Pax", "packer", "LON")
    start = await packer.send(f"/pack {code}")
    assert f"Packing order {code}" in start.last.text and "2 × 85123A" in start.last.text

    wrong = await packer.send("23166")
    assert wrong.last.text == f"“23166” is not in order {code}."
    progress = await packer.send("85123A")
    assert "Still to scan: 1 × 22197, 1 × 85123A" in progress.last.text
    await packer.send_photo(barcode_png("2008512350000", ean=True))
    too_many = await packer.send("85123A")
    assert too_many.last.text == "All 2 × 85123A are already scanned."
    boxes = await packer.send("22197")
    assert "All items of" in boxes.last.text and "Proposed:" in boxes.last.text
    assert "Box S" in boxes.last.text  # two t-light holders and a popcorn holder fit the small box

    too_small = await packer.press(boxes.last, "XS")
    assert "send its weight in grams" in too_small.last.text
    weight = await packer.send("1200 g")
    assert weight.last.text == "Box XS is too small for this order."
    boxes = await packer.send(f"/pack {code}")
    for sku in ("85123A", "85123A", "22197"):
        boxes = await packer.send(sku)
    asked = await packer.press(boxes.last, "As proposed")
    assert "send its weight in grams" in asked.last.text
    assert (await packer.send("heavy")).last.text == "Weight is a whole number of grams from 1 to 100000."
    packed = await packer.send("1130")
    assert f"Order {code} is packed: S 1,130 g" in packed.last.text
    assert await status(shop, code) == "packed"

    label = await packer.press(packed.last, "Label")
    label_file = label.last.file
    assert label_file is not None and label_file.file_name == f"label-{code}.pdf"
    text = pdf_text(label_file.content)
    assert code in text and "London warehouse" in text and "Package 1 of 1" in text and "C200" in text
    slip = await packer.press(packed.last, "Packing slip")
    assert slip.last.file is not None
    slip_text = pdf_text(slip.last.file.content)
    assert "85123A" in slip_text and "B-06-06-3" in slip_text and "£" in slip_text
    assert "Package 1 of 1 · box S · 1,130 g" in text and "Packed: box S · 1,130 g" in slip_text.splitlines()

    bad_tracking = await packer.send(f"/ship {code} DPD x")
    assert bad_tracking.last.text == "A tracking number is 4–40 letters, digits or dashes."
    shipped = await packer.send(f"/ship {code} DPD 15501234567890")
    assert shipped.last.text == f"Order {code} is shipped with DPD, tracking 15501234567890. The customer was told."
    told = [msg.text for msg in shop.server.chat_messages(200)]
    assert any("on its way with DPD" in t and "https://track.dpd.co.uk/parcels/15501234567890" in t for t in told)
    after = dict((w, (on_hand, reserved)) for w, on_hand, reserved in await stock(shop, "85123A"))
    assert after["LON"] == (before["LON"][0] - 2, before["LON"][1])  # left on hand, reservation gone
    async with shop.runtime.sessions() as session:
        reasons = (
            await session.scalars(
                select(m.InventoryMovementRow.reason).where(m.InventoryMovementRow.reason == f"shipment {code}")
            )
        ).all()
    assert len(reasons) == 2  # one per product

    assert (await packer.send(f"/delivered {code}")).last.text == f"Order {code} is delivered. The customer was told."
    assert await status(shop, code) == "delivered"
    customer = SandboxUser(shop.server, 200, "C200")
    assert any(f"New order {code}" in msg.text for msg in shop.server.chat_messages(-100500))
    detail = await customer.send(f"/track {code}")
    from_button = await customer.press(detail.last, "Receipt")
    assert from_button.last.file is not None and from_button.last.file.file_name == f"receipt-{code}.pdf"
    receipt = await customer.send(f"/receipt {code}")
    assert receipt.last.file is not None
    assert "Receipt — order" in pdf_text(receipt.last.file.content)
    other = SandboxUser(shop.server, 201, "Eve")
    not_hers = (await other.send(f"/receipt {code}")).last  # another's code: as any code not hers, nothing of it
    assert not_hers.text == f"There is no order {code} among yours. You have no orders yet.", not_hers.text
    manager = await hire(shop, 72, "Mia", "manager")  # staff read any order's receipt, in their language
    staff_copy = await manager.send(f"/receipt {code}")
    assert staff_copy.last.file is not None and staff_copy.last.file.file_name == f"receipt-{code}.pdf"
    assert "Receipt — order" in pdf_text(staff_copy.last.file.content)


async def test_a_shipping_label_shows_a_customers_cyrillic_name(shop: RunningBot) -> None:
    code = await picked_order(shop, 210, {"85123A": 1})
    packer = await hire(shop, 71, "Пётр", "packer", "LON")
    async with shop.runtime.sessions() as session, session.begin():
        row = await session.scalar(select(m.CustomerRow).where(m.CustomerRow.telegram_id == 210))
        assert row is not None
        row.first_name = "Анна"
    reply = await packer.send(f"/pack {code}")
    reply = await packer.send("85123A")
    reply = await packer.press(reply.last, "As proposed")
    reply = await packer.press(reply.last, "estimate")
    label = await packer.press(reply.last, "Label")
    assert label.last.file is not None
    assert "Анна" in pdf_text(label.last.file.content)


async def test_packing_and_shipping_are_refused_out_of_order_and_to_other_roles(shop: RunningBot) -> None:
    code = await order(shop, 220, {"85123A": 1})
    packer = await hire(shop, 72, "Pam", "packer", "LON")
    assert (await packer.send(f"/pack {code}")).last.text == (
        f"Order {code} is confirmed, being prepared: only picked orders can be packed."
    )
    assert (await packer.send(f"/ship {code} DPD 123456")).last.text == (
        f"Order {code} is confirmed, being prepared: only packed orders can be shipped."
    )
    picker = await hire(shop, 73, "Pip", "picker", "LON")
    assert (await picker.send(f"/pack {code}")).last.text == "Your role (picker) does not allow this."
    customer = SandboxUser(shop.server, 220, "C220")
    assert (await customer.send(f"/ship {code} DPD 123456")).last.text == "This command is for shop staff only."


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "This checkout has expired. Start again with /checkout."),
        ("ru", "Это оформление устарело. Начните заново: /checkout."),
    ],
)
async def test_a_gift_button_from_an_older_review_cannot_edit_the_newer_checkout(
    shop: RunningBot, language: str, refusal: str
) -> None:
    from tests.e2e.journeys import add_to_cart, checkout_to_payment

    giver = SandboxUser(shop.server, 233, "Gil", language_code=language)
    await add_to_cart(giver, "85123A", 1)
    old = await giver.press((await checkout_to_payment(giver)).last, "💵")
    new = await giver.press((await checkout_to_payment(giver)).last, "💵")  # checked out again: a new review
    stale = await giver.press(old.last, "🎁")
    assert stale.callback_answer is not None and stale.callback_answer["text"] == refusal
    assert not any("🎁" in message.text for message in stale.new)  # not asked for a card message
    reply = await giver.send("Happy birthday")  # typed at the review: no gift card is taken from it
    assert "🎁 A gift" not in reply.last.text
    still = await giver.press(new.last, "🎁")  # the current review's button works
    assert still.last.text.startswith(("Type the message for the gift card", "Напишите текст для открытки"))


async def test_a_gift_order_has_its_card_on_a_slip_without_prices(shop: RunningBot) -> None:
    from tests.e2e.journeys import add_to_cart, checkout_to_payment, order_code

    giver = SandboxUser(shop.server, 230, "Gil")
    await add_to_cart(giver, "85123A", 1)
    reply = await checkout_to_payment(giver)
    review = await giver.press(reply.last, "Cash on delivery")
    ask = await giver.press(review.last, "Send as a gift")
    assert ask.last.text.startswith("Type the message for the gift card")
    review = await giver.send("Happy birthday, <Ann> & co!")
    assert "🎁 A gift, wrapped, no prices in the parcel. Card: “Happy birthday, <Ann> & co!”" in review.last.text
    code = order_code(await giver.press(review.last, "Confirm order"))
    picker = await hire(shop, 231, "Pia", "picker", "LON")
    await pick_everything(picker, await picker.press((await picker.send("/pick")).last, "Single order"))
    packer = await hire(shop, 232, "Pax", "packer", "LON")
    reply = await packer.send(f"/pack {code}")
    assert "gift" in reply.last.text
    reply = await packer.send("85123A")
    reply = await packer.press(reply.last, "As proposed")
    packed = await packer.press(reply.last, "estimate")
    slip = await packer.press(packed.last, "Packing slip")
    assert slip.last.file is not None
    text = pdf_text(slip.last.file.content)
    assert "Gift card: “Happy birthday, <Ann> & co!”" in text and "£" not in text
    assert f"GFT-{code}" in (await packer.send(f"/order GFT-{code}")).last.text


async def test_packing_takes_sku_and_quantity_as_picking_does(shop: RunningBot) -> None:
    code = await picked_order(shop, 210, {"85123A": 3, "22197": 1})
    packer = await hire(shop, 71, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    assert (await packer.send("85123A 4")).last.text == "Only 3 more × 85123A are left to scan in this order."
    assert (await packer.send("85123A two")).last.text == (
        "“85123A two” is not a scan: send the item's SKU or barcode, or a photo of the barcode;"
        " for more than one, the count after it (2 or x2)."
    )
    assert (await packer.send("85123A 1 2")).last.text == "Quantity must be a whole number from 1 to 9999."
    progress = await packer.send("85123A 2")
    assert "Still to scan: 1 × 85123A, 1 × 22197" in progress.last.text or (
        "Still to scan: 1 × 22197, 1 × 85123A" in progress.last.text
    )
    assert (await packer.send("85123A 2")).last.text == "Only 1 more × 85123A are left to scan in this order."
    await packer.send("85123A 1")
    boxes = await packer.send("2002219700007 1")  # a barcode with a count, as when picking
    assert "All items of" in boxes.last.text and "Proposed:" in boxes.last.text


async def test_a_shop_with_more_box_sizes_than_a_row_holds_is_offered_each(shop: RunningBot) -> None:
    """Every box was a button in one row: a shop with 12 sizes (mailers and boxes) passed
    Telegram's 8 buttons a row, and the packer's last scan was answered "something went wrong"."""
    sizes = "".join(f"B{n:02d},Box {n},{200 + 20 * n},{150 + 10 * n},{100 + 10 * n},{2000 * n}\n" for n in range(1, 13))
    await import_boxes(shop.runtime.uow(), "code,name,length_mm,width_mm,height_mm,max_weight_g\n" + sizes)
    code = await picked_order(shop, 211, {"85123A": 1})
    packer = await hire(shop, 72, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    boxes = (await packer.send("85123A")).last
    offered = [text for text in boxes.button_texts() if text != "✅ As proposed"]
    assert {f"B{n:02d}" for n in range(1, 13)} <= set(offered)  # and the demo's that fit
    asked = await packer.press(boxes, "B12")
    assert "send its weight in grams" in asked.last.text


async def _scanned_with_130_boxes(
    shop: RunningBot, customer_id: int, packer_id: int, language: str = "en"
) -> tuple[str, SandboxUser, BotMessage]:
    """An order packed to its last scan in a shop with 130 mailer sizes (M001…M130): the box screen."""
    sizes = "".join(f"M{n:03d},Mailer {n},{400 + n},{300 + n},{200 + n},{30000 + n}\n" for n in range(1, 131))
    await import_boxes(shop.runtime.uow(), "code,name,length_mm,width_mm,height_mm,max_weight_g\n" + sizes)
    code = await picked_order(shop, customer_id, {"85123A": 1})
    packer = await hire(shop, packer_id, "Pam", "packer", "LON", language=language)
    await packer.send(f"/pack {code}")
    return code, packer, (await packer.send("85123A")).last


async def test_a_shop_with_more_boxes_than_a_message_holds_pages_them_and_every_box_can_be_chosen(
    shop: RunningBot,
) -> None:
    """/pack offered the first 96 boxes and dropped the rest without a word."""
    code, packer, first = await _scanned_with_130_boxes(shop, 213, 74)
    offered = [t for t in first.button_texts() if t not in ("✅ As proposed", "Next ▶")]
    assert len(first.button_texts()) <= 100 and "Next ▶" in first.button_texts()
    assert "◀ Previous" not in first.button_texts()
    turned = await packer.press(first, "Next ▶")
    assert turned.callback_answer is not None and not turned.callback_answer.get("text")
    second = turned.last
    assert "✅ As proposed" in second.button_texts() and "◀ Previous" in second.button_texts()
    offered += [t for t in second.button_texts() if t not in ("✅ As proposed", "◀ Previous", "Next ▶")]
    assert "Next ▶" not in second.button_texts()
    assert {f"M{n:03d}" for n in range(1, 131)} <= set(offered) and len(offered) == len(set(offered))
    asked = await packer.press(second, "M130")
    assert "send its weight in grams" in asked.last.text
    packed = await packer.send("1200")
    assert "M130" in packed.text
    async with shop.runtime.sessions() as session:
        boxes = (
            await session.scalars(select(m.PackageRow.box_code).join(m.OrderRow).where(m.OrderRow.code == code))
        ).all()
    assert boxes == ["M130"]


@pytest.mark.parametrize(
    ("language", "next_", "proposed", "scanned"),
    [
        ("en", "Next ▶", "✅ As proposed", "All items of {code} are scanned."),
        ("ru", "Далее ▶", "✅ Как предложено", "Все товары заказа {code} отсканированы."),
    ],
)
async def test_a_box_page_button_pressed_on_a_screen_over_48_hours_old_shows_the_page_in_a_new_message(
    shop: RunningBot, language: str, next_: str, proposed: str, scanned: str
) -> None:
    """Telegram hands such a message over as inaccessible: ▶ could not turn its buttons and showed nothing."""
    code, packer, first = await _scanned_with_130_boxes(shop, 217, 76, language)
    turned = await packer.press(first, next_, too_old=True)
    assert turned.edited == [] and len(turned.new) == 1, turned.messages
    second = turned.new[0]
    assert second.text.startswith(f"✅ {scanned.format(code=code)}") and "M130" in second.button_texts()
    assert proposed in second.button_texts() and next_ not in second.button_texts()
    await packer.press(second, "M130")  # a box of the new message's page packs the order
    assert "M130" in (await packer.send("1200")).text


async def test_a_box_page_button_of_another_packing_is_refused_politely(shop: RunningBot) -> None:
    _code, packer, boxes = await _scanned_with_130_boxes(shop, 215, 75)
    await packer.send("/cancel")
    stale = await packer.press(boxes, "Next ▶")
    assert stale.callback_answer is not None and stale.callback_answer.get("show_alert")
    assert stale.callback_answer["text"] == "This item is no longer available. Please open the menu again."
    assert stale.messages == []


async def test_a_forged_or_unknown_document_button_is_answered_as_stale_and_sends_nothing(shop: RunningBot) -> None:
    code = await picked_order(shop, 216, {"85123A": 1})
    packers = [(await hire(shop, 76, "Pax", "packer", "LON"), "This item is no longer available.")]
    packers.append((await hire(shop, 77, "Пётр", "packer", "LON", language="ru"), "Этот пункт больше недоступен."))
    for packer, stale in packers:
        screen = (await packer.send(f"/pack {code}")).last
        for forged in (f"doc:{code}:parcelX", f"doc:{code}:parcel", f"doc:{code}:parcel99", f"doc:{code}:recipe"):
            reply = await packer.press_data(screen, forged)
            assert reply.callback_answer is not None and reply.callback_answer.get("show_alert"), forged
            assert reply.callback_answer["text"].startswith(stale), forged
            assert reply.messages == [], forged
