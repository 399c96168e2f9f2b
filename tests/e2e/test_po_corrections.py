"""A PO number given wrong at checkout is corrected after the order is placed: by its buyer from the order's
screen until it ships, by staff from /order at any stage but cancelled; each change is in the order's timeline
(who, from what, to what), /order finds the order by the new number and the invoice printed after carries it.

Demo data used: 85123A at £2.95, 806 in LON."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.invoice_part_payments import invoice_document
from tests.e2e.journeys import add_to_cart, business_customer, checkout_to_payment, order_code, scalar

WORDS = {
    "en": {
        "add": "🧾 Add your PO number",
        "change": "🧾 Change your PO number",
        "staff": "🧾 Change the PO number",
        "asked": "Type the new purchase order number for order {code} (up to 64 characters)",
        "long": "A purchase order number is at most 64 characters; this one has 65. Nothing was changed.",
        "done": "Order {code}: PO number {po}. Invoices and packing slips printed from now on carry it.",
        "history": "PO number {was} → {now}",
        "shipped": "Order {code} has shipped, so its PO number can no longer be changed here: ask us and we "
        "correct it.",
        "none": "Order {code} has no PO number now.",
        "receipt": "🧾 Invoice (PDF)",
        "printed": "Your reference: {po}",
    },
    "ru": {
        "add": "🧾 Указать номер вашего заказа (PO)",
        "change": "🧾 Изменить номер вашего заказа (PO)",
        "staff": "🧾 Изменить номер заказа покупателя (PO)",
        "asked": "Введите новый номер заказа на закупку для заказа {code} (до 64 символов)",
        "long": "Номер заказа на закупку — не больше 64 символов, а в этом 65. Ничего не изменено.",
        "done": "Заказ {code}: номер PO {po}. Он будет в счетах и упаковочных листах, напечатанных с этого момента.",
        "history": "номер PO {was} → {now}",
        "shipped": "Заказ {code} уже отправлен, поэтому номер PO здесь больше не изменить: напишите нам, и мы "
        "исправим его.",
        "none": "У заказа {code} теперь нет номера PO.",
        "receipt": "🧾 Счёт (PDF)",
        "printed": "Ваш номер заказа: {po}",
    },
}


async def reference(shop: RunningBot, code: str) -> str:
    found = await scalar(shop, select(m.OrderRow.reference).where(m.OrderRow.code == code))
    assert isinstance(found, str)
    return found


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_wrong_po_number_is_corrected_by_the_buyer_until_it_ships_then_by_staff(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    buyer = await business_customer(shop, 811, "Café Lyon", language)
    await add_to_cart(buyer, "85123A", 4)
    review = await buyer.press((await checkout_to_payment(buyer, location=False)).last, "🧾")
    await buyer.press(review.last, words["add"])
    code = order_code(await buyer.press((await buyer.send("PO-5521")).last, "✅"))  # digits swapped: 5512

    screen = next(msg for msg in (await buyer.send(f"/track {code}")).messages if words["change"] in msg.button_texts())
    asked = await buyer.press(screen, words["change"])
    assert words["asked"].format(code=code) in asked.last.text
    assert (await buyer.send("X" * 65)).last.text == words["long"]  # refused, still asked
    assert await reference(shop, code) == "PO-5521"
    done = await buyer.send("  po-5512 ")
    assert done.last.text == words["done"].format(code=code, po="po-5512")
    assert await reference(shop, code) == "po-5512"
    assert words["printed"].format(po="po-5512") in await invoice_document(buyer, code, words["receipt"])

    manager = await hire(shop, 812, "Mia", "manager", language=language)
    shown = (await manager.send("/order PO-5512")).messages[0]  # found by the new number, any case
    assert code in shown.text and words["history"].format(was="PO-5521", now="po-5512") in shown.text, shown.text

    async with shop.runtime.sessions() as session, session.begin():  # the order leaves the warehouse
        await session.execute(update(m.OrderRow).where(m.OrderRow.code == code).values(status="shipped"))
    late = await buyer.press(screen, words["change"])  # the button of the screen from before it shipped
    assert words["asked"].format(code=code) in late.last.text
    assert (await buyer.send("PO-9999")).last.text == words["shipped"].format(code=code)
    assert await reference(shop, code) == "po-5512"
    again = (await buyer.send(f"/track {code}")).messages
    assert not any(words["change"] in msg.button_texts() for msg in again)

    shown = (await manager.send(f"/order {code}")).messages[0]
    await manager.press(shown, words["staff"])
    assert (await manager.send("PO-5512")).last.text == words["done"].format(code=code, po="PO-5512")
    assert await reference(shop, code) == "PO-5512"
    await manager.press(shown, words["staff"])
    assert (await manager.send("/skip")).last.text == words["none"].format(code=code)
    assert await reference(shop, code) == ""
    timeline = (await manager.send(f"/order {code}")).messages[0].text
    assert words["history"].format(was="po-5512", now="PO-5512") in timeline
    assert words["history"].format(was="PO-5512", now="—") in timeline
    history = await scalar(
        shop, select(m.OrderHistoryRow.actor).where(m.OrderHistoryRow.reason == "po number: po-5512 → PO-5512")
    )
    assert history == "staff:812"


TOLD = {
    "en": {
        "changed": "🧾 We changed the PO number of order {code}: {was} → {now}. Invoices and packing slips printed "
        "from now on carry it.",
        "removed": "🧾 We removed the PO number PO-7700 from order {code}: invoices and packing slips printed from "
        "now on carry none.",
    },
    "ru": {
        "changed": "🧾 Мы изменили номер PO заказа {code}: {was} → {now}. Он будет в счетах и упаковочных листах, "
        "напечатанных с этого момента.",
        "removed": "🧾 Мы убрали номер PO PO-7700 из заказа {code}: в счетах и упаковочных листах, напечатанных с "
        "этого момента, его не будет.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_buyer_is_told_when_staff_change_their_po_number(shop: RunningBot, language: str) -> None:
    """Their goods-in desk checks deliveries against the number: a change they did not make is news to them."""
    buyer = await business_customer(shop, 821, "Café Nice", language)
    await add_to_cart(buyer, "85123A", 2)
    review = await buyer.press((await checkout_to_payment(buyer, location=False)).last, "🧾")
    await buyer.press(review.last, WORDS[language]["add"])
    code = order_code(await buyer.press((await buyer.send("PO-<7700>")).last, "✅"))
    manager = await hire(shop, 822, "Mia", "manager", language=language)

    shown = (await manager.send(f"/order {code}")).messages[0]
    await manager.press(shown, WORDS[language]["staff"])
    await manager.send("PO-7700")
    told = TOLD[language]["changed"].format(code=code, was="PO-<7700>", now="PO-7700")
    assert buyer.messages()[-1].text.startswith(told), buyer.messages()[-1].text
    assert f"/track {code}" in buyer.messages()[-1].text
    seen = len(buyer.messages())

    await manager.press(shown, WORDS[language]["staff"])
    await manager.send("PO-7700")  # the same number: nothing changed, nothing said
    assert len(buyer.messages()) == seen
    await manager.press(shown, WORDS[language]["staff"])
    await manager.send("/skip")
    assert buyer.messages()[-1].text.startswith(TOLD[language]["removed"].format(code=code))

    tracked = (await buyer.send(f"/track {code}")).messages
    screen = next(m for m in tracked if WORDS[language]["add"] in m.button_texts())
    await buyer.press(screen, WORDS[language]["add"])
    seen = len(buyer.messages())
    await buyer.send("PO-7701")  # their own change: the reply says it, no second message
    assert len(buyer.messages()) == seen + 1


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staffs_change_the_po_number_pressed_on_an_order_screen_over_48_hours_old_asks_for_it_anew(
    shop: RunningBot, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: the step began and nothing asked for the number."""
    words = WORDS[language]
    buyer = await business_customer(shop, 831, "Café Arles", language)
    await add_to_cart(buyer, "85123A", 2)
    review = await buyer.press((await checkout_to_payment(buyer, location=False)).last, "🧾")
    code = order_code(await buyer.press(review.last, "✅"))
    manager = await hire(shop, 832, "Mia", "manager", language=language)
    shown = (await manager.send(f"/order {code}")).messages[0]
    asked = await manager.press(shown, words["staff"], too_old=True)
    assert asked.edited == [] and words["asked"].format(code=code) in asked.new[-1].text, asked.messages
    assert (await manager.send("PO-8800")).last.text == words["done"].format(code=code, po="PO-8800")
    assert await reference(shop, code) == "PO-8800"
