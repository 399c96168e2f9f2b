"""A scan sent after the picker's round ended (typed or a photo of the barcode: the item scanned again, or
the next one out of habit) says the round is finished, counts nothing and offers the next round (en and ru);
it was read as a customer's search and answered with a product card."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from handlers.output.barcodes import barcode_png
from tests.e2e.conftest import hire
from tests.e2e.journeys import line_quantities, order, status

WORDS = {
    "en": {
        "single": "Single order",
        "done": r"Round (\d+) is finished\.",
        "said": "Round {id} is finished: {code} was not counted. /pick starts the next round.",
        "next": "▶️ Next round",
        "how": "How do you want to pick?",
        "sticker": "This goes nowhere: staff messages are not passed to support. /help lists what you can do.",
    },
    "ru": {
        "single": "Один заказ",
        "done": r"Обход (\d+) завершён\.",
        "said": "Обход {id} завершён: {code} не засчитан. /pick — следующий обход.",
        "next": "▶️ Следующий обход",
        "how": "Как будете собирать?",
        "sticker": "Это никуда не уходит: сообщения сотрудников не передаются в поддержку."
        " /help — что вы можете сделать.",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_scan_after_the_round_ended_says_it_is_finished_and_offers_the_next(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    code = await order(shop, 130 + len(language), {"22197": 1})
    picker = await hire(shop, 70 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, words["single"])
    done = (await picker.send("22197")).last.text
    found = re.search(words["done"], done)
    assert found is not None, done
    said = words["said"].format(id=found.group(1), code="22197")

    again = await picker.send("22197")
    assert again.last.text == said
    photo = await picker.send_photo(barcode_png("2002219700007", ean=True))
    assert photo.last.text == words["said"].format(id=found.group(1), code="2002219700007")
    assert await status(shop, code) == "picked" and await line_quantities(shop, code) == {"22197": 1}

    nxt = await picker.press(again.last, words["next"])
    assert words["how"] in nxt.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_words_typed_after_the_round_ended_are_searched_as_before(shop: RunningBot, language: str) -> None:
    words = WORDS[language]
    await order(shop, 140 + len(language), {"22197": 1})
    picker = await hire(shop, 80 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, words["single"])
    await picker.send("22197")
    searched = (await picker.send("popcorn holder")).last.text
    assert "(22197)" in searched and not re.search(words["done"], searched), searched


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_sticker_after_the_round_ended_is_not_told_to_answer_a_question(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await order(shop, 150 + len(language), {"22197": 1})
    picker = await hire(shop, 90 + len(language), "Pia", "picker", "LON", language=language)
    await picker.press((await picker.send("/pick")).last, words["single"])
    await picker.send("22197")
    said = (await picker.send_sticker()).last.text
    assert said == words["sticker"], said


UNCAPTIONED = {
    "en": "This file was not imported: send it again with the caption /import KIND",
    "ru": "Файл не загружен: отправьте его снова с подписью /import ВИД",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_file_sent_without_a_caption_after_a_round_is_answered_as_staff_not_told_to_contact_the_shop(
    shop: RunningBot, language: str
) -> None:
    """The finished round asks nothing, so a file then is a staff member's file outside any step: how to import it,
    never the customers' «press 💬 Contact us» (the state the round left kept it from the staff's answer)."""
    words = WORDS[language]
    await order(shop, 160 + len(language), {"22197": 1})
    manager = await hire(shop, 100 + len(language), "Mo", "manager", "LON", language=language)
    await manager.press((await manager.send("/pick LON")).last, words["single"])
    assert re.search(words["done"], (await manager.send("22197")).last.text)
    reply = (await manager.send_document(b"sku,warehouse,bin,quantity\n85123A,LON,,3\n", "counts.csv")).last.text
    assert reply.startswith(UNCAPTIONED[language]), reply
