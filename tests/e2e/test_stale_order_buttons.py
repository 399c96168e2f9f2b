"""A button from an old order message asks about the order as it is now: "Cancel order" pressed
months after delivery, or "Yes, cancel it" pressed after picking began, is refused with what the
order is now (once picking began, with the way out: the shop can still stop it) and the message is redrawn as the
order stands, in English and Russian. The
refusal said "already being prepared" of a delivered order and left the old screen (and its
Yes / No) in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import RunningBot, running_bot
from domain.orders import OrderStatus
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from tests.e2e.conftest import refused_calls, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, order_row, place_cod_order
from tests.e2e.returns import deliver
from tests.fakes import FakeClock

Refusing = tuple[RunningBot, str]  # a shop, and the key of the words its refusal says

WORDS = {
    "en": {
        "cancel": "✖ Cancel order",
        "yes": "Yes, cancel it",
        "delivered": "Order {code} can no longer be cancelled: it is delivered.",
        "picking": "Order {code} is being picked, so it can no longer be cancelled here. To stop it, write to us with "
        "/support: the shop can still cancel it while it is being picked.",
        "title delivered": "Order {code} — delivered",
        "title picking": "Order {code} — being picked",
        "picking no chat": "Order {code} is being picked, so it can no longer be cancelled. Once it has arrived, you "
        "can return it from /orders (or refuse the parcel at the door).",
    },
    "ru": {
        "cancel": "✖ Отменить заказ",
        "yes": "Да, отменить",
        "delivered": "Заказ {code} уже нельзя отменить: он доставлен.",
        "picking": "Заказ {code} уже собирается, и отменить его здесь нельзя. Чтобы его остановить, напишите нам "
        "через /support: магазин ещё может отменить его, пока он собирается.",
        "title delivered": "Заказ {code} — доставлен",
        "title picking": "Заказ {code} — собирается",
        "picking no chat": "Заказ {code} уже собирается, и отменить его нельзя. Когда он придёт, вы сможете вернуть "
        "его через /orders (или отказаться от посылки при получении).",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancel_on_a_months_old_message_is_refused_with_the_order_as_it_is_now(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    words = WORDS[language]
    vera = SandboxUser(shop.server, 996, "Вера", language_code=language)
    await add_to_cart(vera, "85123A")
    code = order_code(await place_cod_order(vera))
    old = (await vera.send(f"/track {code}")).last
    await deliver(shop, code)
    clock.advance(days=92)
    pressed = await vera.press(old, words["cancel"])
    assert pressed.callback_answer == {"text": words["delivered"].format(code=code), "show_alert": True}
    assert old.text.splitlines()[0] == words["title delivered"].format(code=code)
    assert words["cancel"] not in old.button_texts() and words["yes"] not in old.button_texts()
    assert (await order_row(shop, code)).status == "delivered"


@pytest.fixture(params=["picking", "picking no chat"])
async def refusing(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Refusing]:
    """The staffed shop, whose refusal says /support; or one with neither a support nor a staff chat, no /support."""
    if request.param == "picking":
        async with staff_shop(tmp_path, clock) as bot:
            yield bot, request.param
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'chatless.sqlite3'}"
    async with running_bot(url, clock=clock, default_currency="GBP") as bot:
        yield bot, request.param
        assert refused_calls(bot) == []


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_yes_cancel_pressed_after_picking_began_is_refused_and_the_screen_redrawn(
    refusing: Refusing, language: str
) -> None:
    """A shop without a support chat has no /support: its refusal names the way out left, a return once it arrives."""
    shop, refusal = refusing
    words = WORDS[language]
    vera = SandboxUser(shop.server, 997, "Вера", language_code=language)
    await add_to_cart(vera, "85123A")
    code = order_code(await place_cod_order(vera))
    old = (await vera.send(f"/track {code}")).last
    await vera.press(old, words["cancel"])
    runtime = shop.runtime
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.PICKING, actor="staff:1")
    pressed = await vera.press(old, words["yes"])
    assert pressed.callback_answer == {"text": words[refusal].format(code=code), "show_alert": True}
    assert old.text.splitlines()[0] == words["title picking"].format(code=code)
    assert words["yes"] not in old.button_texts()
    assert (await order_row(shop, code)).status == "picking"
