"""/paid CODE AMOUNT sent twice by mistake: the same amount on the same order within a few minutes is asked about
("Record another £X payment for CODE?") with a button, not recorded silently; confirmed, it is recorded once, and a
stale press (the question answered already) records nothing. The buyer hears once per payment recorded (en/ru).

Demo data used: 22151 at £0.42 and courier delivery at £5.90 for 3 units: the invoice asks for £7.16."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import scalar
from tests.e2e.short_invoices import _invoice_order, shown
from tests.fakes import FakeClock

SAID = {
    "en": {
        "asked": "A payment of {amount} was recorded for order {code} a few minutes ago. "
        "Record another {amount} payment for {code}?",
        "button": "✅ Record another {amount}",
        "recorded": "Payment of {amount} recorded for order {code}; {left} is still to pay.",
        "stale": "This question is out of date: order {code}'s payments changed since. Nothing was recorded; "
        "see /order {code}.",
        "received": "We received your payment",
        "note": "Note: {note}",
    },
    "ru": {
        "asked": "Оплата {amount} по заказу {code} записана несколько минут назад. "
        "Записать ещё одну оплату {amount} по {code}?",
        "button": "✅ Записать ещё {amount}",
        "recorded": "Оплата {amount} по заказу {code} записана; осталось оплатить {left}.",
        "stale": "Вопрос устарел: оплаты по заказу {code} с тех пор изменились. Ничего не записано; см. /order {code}.",
        "received": "Мы получили вашу оплату",
        "note": "Примечание: {note}",
    },
}


async def _payments(shop: RunningBot, code: str) -> list[int]:
    order_id = await scalar(shop, select(m.OrderRow.id).where(m.OrderRow.code == code))
    async with shop.runtime.sessions() as session:
        rows = await session.execute(
            select(m.PaymentRow.amount_minor).where(m.PaymentRow.order_id == order_id, m.PaymentRow.kind == "payment")
        )
        return [amount for (amount,) in rows]


def _told(shop: RunningBot, buyer_id: int, language: str) -> int:
    return sum(SAID[language]["received"] in message.text for message in shop.server.chat_messages(buyer_id))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_same_paid_amount_again_within_minutes_is_asked_about_and_recorded_once_when_confirmed(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    said = SAID[language]
    buyer, code = await _invoice_order(shop, 591, "en", 3)  # £7.16
    manager = await hire(shop, 592, "Mia", "manager", language=language)
    await manager.send(f"/paid {code} 2")
    asked = (await manager.send(f"/paid {code} 2")).last  # sent twice by mistake
    two = shown(200, language).replace("\xa0", " ")
    assert asked.text.replace("\xa0", " ") == said["asked"].format(amount=two, code=code), asked.text
    assert [b.replace("\xa0", " ") for b in asked.button_texts()] == [said["button"].format(amount=two)]
    assert await _payments(shop, code) == [200]
    await shop.runtime.notifier.drain()
    assert _told(shop, buyer.id, "en") == 1

    button = asked.button_texts()[0]
    data = next(b["callback_data"] for b in asked.buttons() if "callback_data" in b)  # kept by an old screen
    pressed = await manager.press(asked, button)
    left = shown(316, language).replace("\xa0", " ")
    edited = pressed.edited[-1].text.replace("\xa0", " ") if pressed.edited else ""
    assert edited == said["recorded"].format(amount=two, code=code, left=left), pressed
    assert await _payments(shop, code) == [200, 200]
    stale = await manager.press_data(asked, data)  # the question answered already: nothing more
    alert = str((stale.callback_answer or {}).get("text", "")).replace("\xa0", " ")
    assert alert == said["stale"].format(code=code), stale
    assert await _payments(shop, code) == [200, 200]
    await shop.runtime.notifier.drain()
    assert _told(shop, buyer.id, "en") == 2

    clock.advance(minutes=10)  # a second transfer of the same amount later is a payment like any other
    await manager.send(f"/paid {code} 2")
    assert await _payments(shop, code) == [200, 200, 200]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_record_another_pressed_on_a_question_over_48_hours_old_says_what_was_recorded_in_a_new_message(
    shop: RunningBot, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: the payment was recorded and nothing said so."""
    said = SAID[language]
    _, code = await _invoice_order(shop, 593, "en", 3)  # £7.16
    manager = await hire(shop, 594, "Mia", "manager", language=language)
    await manager.send(f"/paid {code} 2")
    asked = (await manager.send(f"/paid {code} 2")).last
    pressed = await manager.press(asked, asked.button_texts()[0], too_old=True)
    two, left = shown(200, language).replace("\xa0", " "), shown(316, language).replace("\xa0", " ")
    assert pressed.edited == [] and [said_now.text.replace("\xa0", " ") for said_now in pressed.new] == [
        said["recorded"].format(amount=two, code=code, left=left)
    ], pressed
    assert await _payments(shop, code) == [200, 200]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_repeated_payment_confirmed_shows_the_note_it_keeps(shop: RunningBot, language: str) -> None:
    """Confirmed, the repeat keeps the note of the payment it repeats (a transfer's reference), but the reply said
    nothing of it, as if none were kept; the first /paid's reply names it."""
    said = SAID[language]
    _, code = await _invoice_order(shop, 595, "en", 3)  # £7.16
    manager = await hire(shop, 596, "Mia", "manager", language=language)
    await manager.send(f"/paid {code} 2 BACS 4471")
    asked = (await manager.send(f"/paid {code} 2 BACS 4471")).last  # sent twice by mistake
    pressed = await manager.press(asked, asked.button_texts()[0])
    two, left = shown(200, language).replace("\xa0", " "), shown(316, language).replace("\xa0", " ")
    edited = pressed.edited[-1].text.replace("\xa0", " ") if pressed.edited else ""
    recorded = said["recorded"].format(amount=two, code=code, left=left)
    assert edited == recorded + "\n" + said["note"].format(note="BACS 4471"), pressed
    order_id = await scalar(shop, select(m.OrderRow.id).where(m.OrderRow.code == code))
    async with shop.runtime.sessions() as session:
        notes = (await session.execute(select(m.PaymentRow.note).where(m.PaymentRow.order_id == order_id))).all()
    assert [note for (note,) in notes] == ["BACS 4471", "BACS 4471"]
