"""Two staff press a return's ✅ Approve at once: the second is told who approved it already, in their language,
nothing is done twice (the customer told once), and they are shown the return as it stands."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.returns import ask_return, delivered

SAID = {
    "en": {
        "approve": "Approve",
        "already": "Return {rma} is already approved by Sam.",
        "title": "Return {rma} — approved",
        "received": "Parcel received",
    },
    "ru": {
        "approve": "Утвердить",
        "already": "Возврат {rma} уже утверждён: это сделал(а) Sam.",
        "title": "Возврат {rma} — ",
        "received": "Посылка получена",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_second_approve_is_told_who_approved_it_and_nothing_is_done_twice(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    code = await delivered(shop, 640, {"85123A": 1})
    customer = SandboxUser(shop.server, 640, "C640")
    rma = await ask_return(shop, customer, code, "85123A", "Changed my mind")
    sam = await hire(shop, 641, "Sam", "support")
    meg = await hire(shop, 642, "Meg", "manager", language=language)
    first = (await sam.send(f"/rma {rma}")).last
    second = (await meg.send(f"/rma {rma}")).last  # both screens offer Approve
    await sam.press(first, "Approve")
    told_before = len(shop.server.chat_messages(640))

    pressed = await meg.press(second, said["approve"])
    assert pressed.callback_answer == {"text": said["already"].format(rma=rma), "show_alert": True}
    shown = pressed.last  # the return as it stands now: approved, its next step offered, no Approve again
    assert shown.text.startswith(said["title"].format(rma=rma))
    assert said["received"] in shown.button_texts()[0] and not any(said["approve"] in t for t in shown.button_texts())
    assert len(shop.server.chat_messages(640)) == told_before  # the customer was told once
