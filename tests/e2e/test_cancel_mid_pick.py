"""A manager cancels an order being picked (/cancelorder): the order is cancelled as before picking, its
picker is told at once, in their language, what to put back into which bin, and the rest of the round goes on."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import bins, jars, jars_in, order, pick_everything, status, stock

SAID = {
    "en": {
        "cancelled": "✖ Order {code} is cancelled: its stock is back, and the customer is told.",
        "put back": "Order {code} was cancelled while you picked it: it left round {round}. Put back from tote 1:",
        "line": "1 × JAR-1 → bin A-01-01-1",
        "packed": "Order {code} can no longer be cancelled: it is packed. Once it has arrived, the customer can return",
        "support": "Order {code} is being picked: only a manager can cancel it now",
        "zone": "My zone",
        "bin": "bin",
        "scan": "Order {code} was cancelled while you picked it: JAR-1 was not counted. "
        "Put it back into bin A-01-01-1.",
        "stale": "Order {code} was cancelled while you picked it: its line left your round and nothing was changed. "
        "Put 1 × JAR-1 from tote 1 back into bin A-01-01-1.",
        "short": "Short pick",
        "skip": "Skip this line",
    },
    "ru": {
        "cancelled": "✖ Заказ {code} отменён: товар вернулся на склад, покупателю сообщено.",
        "put back": "Заказ {code} отменили, пока вы его собирали: он убран из обхода {round}. Верните из контейнера 1:",
        "line": "1 × JAR-1 → ячейка A-01-01-1",
        "packed": "Заказ {code} уже нельзя отменить: он упакован. Когда он придёт, покупатель может его вернуть",
        "support": "Заказ {code} собирается: отменить его сейчас может только менеджер",
        "zone": "Моя зона",
        "bin": "ячейка",
        "scan": "Заказ {code} отменили, пока вы его собирали: JAR-1 не засчитан. Верните его в ячейку A-01-01-1.",
        "stale": "Заказ {code} отменили, пока вы его собирали: его строка убрана из обхода, ничего не изменено. "
        "Верните 1 × JAR-1 из контейнера 1 в ячейку A-01-01-1.",
        "short": "Недостача",
        "skip": "Пропустить строку",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_manager_cancels_an_order_mid_pick_and_its_picker_puts_back_what_was_picked(
    shop: RunningBot, language: str
) -> None:
    """A batch round of two orders of jars (3 in A-01-01-1, 2 in B-01-01-1): Pia has one of order A's two jars in
    tote 1 when Max cancels A. A is cancelled (its hold released), Pia is told at once, in her language, to put
    the jar back into A-01-01-1, and the round goes on to order B, which she picks and which goes to packing.
    The bin's count never moved; the jar back on the shelf is available again, counted once."""
    said = SAID[language]
    await jars(shop, 3, 2)
    first = await order(shop, 610, {"JAR-1": 2})
    second = await order(shop, 611, {"JAR-1": 1})
    pia = await hire(shop, 612, "Pia", "picker", "LON", language=language)
    max_ = await hire(shop, 613, "Max", "manager", language=language)
    batch = "Batch of orders" if language == "en" else "Пакет заказов"
    step = await pia.press((await pia.send("/pick")).last, batch)
    assert "A-01-01-1" in step.last.text and "2 × " in step.last.text
    step = await pia.send("JAR-1")  # one of the two jars of order A in tote 1
    assert await status(shop, first) == "picking"

    done = await max_.send(f"/cancelorder {first}")
    assert done.last.text.startswith(said["cancelled"].format(code=first))
    assert await status(shop, first) == "cancelled"
    await shop.runtime.notifier.drain()
    told = [m.text for m in shop.server.chat_messages(612)]
    put_back = next(text for text in told if said["put back"].split("{code}")[0] in text)
    round_id = put_back.split(said["put back"].split("{round}")[0].format(code=first))[1].split(".")[0]
    assert said["put back"].format(code=first, round=round_id) in put_back
    assert said["line"] in put_back
    # nothing came off the bins; A's hold is released: 5 on hand, 1 held for B
    assert await bins(shop, "JAR-1") == [("LON", "A-01-01-1", 3), ("LON", "B-01-01-1", 2)]
    assert await stock(shop, "JAR-1") == [("LON", 5, 1)]

    # the round goes on with order B alone, and ends
    step = await pia.send("/pick")
    assert "1 × " in step.last.text and second in step.last.text
    await pick_everything(pia, step)
    assert await status(shop, second) == "picked"
    assert await stock(shop, "JAR-1") == [("LON", 5, 1)]
    assert await bins(shop, "JAR-1") == [("LON", "A-01-01-1", 3), ("LON", "B-01-01-1", 2)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_packed_order_is_refused_with_the_way_out_a_return(shop: RunningBot, language: str) -> None:
    """Packed, the order's goods have left the shelves: /cancelorder refuses it with why and the way out."""
    said = SAID[language]
    await jars(shop, 3, 0)
    code = await order(shop, 620, {"JAR-1": 1})
    pia = await hire(shop, 621, "Pia", "picker", "LON")
    await pick_everything(pia, await pia.press((await pia.send("/pick")).last, "Single order"))
    packer = await hire(shop, 622, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    reply = await packer.press((await packer.send("JAR-1")).last, "✅")
    await packer.press(reply.last, "⚖️")
    assert await status(shop, code) == "packed"
    max_ = await hire(shop, 623, "Max", "manager", language=language)
    refused = await max_.send(f"/cancelorder {code}")
    assert said["packed"].format(code=code) in refused.last.text
    assert await status(shop, code) == "packed"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_support_cannot_cancel_mid_pick_and_is_told_who_can(shop: RunningBot, language: str) -> None:
    """Support may cancel before picking; mid-pick the warehouse is involved, so it is a manager's call."""
    said = SAID[language]
    await jars(shop, 3, 0)
    code = await order(shop, 630, {"JAR-1": 1})
    pia = await hire(shop, 631, "Pia", "picker", "LON")
    await pia.press((await pia.send("/pick")).last, "Single order")
    sue = await hire(shop, 632, "Sue", "support", language=language)
    refused = await sue.send(f"/cancelorder {code}")
    assert said["support"].format(code=code) in refused.last.text
    assert await status(shop, code) == "picking"
    assert await stock(shop, "JAR-1") == [("LON", 3, 1)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_each_finished_zone_rounds_picker_puts_back_only_what_their_round_picked(
    shop: RunningBot, language: str
) -> None:
    """An order of 22197 (zone A), 85123A (zone B) and a jar (zone C): Al and Bea finished zones A and B, zone C
    waits, when Max cancels it. Al is told to put back the 22197 alone, Bea the 85123A alone, not both zones' items."""
    said = SAID[language]
    await jars_in(shop, ("LON", "C-01-01-1", 1))
    code = await order(shop, 640, {"22197": 1, "85123A": 1, "JAR-1": 1})
    al = await hire(shop, 641, "Al", "picker", "LON", language=language)
    bea = await hire(shop, 642, "Bea", "picker", "LON", language=language)
    for picker, zone in ((al, "A"), (bea, "B")):
        zones = await picker.press((await picker.send("/pick")).last, said["zone"])
        await pick_everything(picker, await picker.press(zones.last, zone))
    assert await status(shop, code) == "picking"  # zone C still to pick

    max_ = await hire(shop, 643, "Max", "manager", language=language)
    done = await max_.send(f"/cancelorder {code}")
    assert done.last.text.startswith(said["cancelled"].format(code=code))
    await shop.runtime.notifier.drain()
    lead = said["put back"].split("{code}")[0]
    for picker_id, own, other in ((641, "22197", "85123A"), (642, "85123A", "22197")):
        told = [m.text for m in shop.server.chat_messages(picker_id) if lead in m.text]
        assert len(told) == 1, told
        assert f"1 × {own} → {said['bin']}" in told[0]
        assert other not in told[0] and "JAR-1" not in told[0]


async def _batch_of_two_cancelled_mid_step(shop: RunningBot, language: str, ids: int) -> tuple[str, str, SandboxUser]:
    """Orders A (2 jars) and B (1 jar) in Pia's batch round, A's line on her screen with one jar of it scanned
    (``ids``: the users'), when Max cancels A: A's code, B's, and Pia."""
    await jars(shop, 3, 2)
    first = await order(shop, ids, {"JAR-1": 2})
    second = await order(shop, ids + 1, {"JAR-1": 1})
    pia = await hire(shop, ids + 2, "Pia", "picker", "LON", language=language)
    max_ = await hire(shop, ids + 3, "Max", "manager", language=language)
    batch = "Batch of orders" if language == "en" else "Пакет заказов"
    await pia.press((await pia.send("/pick")).last, batch)
    await pia.send("JAR-1")
    done = await max_.send(f"/cancelorder {first}")
    assert done.last.text.startswith(SAID[language]["cancelled"].format(code=first))
    return first, second, pia


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_scan_from_a_cancelled_orders_step_is_put_back_not_counted_against_the_next_line(
    shop: RunningBot, language: str
) -> None:
    """Pia, still at order A's step when A was cancelled, scans its second jar: it is not counted against order
    B's line of the same jar; she is told A was cancelled and which bin the jar goes back to, then shown B's line."""
    said = SAID[language]
    first, second, pia = await _batch_of_two_cancelled_mid_step(shop, language, 650)
    step = await pia.send("JAR-1")
    assert said["scan"].format(code=first) in step.text
    assert await status(shop, second) == "picking"  # B's jar not counted
    assert second in step.last.text and "📦 1 × JAR-1" in step.last.text
    await pick_everything(pia, step)
    assert await status(shop, second) == "picked"
    assert await bins(shop, "JAR-1") == [("LON", "A-01-01-1", 3), ("LON", "B-01-01-1", 2)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_short_or_skip_on_a_cancelled_orders_line_says_it_was_cancelled_and_changes_nothing(
    shop: RunningBot, language: str
) -> None:
    """⚠️ Short pick and ⏭ Skip on order A's step, pressed after A was cancelled: Pia is told A was cancelled and
    the jar in her tote goes back to its bin, not "picked already"; nothing is asked, nothing moves."""
    said = SAID[language]
    first, second, pia = await _batch_of_two_cancelled_mid_step(shop, language, 660)
    screen = next(m for m in shop.server.chat_messages(662) if m.buttons() and first in m.text)
    for button in (said["short"], said["skip"]):
        pressed = await pia.press(screen, button)
        told = (pressed.callback_answer or {}).get("text", "") + pressed.text
        assert said["stale"].format(code=first) in told, told
    step = await pia.send("/pick")
    assert second in step.last.text and "📦 1 × JAR-1" in step.last.text
    assert await status(shop, second) == "picking"
    assert await bins(shop, "JAR-1") == [("LON", "A-01-01-1", 3), ("LON", "B-01-01-1", 2)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_scan_after_the_cancel_ended_the_round_is_put_back(shop: RunningBot, language: str) -> None:
    """Pia's single-order round ends as its order is cancelled: a scan from its step tells her to put the jar back
    into its bin, not that she has no round open."""
    said = SAID[language]
    await jars(shop, 3, 0)
    code = await order(shop, 670, {"JAR-1": 2})
    pia = await hire(shop, 671, "Pia", "picker", "LON", language=language)
    max_ = await hire(shop, 672, "Max", "manager", language=language)
    single = "Single order" if language == "en" else "Один заказ"
    await pia.press((await pia.send("/pick")).last, single)
    await max_.send(f"/cancelorder {code}")
    assert await status(shop, code) == "cancelled"
    told = await pia.send("JAR-1")
    assert said["scan"].format(code=code) in told.text
    assert ("LON", "A-01-01-1", 3) in await bins(shop, "JAR-1")
