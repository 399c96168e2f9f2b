"""An order on hold after a short pick is cancelled as one being picked is (en, ru): the customer's own ✖ Cancel is
pointed to the shop and the screen redrawn with the question still asked; a manager's /cancelorder cancels it, its
waiting part with it, the picker told the unit in the tote on the hold shelf goes back to its bin, the customer
told it was cancelled."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order, status, stock

SAID = {
    "en": {
        "cancel": "✖ Cancel order",
        "yes": "Yes, cancel it",
        "single": "Single order",
        "short": "Short pick",
        "refused": "Order {code} is on hold: part of it was not on the shelf. To drop that part, answer under "
        "⏳ Waiting for stock; to cancel it all, write to us with /support.",
        "title": "Order {code} — on hold",
        "asked": "⏳ Waiting for stock",
        "cancelled": "✖ Order {code} is cancelled: its stock is back, and the customer is told.\nIt was on hold for a "
        "short pick: its missing part waits no more, and its pickers are told which items to put back into which "
        "bins.",
        "put back": "Order {code} was cancelled while you picked it: it left round {round}. Put back from tote 1, on "
        "the hold shelf:\n• 1 × 21212 → bin B-02-08-2",
        "told": "Order {code}",
    },
    "ru": {
        "cancel": "✖ Отменить заказ",
        "yes": "Да, отменить",
        "single": "Один заказ",
        "short": "Недостача",
        "refused": "Заказ {code} приостановлен: части его не оказалось на полке. Чтобы отказаться от неё, ответьте в "
        "разделе «⏳ Ждёт поставки»; чтобы отменить весь заказ, напишите нам через /support.",
        "title": "Заказ {code} — приостановлен",
        "asked": "⏳ Ждёт поставки",
        "cancelled": "✖ Заказ {code} отменён: товар вернулся на склад, покупателю сообщено.\n"
        "Он был приостановлен из-за недостачи при сборке: недостающая часть больше не ждёт поставки, а сборщикам "
        "сообщено, какие товары в какие ячейки вернуть.",
        "put back": "Заказ {code} отменили, пока вы его собирали: он убран из обхода {round}. Верните из контейнера 1 "
        "на полке отложенных:\n• 1 × 21212 → ячейка B-02-08-2",
        "told": "Заказ {code}",
    },
}


async def _waiting(shop: RunningBot) -> list[tuple[str, int]]:
    async with shop.runtime.sessions() as session:
        rows = await session.execute(select(m.BackorderRow.status, m.BackorderRow.quantity))
        return [(state, quantity) for state, quantity in rows]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_held_after_a_short_pick_is_cancelled_by_a_manager_and_pointed_to_the_shop_for_its_customer(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    vera = SandboxUser(shop.server, 1_710, "Вера", language_code=language)
    await add_to_cart(vera, "21212", 3)  # all in LON's B-02-08-2
    code = order_code(await place_cod_order(vera))
    old = (await vera.send(f"/track {code}")).last
    await vera.press(old, said["cancel"])  # asked "Yes, cancel it?" before picking began
    older = (await vera.send(f"/track {code}")).last  # its ✖ Cancel not pressed yet
    pia = await hire(shop, 1_711, "Pia", "picker", "LON", language=language)
    await pia.press((await pia.send("/pick")).last, said["single"])
    await pia.send("21212")  # one into tote 1
    await pia.press((await pia.send("/pick")).last, said["short"])
    await pia.send("0")  # no more in the bin, nor anywhere: held, the customer asked
    assert await status(shop, code) == "on_hold" and await _waiting(shop) == [("waiting", 2)]

    pressed = await vera.press(old, said["yes"])
    assert pressed.callback_answer == {"text": said["refused"].format(code=code), "show_alert": True}
    assert old.text.splitlines()[0] == said["title"].format(code=code)
    assert said["yes"] not in old.button_texts() and said["cancel"] not in old.button_texts()
    assert said["asked"] in old.button_texts()  # where the question is answered
    pressed = await vera.press(older, said["cancel"])  # its first press says the same, no "Yes, cancel it" asked
    assert pressed.callback_answer == {"text": said["refused"].format(code=code), "show_alert": True}
    assert said["yes"] not in older.button_texts() and said["asked"] in older.button_texts()
    assert await status(shop, code) == "on_hold"

    max_ = await hire(shop, 1_712, "Max", "manager", language=language)
    done = await max_.send(f"/cancelorder {code}")
    assert done.last.text == said["cancelled"].format(code=code)
    assert await status(shop, code) == "cancelled" and await _waiting(shop) == [("cancelled", 0)]
    assert await stock(shop, "21212") == [("LON", 698, 0)]  # the two not found written off, nothing held
    await shop.runtime.notifier.drain()
    lead = said["put back"].split("{round}")[0].format(code=code)
    (told,) = [msg.text for msg in shop.server.chat_messages(1_711) if lead in msg.text]
    round_id = told.removeprefix("↩️ ").removeprefix(lead).split(".")[0]
    assert said["put back"].format(code=code, round=round_id) in told
    last = shop.server.chat_messages(1_710)[-1].text
    assert said["told"].format(code=code) in last, last
