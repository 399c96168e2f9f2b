"""An order a web shop took payment for is a card order underneath, so an edit making it dearer offered its customer
"💳 Pay the difference" in Telegram, and staff a Telegram payment link: money only the channel takes. A dearer edit
of it is refused, customer's and staff's alike, each told why and what to do, nothing changed or booked (en and ru);
a cheaper one is still owed back where it was paid."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot, running_bot
from tests.e2e.conftest import hire, refused_calls
from tests.e2e.intake_api import card_shop, placed_for_alice
from tests.e2e.journeys import line_quantities, order_books, payments
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "edit": "✏️ Edit",
        "pay": "Pay the difference",
        "customer": "Order {code} was paid at web shop, so the £3.45 more this change costs cannot be paid here. "
        "Nothing was changed: ask us (💬 Contact us) and we will settle it with you.",
        "no chat": "Order {code} was paid at web shop, so the £3.45 more this change costs cannot be paid here. "
        "Nothing was changed: contact us through web shop, where you paid, and we will settle it with you.",
        "staff": "Order {code} was paid at web shop: this change would leave £3.45 to pay, which only web shop can "
        "take. Nothing was changed: have web shop send what is added as a new order, or make a change that costs "
        "no more.",
    },
    "ru": {
        "edit": "✏️ Изменить",
        "pay": "Оплатить разницу",
        "customer": "Заказ {code} оплачен в web shop, поэтому доплату 3,45 £ за это изменение здесь внести нельзя. "
        "Ничего не изменено: напишите нам («💬 Написать нам»), и мы договоримся с вами.",
        "no chat": "Заказ {code} оплачен в web shop, поэтому доплату 3,45 £ за это изменение здесь внести нельзя. "
        "Ничего не изменено: свяжитесь с нами через web shop, где вы оплатили заказ, и мы договоримся с вами.",
        "staff": "Заказ {code} оплачен в web shop: после этого изменения осталось бы доплатить 3,45 £, а принять "
        "доплату может только web shop. Ничего не изменено: пусть web shop пришлёт добавленное отдельным заказом, "
        "или сделайте изменение, которое не дороже.",
    },
}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param) as bot:
        yield bot


@pytest.fixture(params=["en", "ru"])
async def chatless(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """A card shop with neither a support nor a staff chat: no 💬 Contact us to point to."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chatless.sqlite3'}"
    token, language = "sandbox:provider", request.param
    async with running_bot(
        url, clock=clock, default_currency="GBP", payment_provider_token=token, default_locale=language
    ) as bot:
        yield bot
        assert refused_calls(bot) == []


def _said(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_a_dearer_edit_of_an_order_paid_at_the_channel_is_refused_and_nothing_is_owed_in_telegram(
    shop: RunningBot,
) -> None:
    language = shop.runtime.settings.default_locale
    words = WORDS[language]
    alice, code = await placed_for_alice(shop, "edit-1")  # 2 × £2.95 and £3.70 shipping, paid there
    await shop.runtime.notifier.drain()
    books = await order_books(shop, code)

    screen = (await alice.press((await alice.send(f"/track {code}")).last, words["edit"])).last
    plus = next(b for b in screen.buttons() if b["text"].startswith(("➕ White", "➕ Белый")))
    refused = await alice.press_data(screen, plus["callback_data"], label="➕")
    assert refused.callback_answer is not None and refused.callback_answer["show_alert"]
    assert _said(refused.callback_answer["text"]) == _said(words["customer"].format(code=code))
    assert not [x for x in refused.new if x.kind == "invoice"]
    manager = await hire(shop, 745, "Mo", "manager", language=language)
    staff = await manager.send(f"/edit {code} 85123A 3")
    assert _said(staff.last.text) == _said(words["staff"].format(code=code)), staff.last.text
    await shop.runtime.notifier.drain()
    assert not [x for x in shop.server.chat_messages(1001) if words["pay"] in " ".join(x.button_texts())]
    assert await line_quantities(shop, code) == {"85123A": 2}
    assert await payments(shop, code) == [("payment", 960)] and await order_books(shop, code) == books

    await manager.send(f"/edit {code} 85123A 1")  # cheaper: owed back, at web shop where it was paid
    assert await line_quantities(shop, code) == {"85123A": 1}
    assert await payments(shop, code) == [("payment", 960), ("refund_owed", 295)]


async def test_a_refused_dearer_edit_points_a_shop_without_a_support_chat_to_where_it_was_paid(
    chatless: RunningBot,
) -> None:
    """No support chat, so no 💬 Contact us under the order: the refusal names the channel the customer paid at."""
    words = WORDS[chatless.runtime.settings.default_locale]
    alice, code = await placed_for_alice(chatless, "edit-1")
    await chatless.runtime.notifier.drain()
    screen = (await alice.press((await alice.send(f"/track {code}")).last, words["edit"])).last
    plus = next(b for b in screen.buttons() if b["text"].startswith(("➕ White", "➕ Белый")))
    refused = await alice.press_data(screen, plus["callback_data"], label="➕")
    assert refused.callback_answer is not None
    assert _said(refused.callback_answer["text"]) == _said(words["no chat"].format(code=code))
    assert await line_quantities(chatless, code) == {"85123A": 2}


async def test_a_refusal_longer_than_an_alert_at_staffs_edit_screen_is_said_whole_in_the_chat(shop: RunningBot) -> None:
    """Telegram shows at most 200 characters in a press's answer, and the refusal is longer (Russian more so): the
    press is answered plainly and the whole refusal said in staff's chat, not cut short."""
    language = shop.runtime.settings.default_locale
    words = WORDS[language]
    _alice, code = await placed_for_alice(shop, "edit-1")
    manager = await hire(shop, 745, "Mo", "manager", language=language)
    screen = (await manager.send(f"/edit {code}")).last
    plus = next(b for b in screen.buttons() if b["text"].startswith("➕"))
    refused = await manager.press_data(screen, plus["callback_data"], label="➕")
    assert refused.callback_answer is not None and not refused.callback_answer["text"]
    assert [_said(x.text) for x in refused.new] == [_said(words["staff"].format(code=code))]
    assert await line_quantities(shop, code) == {"85123A": 2}
    assert await payments(shop, code) == [("payment", 960)]
