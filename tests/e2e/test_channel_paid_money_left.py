"""An order a web shop took payment for, raised by an edit before such edits were refused, still showed its customer
"💳 Pay the difference" and "Still to pay" on its screen, in the chat and the Mini App, and pressing it was refused.
The button is gone from both, and the screen says the rest is paid through the web shop, not here (en and ru)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.intake_api import card_shop, placed_for_alice, raised_before_the_rule
from tests.e2e.miniapp import miniapp, tma
from tests.fakes import FakeClock

URL = "https://shop.test"
WORDS = {
    "en": {
        "pay": "Pay the difference",
        "left": "💳 Still to pay: £3.45, through web shop, where the order was paid, not here",
        "no link": "Order {code} was paid at web shop: the £3.45 it still owes can only be paid there, so no payment "
        "link was made. Have web shop take it from the customer.",
    },
    "ru": {
        "pay": "Оплатить разницу",
        "left": "💳 Осталось оплатить: 3,45 £ — через web shop, где заказ оплачен, а не здесь",
        "no link": "Заказ {code} оплачен в web shop: оставшиеся 3,45 £ можно оплатить только там, поэтому ссылка на "
        "оплату не создана. Пусть web shop примет их от покупателя.",
    },
}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param, webapp_url=URL) as bot:
        yield bot


def _said(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_the_order_screen_offers_no_pay_the_difference_for_money_only_the_channel_takes(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = WORDS[shop.runtime.settings.default_locale]
    alice, code = await placed_for_alice(shop, "edit-1")  # 2 × £2.95 and £3.70 shipping, paid there
    await raised_before_the_rule(shop, monkeypatch, code)

    screen = (await alice.send(f"/track {code}")).last
    assert not [b for b in screen.button_texts() if words["pay"] in b]
    assert words["left"] in _said(screen.text).splitlines(), screen.text


async def test_the_mini_apps_order_screen_offers_no_pay_the_difference_for_money_only_the_channel_takes(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    language = shop.runtime.settings.default_locale
    words = WORDS[language]
    _alice, code = await placed_for_alice(shop, "edit-1")
    await raised_before_the_rule(shop, monkeypatch, code)

    async with miniapp(shop) as client:
        got = await client.get(f"/app/api/shop/orders/{code}", headers=tma(shop, 1001, language=language))
        assert got.status == 200, await got.text()
        shown = await got.json()
    assert not shown["actions"]["pay_difference"]
    assert [_said(x) for x in shown["payment_state"]] == [words["left"]]


async def test_staff_get_no_payment_link_for_money_only_the_channel_takes(
    shop: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/paylink made a difference invoice the pre-checkout then refused: staff are told why, no link is made."""
    language = shop.runtime.settings.default_locale
    alice, code = await placed_for_alice(shop, "edit-1")
    await raised_before_the_rule(shop, monkeypatch, code)
    sam = await hire(shop, 746, "Sam", "manager", language=language)
    told_alice = len(shop.server.chat_messages(alice.id))

    refused = await sam.send(f"/paylink {code}")
    assert _said(refused.last.text) == _said(WORDS[language]["no link"].format(code=code))
    assert not shop.server.invoice_links
    await shop.runtime.notifier.drain()
    assert len(shop.server.chat_messages(alice.id)) == told_alice
