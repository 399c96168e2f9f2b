"""An order the intake API placed paid whose history names no API key read "Payment: card, paid in Telegram" to its
customer and to staff, and a dearer edit of it went ahead: it was paid at the sales channel, whose name is not known.
It reads so, and a dearer edit is refused as a keyed channel's order's is, without an empty name (en and ru)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage.models import OrderHistoryRow
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.intake_api import card_shop, placed_for_alice
from tests.e2e.journeys import line_quantities, payments
from tests.fakes import FakeClock

WORDS = {
    "en": {
        "payment": "Payment: paid at the sales channel",
        "telegram": "paid in Telegram",
        "edit": "✏️ Edit",
        "customer": "Order {code} was paid at a sales channel, so the £3.45 more this change costs cannot be paid "
        "here. Nothing was changed: ask us (💬 Contact us) and we will settle it with you.",
        "staff": "Order {code} was paid at a sales channel: this change would leave £3.45 to pay, which only that "
        "channel can take. Nothing was changed: have it send what is added as a new order, or make a change that "
        "costs no more.",
    },
    "ru": {
        "payment": "Оплата: оплачен в канале продаж",
        "telegram": "через Telegram",
        "edit": "✏️ Изменить",
        "customer": "Заказ {code} оплачен в канале продаж, поэтому доплату 3,45 £ за это изменение здесь внести "
        "нельзя. Ничего не изменено: напишите нам («💬 Написать нам»), и мы договоримся с вами.",
        "staff": "Заказ {code} оплачен в канале продаж: после этого изменения осталось бы доплатить 3,45 £, а принять "
        "доплату может только этот канал. Ничего не изменено: пусть он пришлёт добавленное отдельным заказом, или "
        "сделайте изменение, которое не дороже.",
    },
}


@pytest.fixture(params=["en", "ru"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with card_shop(tmp_path, clock, request.param) as bot:
        yield bot


def _said(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_an_order_paid_at_an_unnamed_channel_reads_so_and_is_not_made_dearer_here(shop: RunningBot) -> None:
    language = shop.runtime.settings.default_locale
    words = WORDS[language]
    alice, code = await placed_for_alice(shop, "unnamed-1")  # 2 × £2.95 and £3.70 shipping, paid there
    async with shop.runtime.sessions() as session, session.begin():  # its history names no key
        await session.execute(update(OrderHistoryRow).where(OrderHistoryRow.actor.like("api:%")).values(actor="system"))
    await shop.runtime.notifier.drain()

    screen = (await alice.send(f"/track {code}")).last
    assert words["payment"] in screen.text and words["telegram"] not in screen.text, screen.text
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    shown = (await admin.send(f"/order {code}")).last.text
    assert words["payment"] in shown and words["telegram"] not in shown, shown

    screen = (await alice.press(screen, words["edit"])).last
    plus = next(b for b in screen.buttons() if b["text"].startswith(("➕ White", "➕ Белый")))
    refused = await alice.press_data(screen, plus["callback_data"], label="➕")
    assert refused.callback_answer is not None
    assert _said(refused.callback_answer["text"]) == _said(words["customer"].format(code=code))
    manager = await hire(shop, 745, "Mo", "manager", language=language)
    staff = await manager.send(f"/edit {code} 85123A 3")
    assert _said(staff.last.text) == _said(words["staff"].format(code=code)), staff.last.text
    assert await line_quantities(shop, code) == {"85123A": 2}
    assert await payments(shop, code) == [("payment", 960)]
