"""The end of a picking round says where each tote goes: a held order's to the hold shelf, a cancelled
order's back on the shelves, neither to packing (en and ru)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import STEP, jars, order, split_jar_order, status
from tests.e2e.short_picks import WORDS

SAID = {
    "en": (
        "— tote 1 — on hold · ⛔ to the hold shelf, not packing",
        "Take nothing to packing: put the tote on the hold shelf. /pick starts the next round.",
        "Take the totes to packing.",
    ),
    "ru": (
        "— контейнер 1 — приостановлен · ⛔ на полку отложенных, не на упаковку",
        "На упаковку нести нечего: поставьте контейнер на полку отложенных. /pick — следующий обход.",
        "Отнесите контейнеры на упаковку.",
    ),
}
BUTTONS = {"en": ("Single order", "Short pick"), "ru": ("Один заказ", "Недостача")}
ONE_OTHER = {  # one tote of two held: the other one goes to packing, said of one tote
    "en": "Take the other tote to packing. /pick starts the next round.",
    "ru": "Оставшийся контейнер отнесите на упаковку. /pick — следующий обход.",
}
BATCH = {"en": "Batch of orders", "ru": "Пакет заказов"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_held_orders_tote_is_sent_to_the_hold_shelf_not_to_packing(shop: RunningBot, language: str) -> None:
    """MAN's picker found MAN's half of a split order missing and the order went on hold while Lu
    was picking LON's half; Lu's round ended «Take the totes to packing», the held order's with them."""
    split = await split_jar_order(shop, 392)
    mia = await hire(shop, 93, "Mia", "picker", "MAN")
    lu = await hire(shop, 94, "Lu", "picker", "LON", language=language)
    single, _ = BUTTONS[language]
    mias = await mia.press((await mia.send("/pick")).last, "Single order")
    await lu.press((await lu.send("/pick")).last, single)
    await mia.press(mias.last, "Short pick")
    await mia.send("0")
    assert await status(shop, split) == "on_hold"

    done = (await lu.send("JAR-1 2")).last.text
    line, footer, packing = SAID[language]
    assert f"{split} {line}" in done, done
    assert done.endswith(footer), done
    assert packing not in done


async def _batch_with_no_jars(
    shop: RunningBot, customer_id: int, language: str, *, after_short: Callable[[], Awaitable[None]] | None = None
) -> tuple[str, str, str]:
    """A batch of two orders picked by a new picker: ``customer_id``'s jar, short with none found (its
    order held), and the next customer's 85123A. The two codes and the round's closing message."""
    await jars(shop, 1, 0)
    short_one = await order(shop, customer_id, {"JAR-1": 1})
    other = await order(shop, customer_id + 1, {"85123A": 1})
    picker = await hire(shop, customer_id - 300, "Bo", "picker", "LON", language=language)
    _, short = BUTTONS[language]
    reply = await picker.press((await picker.send("/pick")).last, BATCH[language])
    for _ in range(10):
        step = STEP.search(reply.last.text)
        if step is None:
            break
        if step.group(2) == "JAR-1":
            await picker.press(reply.last, short)
            reply = await picker.send("0")
            if after_short is not None:
                await after_short()
        else:
            reply = await picker.send(f"{step.group(2)} {step.group(1)}")
    return short_one, other, reply.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_batch_round_with_one_of_two_orders_held_sends_the_one_other_tote_to_packing(
    shop: RunningBot, language: str
) -> None:
    """Two orders in a batch, the jars' held for a shortage: the held tote's line ran into the next
    order's, and Russian said «Остальные контейнеры» (the other totes) of the one tote left."""
    held, other, done = await _batch_with_no_jars(shop, 396, language)
    assert (await status(shop, held), await status(shop, other)) == ("on_hold", "picked")
    # each tote on its own line (the held one's note ate its line break), a blank line before what to do
    assert f"\n• {other} " in done and f"\n• {held} " in done, done
    assert done.endswith(f"\n\n{ONE_OTHER[language]}"), done


PUT_BACK = {  # the cancelled order's goods go back where they came from
    "en": "— cancelled · ⛔ put back on the shelves, not packing",
    "ru": "— отменён · ⛔ разложить обратно по полкам, не на упаковку",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_order_cancelled_during_the_round_has_its_tote_put_back_not_taken_to_packing(
    shop: RunningBot, language: str
) -> None:
    """The jars' order went on hold for a short and its buyer cancelled it while Bo picked on; the
    round ended «Take the totes to packing», the cancelled order's with them."""
    buyer = SandboxUser(shop.server, 398, "C398")

    async def gives_up() -> None:  # nothing of it is left to send: cancelled whole
        asked = next(m for m in reversed(shop.server.chat_messages(398)) if WORDS["en"]["cancel"] in m.button_texts())
        await buyer.press(asked, WORDS["en"]["cancel"])

    cancelled, other, done = await _batch_with_no_jars(shop, 398, language, after_short=gives_up)
    assert await status(shop, cancelled) == "cancelled"
    assert await status(shop, other) == "picked"
    line = PUT_BACK[language]
    assert f"\n• {cancelled} " in done and f"\n• {other} " in done, done  # each on its own line
    assert line in done.split(f"• {cancelled} ")[1].splitlines()[0], done
    assert done.endswith(f"\n\n{ONE_OTHER[language]}"), done  # only the other tote to packing


BRING = {  # the follow-up when the hold is released after the round's end sent the tote to the hold shelf
    "en": "📦 Order {code} can be packed now: its missing part was settled. Take tote 1 of round {round} from the hold"
    " shelf to packing.",
    "ru": "📦 Заказ {code} теперь можно упаковать: по недостающему решено. Отнесите контейнер 1 обхода {round} с полки"
    " отложенных на упаковку.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_tote_sent_to_the_hold_shelf_is_called_to_packing_when_the_missing_part_is_given_up(
    shop: RunningBot, language: str
) -> None:
    """Pia's round ended «put the tote on the hold shelf»; the buyer gave the missing jars up and the order went to
    the packing queue while its tote sat on the shelf, nobody told. She is told to bring it, in her language."""
    await jars(shop, 3, 0)
    code = await order(shop, 594, {"JAR-1": 3})
    pia = await hire(shop, 95, "Pia", "picker", "LON", language=language)
    single, short = BUTTONS[language]
    await pia.press((await pia.send("/pick")).last, single)
    await pia.press((await pia.send("JAR-1")).last, short)
    done = (await pia.send("0")).last.text
    assert done.endswith(SAID[language][1]), done
    assert await status(shop, code) == "on_hold"
    told_before = len(shop.server.chat_messages(95))

    buyer = SandboxUser(shop.server, 594, "C594")
    asked = next(m for m in reversed(shop.server.chat_messages(594)) if WORDS["en"]["cancel"] in m.button_texts())
    await buyer.press(asked, WORDS["en"]["cancel"])
    assert await status(shop, code) == "picked"  # the jar in the tote goes to packing
    round_id = re.search(r"\d+", done)
    assert round_id is not None
    told = [m.text for m in shop.server.chat_messages(95)[told_before:]]
    assert told == [BRING[language].format(code=code, round=round_id.group())], told


ALL_TO_PACKING = {
    "en": "Take the totes to packing. /pick starts the next round.",
    "ru": "Отнесите контейнеры на упаковку. /pick — следующий обход.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_tote_whose_hold_is_answered_before_the_round_ends_gets_no_follow_up(
    shop: RunningBot, language: str
) -> None:
    """Answered while the round was open, the order's tote went to packing with the round's end: nothing more said.
    Counted, not read: the picker's chat gets nothing from the buyer's answer (its outbox delivered), and the
    round's closing message stays the last one."""
    await jars(shop, 3, 0)
    code = await order(shop, 596, {"JAR-1": 3})
    other = await order(shop, 597, {"85123A": 1})
    pia = await hire(shop, 96, "Pia", "picker", "LON", language=language)
    _, short = BUTTONS[language]
    reply = await pia.press((await pia.send("/pick")).last, BATCH[language])
    answered = False
    for _ in range(10):
        step = STEP.search(reply.last.text)
        if step is None:
            break
        if step.group(2) == "JAR-1":
            await pia.press((await pia.send("JAR-1")).last, short)
            reply = await pia.send("0")
            told_before = len(shop.server.chat_messages(96))
            buyer = SandboxUser(shop.server, 596, "C596")
            cancel = WORDS["en"]["cancel"]
            asked = next(m for m in reversed(shop.server.chat_messages(596)) if cancel in m.button_texts())
            await buyer.press(asked, cancel)
            await shop.runtime.notifier.drain()
            assert len(shop.server.chat_messages(96)) == told_before, shop.server.chat_messages(96)[told_before:]
            answered = True
        else:
            reply = await pia.send(f"{step.group(2)} {step.group(1)}")
    assert answered and (await status(shop, code), await status(shop, other)) == ("picked", "picked")
    assert reply.last.text.endswith(ALL_TO_PACKING[language]), reply.last.text
    await shop.runtime.notifier.drain()
    assert shop.server.chat_messages(96)[-1].message_id == reply.last.message_id, shop.server.chat_messages(96)[-1]
