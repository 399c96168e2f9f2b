"""An order a web shop took payment for, exchanged for a dearer size, asked its customer "💳 Pay the difference" in
Telegram for money only the channel takes. Such a swap is refused as a dearer edit is, nothing asked or booked (en and
ru), as the size is picked (it was refused only after the reason, photos and way back, the request left open until
/cancel), the ways on offered in its place; a cheaper one is owed back at the web shop; a difference's button sent
before the rule takes no payment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

import domain.usecases.editing
import domain.usecases.returns
from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.intake_api import card_shop, placed_for_alice, raised_before_the_rule
from tests.e2e.journeys import order_books, payments
from tests.e2e.returns import deliver, press_line, rma_of
from tests.e2e.variants import WORDS as STEPS
from tests.e2e.variants import exchange, tshirts
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "pay": "Pay the difference",
        "refused": "Order {code} was paid at web shop, so the £1.00 more this change costs cannot be paid here. "
        "Nothing was changed: ask us (💬 Contact us) and we will settle it with you.",
        "old": "Order {code} was paid at web shop, so the £3.45 more this change costs cannot be paid here. "
        "Nothing was changed: ask us (💬 Contact us) and we will settle it with you.",
        "staff": "Order {code} was paid at web shop: this change would leave £1.00 to pay, which only web shop can "
        "take. Nothing was changed: have web shop send what is added as a new order, or make a change that costs "
        "no more.",
        "ways on": "This exchange was not opened. You can return the item for a refund instead, or exchange it for one "
        "that costs no more.",
        "refund way": "↩️ Return",
        "exchange way": "🔁 Exchange",
        "list": "Which items? Tap each one to return; you can choose several.",
        "cancelled": "Return cancelled; nothing was sent.",
    },
    "ru": {
        "pay": "Оплатить разницу",
        "refused": "Заказ {code} оплачен в web shop, поэтому доплату 1,00 £ за это изменение здесь внести нельзя. "
        "Ничего не изменено: напишите нам («💬 Написать нам»), и мы договоримся с вами.",
        "old": "Заказ {code} оплачен в web shop, поэтому доплату 3,45 £ за это изменение здесь внести нельзя. "
        "Ничего не изменено: напишите нам («💬 Написать нам»), и мы договоримся с вами.",
        "staff": "Заказ {code} оплачен в web shop: после этого изменения осталось бы доплатить 1,00 £, а принять "
        "доплату может только web shop. Ничего не изменено: пусть web shop пришлёт добавленное отдельным заказом, "
        "или сделайте изменение, которое не дороже.",
        "ways on": "Обмен не оформлен. Вместо него можно вернуть товар за деньги или обменять его на вариант "
        "не дороже.",
        "refund way": "↩️ Вернуть",
        "exchange way": "🔁 Обменять",
        "list": "Какие товары? Нажмите на каждый, который хотите вернуть; можно выбрать несколько.",
        "cancelled": "Возврат отменён; ничего не отправлено.",
    },
}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param) as bot:
        await tshirts(bot)
        yield bot


def _said(text: str) -> str:
    return text.replace("\xa0", " ")


async def _delivered_at_web_shop(shop: RunningBot, sku: str) -> tuple[SandboxUser, str]:
    alice, code = await placed_for_alice(shop, f"tee-{sku}", lines=[{"sku": sku, "quantity": 1}])
    await deliver(shop, code)
    await shop.runtime.notifier.drain()
    return alice, code


async def test_a_dearer_swap_of_an_order_paid_at_the_channel_is_refused_as_it_is_picked_and_nothing_is_left_open(
    shop: RunningBot,
) -> None:
    language = shop.runtime.settings.default_locale
    steps, words = STEPS[language], WORDS[language]
    alice, code = await _delivered_at_web_shop(shop, "TEE-M-NVY")  # £12.00 and £3.70 shipping, paid there
    books = await order_books(shop, code)

    lines = await alice.press((await alice.send(f"/track {code}")).last, steps["exchange"])
    lines = await press_line(shop, alice, lines.last, code, "TEE-M-NVY")
    which = (await alice.press(lines.last, steps["continue"])).last
    sent = len(shop.server.chat_messages(1001))
    refused = await alice.press(which, "L / Navy")  # £13.00
    assert refused.new == [] and refused.edited == [which] and len(shop.server.chat_messages(1001)) == sent
    assert _said(which.text) == _said(f"{words['refused'].format(code=code)}\n\n{words['ways on']}")
    assert which.button_texts() == [words["refund way"], words["exchange way"]]
    assert (await alice.send("/cancel")).text != words["cancelled"]  # no request left half asked
    again = await alice.press(which, words["refund way"])  # a refund instead: a return begins anew
    assert again.last.text == words["list"]
    await shop.runtime.notifier.drain()
    async with shop.runtime.sessions() as session:
        assert (await session.scalars(select(m.ReturnRow.id))).all() == []
    assert not [x for x in shop.server.chat_messages(1001) if words["pay"] in " ".join(x.button_texts())]
    assert not [x for x in shop.server.chat_messages(1001) if x.kind == "invoice"]
    assert await payments(shop, code) == [("payment", 1570)] and await order_books(shop, code) == books


async def test_a_cheaper_swap_of_an_order_paid_at_the_channel_is_owed_back_there(shop: RunningBot) -> None:
    language = shop.runtime.settings.default_locale
    alice, code = await _delivered_at_web_shop(shop, "TEE-L-NVY")  # £13.00
    replacement = await exchange(alice, shop, code, "TEE-L-NVY", "M / Navy", language)  # £12.00
    assert await payments(shop, replacement) == []
    assert await payments(shop, code) == [("payment", 1670), ("refund_owed", 100)]  # on the order paid there


async def test_an_old_pay_the_difference_button_of_an_order_paid_at_the_channel_takes_no_payment(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    language = shop.runtime.settings.default_locale
    words = WORDS[language]
    alice, code = await placed_for_alice(shop, "edit-1")  # 2 × £2.95, paid there
    await raised_before_the_rule(shop, monkeypatch, code)
    [old] = [x for x in shop.server.chat_messages(1001) if words["pay"] in " ".join(x.button_texts())]
    books = await order_books(shop, code)

    pressed = await alice.press(old, f"💳 {words['pay']}" if language == "en" else "💳 Оплатить разницу")
    assert pressed.callback_answer is not None and pressed.callback_answer["show_alert"]
    assert _said(pressed.callback_answer["text"]) == _said(words["old"].format(code=code))
    assert not [x for x in pressed.new if x.kind == "invoice"]
    assert await payments(shop, code) == [("payment", 960)] and await order_books(shop, code) == books


async def test_a_swap_asked_before_the_rule_is_not_sent_for_more_by_staff(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exchange for dearer asked before such swaps were refused: staff's 📦 Send the replacement is refused too,
    nothing placed; 💸 Refund instead gives the money back at the web shop."""
    language = shop.runtime.settings.default_locale
    steps = STEPS[language]
    alice, code = await _delivered_at_web_shop(shop, "TEE-M-NVY")
    with monkeypatch.context() as before_the_rule:

        async def allowed(*args: object, **kwargs: object) -> None:
            return None

        before_the_rule.setattr(domain.usecases.returns, "check_swap_charge", allowed)
        lines = await alice.press((await alice.send(f"/track {code}")).last, steps["exchange"])
        lines = await press_line(shop, alice, lines.last, code, "TEE-M-NVY")
        which = await alice.press(lines.last, steps["continue"])
        reasons = await alice.press(which.last, "L / Navy")
        photos = await alice.press(reasons.last, steps["reason"])
        method = await alice.press(photos.last, steps["skip"])
        rma = rma_of((await alice.press(method.last, steps["store"])).last.text)
    manager = await hire(shop, 747, "Meg", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    buttons = {
        "en": ("Approve", "Parcel received", "Restock TEE-M-NVY", "Send the replacement", "Refund instead"),
        "ru": ("Утвердить", "Посылка получена", "На склад TEE-M-NVY", "Отправить замену", "Вернуть деньги"),
    }[language]
    for step in buttons[:3]:
        shown = await manager.press(shown.last, step)
    refused = await manager.press(shown.last, buttons[3])
    # Longer than the 200 characters an alert shows: the press answered plainly, the refusal said whole in the chat.
    assert refused.callback_answer is not None and not refused.callback_answer["text"]
    assert [_said(x.text) for x in refused.new] == [_said(WORDS[language]["staff"].format(code=code))]
    assert await payments(shop, code) == [("payment", 1570)]
    await manager.press(shown.last, buttons[4])
    assert await payments(shop, code) == [("payment", 1570), ("refund_owed", 1200)]
