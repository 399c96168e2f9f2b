"""A return's staff screen (/rma) changes in place, in English and Russian, as the bot's other screens do: each step
(✅ Approve, 📥 Parcel received, a line restocked, ✖ Reject with its reason) sent the whole screen anew, so a return
handled in five steps left five screens, the older ones' buttons still live. A press on a staff member's own older
screen after someone else moved the return on tells them who decided it and turns that screen into the return as
it stands, so no stale button is left to press."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from handlers.callbacks_staff import RmaCb
from handlers.output.barcodes import barcode_png
from sandbox import SandboxUser
from sandbox.server import BotMessage
from tests.e2e.conftest import hire
from tests.e2e.returns import ask_return, delivered, press_line, rma_of

SAID = {
    "en": {
        "approve": "Approve",
        "reject": "Reject",
        "received": "Parcel received",
        "restock": "Restock 85123A",
        "refund": "Refund",
        "already": "Return {rma} is already approved by Sam.",
        "rejected": "Return {rma} — rejected",
        "why": "Why is it rejected? The customer will read your answer.",
        "back": "⬅ Back",
    },
    "ru": {
        "approve": "Утвердить",
        "reject": "Отклонить",
        "received": "Посылка получена",
        "restock": "85123A",
        "refund": "Вернуть деньги",
        "already": "Возврат {rma} уже утверждён: это сделал(а) Sam.",
        "rejected": "Возврат {rma} — отклонён",
        "why": "Почему отклонено? Покупатель прочитает ваш ответ.",
        "back": "⬅ Назад",
    },
}


async def asked(shop: RunningBot, customer_id: int) -> str:
    """A delivered order's 85123A asked back by its customer: the return's code."""
    code = await delivered(shop, customer_id, {"85123A": 1})
    return await ask_return(shop, SandboxUser(shop.server, customer_id, f"C{customer_id}"), code, "85123A", "Changed")


def offers(screen: BotMessage, word: str) -> bool:
    return any(word in text for text in screen.button_texts())


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_rma_steps_change_the_screen_in_place_and_an_older_screen_pressed_shows_the_return_as_it_stands(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    rma = await asked(shop, 660)
    sam = await hire(shop, 661, "Sam", "support", language=language)
    meg = await hire(shop, 662, "Meg", "manager", language=language)
    screen = (await sam.send(f"/rma {rma}")).last
    older, oldest = (await meg.send(f"/rma {rma}")).last, (await meg.send(f"/rma {rma}")).last

    for step, then in (("approve", "received"), ("received", "restock")):
        pressed = await sam.press(screen, said[step])
        assert pressed.new == [] and pressed.edited == [screen] and pressed.callback_answer is not None
        assert offers(screen, said[then]) and not offers(screen, said[step])

    late = await meg.press(older, said["approve"])  # Meg's own screen, from before Sam approved
    assert late.callback_answer == {"text": said["already"].format(rma=rma), "show_alert": True}
    assert late.new == [] and late.edited == [older]
    assert offers(older, said["restock"]) and not offers(older, said["approve"]) and not offers(older, said["reject"])

    refused = await meg.press(oldest, said["reject"])  # a reason is not asked of a return decided already
    assert refused.callback_answer == {"text": said["already"].format(rma=rma), "show_alert": True}
    assert refused.new == [] and not offers(oldest, said["reject"]) and offers(oldest, said["restock"])
    assert said["why"] not in [message.text for message in meg.server.chat_messages(662)]

    restock = next(b for b in screen.buttons() if said["restock"] in b["text"])
    await sam.press_data(screen, restock["callback_data"], label=restock["text"])
    again = await sam.press_data(older, restock["callback_data"], label=restock["text"])  # done: shows the same
    assert again.callback_answer is not None and again.new == [] and offers(older, said["refund"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_reject_asks_its_reason_in_place_and_the_rejected_return_comes_below_the_answer(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    rma = await asked(shop, 670)
    sam = await hire(shop, 671, "Sam", "support", language=language)
    screen = (await sam.send(f"/rma {rma}")).last

    ask = await sam.press(screen, said["reject"])
    assert ask.new == [] and screen.text.startswith(said["why"]) and screen.button_texts() == [said["back"]]
    back = await sam.press(screen, said["back"])  # changed their mind: the screen as it was, nothing rejected
    assert back.new == [] and offers(screen, said["approve"]) and offers(screen, said["reject"])
    words = await sam.send("Not a reason")  # no longer asked: not taken as one
    assert not any(m.text.startswith(said["rejected"].format(rma=rma)) for m in words.messages)

    await sam.press(screen, said["reject"])
    typed = await sam.send("Used item & no packaging")
    [rejected] = typed.new
    assert rejected.text.startswith(said["rejected"].format(rma=rma)) and rejected.buttons() == []
    assert screen.text.startswith(said["why"]) and screen.buttons() == []  # the question answered keeps no button
    stale = await sam.press_data(screen, RmaCb(rma=rma, action="approve").pack())
    assert stale.callback_answer is not None and not offers(screen, said["approve"])


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_reject_question_keeps_the_return_it_asks_about_and_its_photos_are_not_sent_again(
    shop: RunningBot, language: str
) -> None:
    """The question takes the screen's place: alone, it no longer said which return it was about or what the customer
    asked (two returns' questions read the same, and the reason went to whichever was asked last). The rejected return
    below the reason typed is the screen alone, the customer's photos not sent a second time."""
    said = SAID[language]
    customer = SandboxUser(shop.server, 680, "C680")
    code = await delivered(shop, 680, {"85123A": 1})
    lines = await press_line(shop, customer, (await customer.send(f"/return {code}")).last, code, "85123A")
    photos = await customer.press((await customer.press(lines.last, "Continue")).last, "Damaged")
    method = await customer.press((await customer.send_photo(barcode_png("85123A"))).last, "Done")
    rma = rma_of((await customer.press(method.last, "store")).last.text)
    assert photos.last.text.startswith("Photos help us decide quickly")
    sam = await hire(shop, 681, "Sam", "support", language=language)
    opened = await sam.send(f"/rma {rma}")
    screen = opened.last
    assert [m.kind for m in opened.new].count("photo") == 1
    details = screen.text

    await sam.press(screen, said["reject"])
    assert screen.text.startswith(said["why"]) and details in screen.text and rma in screen.text
    typed = await sam.send("Used item & no packaging")
    [rejected] = typed.new  # the return as it stands, no photo again
    assert rejected.text.startswith(said["rejected"].format(rma=rma))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_second_reject_asked_turns_the_first_question_back_into_its_return(
    shop: RunningBot, language: str
) -> None:
    """Only the question asked last takes the reason typed: the one asked before it, left on its screen with its ⬅ Back,
    read as still waiting, and a reason typed for it rejected the other return. It is its return's screen again."""
    said = SAID[language]
    first, second = await asked(shop, 690), await asked(shop, 691)
    sam = await hire(shop, 692, "Sam", "support", language=language)
    one, two = (await sam.send(f"/rma {first}")).last, (await sam.send(f"/rma {second}")).last

    await sam.press(one, said["reject"])
    asked_again = await sam.press(two, said["reject"])
    assert asked_again.new == [] and two.text.startswith(said["why"])
    assert not one.text.startswith(said["why"]) and first in one.text
    assert offers(one, said["approve"]) and offers(one, said["reject"]) and not offers(one, said["back"])
    [rejected] = (await sam.send("Worn")).new
    assert rejected.text.startswith(said["rejected"].format(rma=second))
