"""A picker's round walked as a warehouse worker on a phone would, in Russian and English: barcode photos
and typed codes, a short pick that turns out not short, a barcode photographed at the count, the
order held, stale buttons refused with a message and every button answered."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from handlers.output.barcodes import barcode_png
from tests.e2e.conftest import hire
from tests.e2e.journeys import STEP, jars, order, status, stock

W = {
    "en": {
        "batch": "Batch of orders",
        "short": "Short pick",
        "asked": "Scanned into tote 1 already: 1 of 3 × JAR-1. How many more did you find in the bin? Send a number"
        " (0 if none).",
        "not_a_count": "Send how many more you found in the bin as a number: 0 if no more.",
        "not_short": "The line needs only 2 more × JAR-1: with {found} found nothing is short. Scan them: send the SKU"
        " or barcode (add a number for several), or a photo of the barcode.",
        "stale": "This line is picked already: the buttons are on the round's latest step.",
        "held": "is on hold for the shortage; managers were told.",
        "finished": "is finished.",
        "no_round": "You have no picking round open. Start one with /pick.",
    },
    "ru": {
        "batch": "Пакет заказов",
        "short": "Недостача",
        "asked": "Уже в контейнере 1: 1 из 3 × JAR-1. Сколько ещё нашлось в ячейке? Пришлите число (0, если больше"
        " нет).",
        "not_a_count": "Пришлите числом, сколько ещё нашлось в ячейке: 0, если больше нет.",
        "not_short": "По строке нужно ещё только 2 × JAR-1: раз нашлось {found}, недостачи нет. Отсканируйте их:"
        " пришлите артикул или штрихкод (с числом, если несколько) или фото штрихкода.",
        "stale": "Эта строка уже собрана: кнопки — у последнего шага обхода.",
        "held": "приостановлен из-за недостачи; менеджеры уведомлены.",
        "finished": "завершён.",
        "no_round": "У вас нет открытого обхода. Начните его командой /pick.",
    },
}


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_a_pickers_round_walked_on_a_phone_reads_right_and_refuses_stale_buttons(
    shop: RunningBot, language: str
) -> None:
    """Pia, on her phone: a photo of a barcode at «how many more did you find» read «That is not what I
    asked… /cancel»; a count of all the line still needs read «Only 0 more of JAR-1 are needed», and left her
    stuck at the question with nothing she could send but 0. She is asked for a number, told nothing is short
    and sent back to scanning."""
    w = W[language]
    await jars(shop, 3, 0)
    held = await order(shop, 580, {"JAR-1": 3})
    other = await order(shop, 581, {"85123A": 2, "22197": 1})  # B-06-06-3 and A-03-03-3
    pia = await hire(shop, 97, "Pia", "picker", "LON", language=language)
    first = await pia.press((await pia.send("/pick")).last, w["batch"])
    assert first.callback_answer is not None
    assert "3 × JAR-1" in first.last.text  # A-01-01-1 first

    one = await pia.send_photo(barcode_png("JAR-1"))  # a photo of the item's code
    assert "2 × JAR-1" in one.last.text
    asked = await pia.press(one.last, w["short"])
    assert asked.callback_answer is not None and asked.last.text == w["asked"]
    photo = await pia.send_photo(barcode_png("2008512350000", ean=True))  # scanned out of habit
    assert photo.last.text == w["not_a_count"]
    assert (await pia.send("2")).last.text == w["not_short"].format(found=2)  # all the line still needs
    await pia.press(one.last, w["short"])
    assert (await pia.send("5")).last.text == w["not_short"].format(found=5)  # or more
    assert await stock(shop, "JAR-1") == [("LON", 3, 3)]  # nothing written off
    back = await pia.send("JAR-1")  # back at scanning: the scan counts
    assert "1 × JAR-1" in back.last.text, back.last.text
    await pia.press(back.last, w["short"])
    after = await pia.send("0")  # the last jar is not there
    assert any(held in m.text and w["held"] in m.text for m in after.messages), after.text
    assert await status(shop, held) == "on_hold"

    stale = await pia.press(first.last, w["short"])  # the first step's button
    assert stale.callback_answer is not None and stale.callback_answer["text"] == w["stale"]
    reply = after
    for _ in range(5):
        step = STEP.search(reply.last.text)
        if step is None:
            break
        last_step = reply
        reply = await pia.send(f"{step.group(2)} {step.group(1)}")
    assert w["finished"] in reply.last.text and await status(shop, other) == "picked"
    late = await pia.press(last_step.last, w["short"])  # the round is over
    assert late.callback_answer is not None and late.callback_answer["text"] == w["no_round"]
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize(("language", "counts"), [("ru", ("2 шт", "х3", "1шт.")), ("en", ("x2", "×3", "1 pcs"))])
async def test_a_count_typed_as_a_phone_worker_writes_it_is_read_as_the_count(
    shop: RunningBot, language: str, counts: tuple[str, str, str]
) -> None:
    """Pia typed «JAR-1 2 шт» (or «JAR-1 x2») as people write counts and read «Quantity must be a whole number
    from 1 to 9999»: the number was there. «2 шт», «x2», «×3», «х3» (Cyrillic) and «1 pcs» are counts; a word is
    still none, and is told what a scan is."""
    await jars(shop, 6, 0)
    code = await order(shop, 585, {"JAR-1": 6})
    pia = await hire(shop, 101, "Pia", "picker", "LON", language=language)
    reply = await pia.press((await pia.send("/pick")).last, W[language]["batch"])
    refused = await pia.send("JAR-1 two")
    assert (
        refused.last.text
        == {
            "en": "“JAR-1 two” is not a scan: send the item's SKU or barcode, or a photo of the barcode;"
            " for more than one, the count after it (2 or x2).",
            "ru": "«JAR-1 two» — не скан: пришлите артикул или штрихкод товара либо фото штрихкода;"
            " если штук несколько — число после него (2 или x2).",
        }[language]
    )
    for count, left in zip(counts, ("4", "1"), strict=False):
        reply = await pia.send(f"JAR-1 {count}")
        assert f"{left} × JAR-1" in reply.last.text, reply.last.text
    reply = await pia.send(f"JAR-1 {counts[2]}")
    assert W[language]["finished"] in reply.last.text
    assert await status(shop, code) == "picked"


@pytest.mark.parametrize(("language", "scans"), [("ru", ("2 шт JAR-1", "3х JAR-1")), ("en", ("2x JAR-1", "3 × JAR-1"))])
async def test_a_count_typed_before_the_code_is_read_as_the_count(
    shop: RunningBot, language: str, scans: tuple[str, str]
) -> None:
    """Pia typed «2x JAR-1» (the count first, as the bot writes «2 × JAR-1» back) and was told the quantity must be a
    whole number: it reads one way only, so it is two JAR-1."""
    await jars(shop, 5, 0)
    code = await order(shop, 586, {"JAR-1": 5})
    pia = await hire(shop, 101, "Pia", "picker", "LON", language=language)
    await pia.press((await pia.send("/pick")).last, W[language]["batch"])
    reply = await pia.send(scans[0])
    assert "3 × JAR-1" in reply.last.text, reply.last.text
    reply = await pia.send(scans[1])
    assert W[language]["finished"] in reply.last.text, reply.last.text
    assert await status(shop, code) == "picked"


async def _hooks_coded_150(shop: RunningBot) -> None:
    """An item whose SKU is a number a count could be: 150, 5 of them in LON's A-02-02-1."""
    runtime = shop.runtime
    await import_products(runtime.uow(), runtime.clock, "sku,name,category,price,currency\n150,Hook,Gadgets,1.00,GBP\n")
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n150,LON,A-02-02-1,5\n")


@pytest.mark.parametrize(("language", "typed"), [("ru", "2х 150"), ("en", "2x 150"), ("en", "2 x 150")])
async def test_a_marked_count_before_a_numeric_sku_is_two_of_that_item_when_picked_and_packed(
    shop: RunningBot, language: str, typed: str
) -> None:
    """Pia typed «2x 150» for the 3 × 150 of her line and read «Only 3 more of 150 are needed»-like refusals: it was
    read as 150 units of an item “2x”. The line's item decides: 2 of 150, and the packer's «2x 150» is 2 of them."""
    await _hooks_coded_150(shop)
    code = await order(shop, 587, {"150": 3})
    pia = await hire(shop, 101, "Pia", "picker", "LON", language=language)
    step = await pia.press((await pia.send("/pick")).last, W[language]["batch"])
    assert "3 × 150" in step.last.text, step.last.text
    reply = await pia.send(typed)
    assert "1 × 150" in reply.last.text, reply.last.text
    reply = await pia.send("150")
    assert W[language]["finished"] in reply.last.text, reply.last.text
    assert await status(shop, code) == "picked"

    pax = await hire(shop, 102, "Pax", "packer", "LON", language=language)
    await pax.send(f"/pack {code}")
    scanned = await pax.send(typed)
    assert scanned.last.text.endswith("1 × 150"), scanned.last.text
    boxes = await pax.send("150")
    assert boxes.last.button_texts()[0].startswith("✅"), boxes.last.text


async def test_a_marked_count_before_a_number_naming_no_item_of_the_line_is_refused_naming_the_number(
    shop: RunningBot,
) -> None:
    """«2x 150» on a jar's line: neither reading is the jar; the refusal names “150”, the item the picker meant."""
    await jars(shop, 3, 0)
    await _hooks_coded_150(shop)
    await order(shop, 588, {"JAR-1": 3})
    pia = await hire(shop, 101, "Pia", "picker", "LON")
    await pia.press((await pia.send("/pick")).last, W["en"]["batch"])
    reply = await pia.send("2x 150")
    assert reply.last.text.startswith("Wrong item: “150”. Expected JAR-1"), reply.last.text
