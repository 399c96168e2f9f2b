"""A return's reason and what the customer says at the photo step: "Doesn't fit" (first for a size swap, not the
shop's fault), reason buttons that read as buttons, and text or a file sent where photos are asked for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import payments, sample_name
from tests.e2e.returns import ask_return, delivered, press_line, rma_of
from tests.e2e.variants import tshirts

WORDS = {
    "en": {"exchange": "Exchange", "return": "Return", "continue": "Continue", "skip": "Skip", "store": "store"}
    | {"go_on": "Done", "approve": "Approve", "received": "Parcel received", "restock": "Restock"},
    "ru": {"exchange": "Обменять", "return": "Вернуть", "continue": "Далее", "skip": "Пропустить", "store": "магазин"}
    | {"go_on": "Готово", "approve": "Утвердить", "received": "Посылка получена", "restock": "На склад"},
}
REASONS = {
    "en": ["Damaged", "Wrong item", "Not as described", "Doesn't fit", "Changed my mind", "Other"],
    "ru": ["Повреждён", "Не тот товар", "Не соответствует описанию", "Не подошёл размер", "Передумал(а)", "Другое"],
}
SHOWN = {  # the reason as staff read it on /rma
    "en": "exchange · doesn't fit",
    "ru": "обмен · не подошёл размер",
}
NOTED = {
    "en": "📝 Added to your request: staff will read it. Send photos too, or press ➡️ to go on.",
    "ru": "📝 Добавили к заявке — сотрудники магазина это прочтут. Пришлите фото или нажмите ➡️, чтобы продолжить.",
}
AS_PHOTO = {
    "en": "Please send it as a photo, not as a file — or press ➡️ to go on.",
    "ru": "Пришлите это как фото, а не файлом, — или нажмите ➡️, чтобы продолжить.",
}

STICKER = {
    "en": "Send a photo or a few words about the problem — or press ➡️ to go on.",
    "ru": "Пришлите фото или опишите проблему парой слов — или нажмите ➡️, чтобы продолжить.",
}


async def _stored(shop: RunningBot, rma: str) -> tuple[str, str]:
    async with shop.runtime.sessions() as session:
        row = (await session.execute(select(m.ReturnRow).where(m.ReturnRow.rma_code == rma))).scalar_one()
        return row.reason, row.note


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_size_swap_offers_doesnt_fit_first_and_it_is_stored_and_shown_as_such(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    await tshirts(shop)
    code = await delivered(shop, 981, {"TEE-M-NVY": 1})
    customer = SandboxUser(shop.server, 981, "Eli", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, words["exchange"])
    lines = await press_line(shop, customer, lines.last, code, "TEE-M-NVY")
    which = await customer.press(lines.last, words["continue"])
    reasons = await customer.press(which.last, "L / White")
    fits, *rest = REASONS[language][3:4] + [r for r in REASONS[language] if r != REASONS[language][3]]
    assert reasons.last.button_texts() == [fits, *rest]  # a size swap is most likely this: offered first
    photos = await customer.press(reasons.last, fits)
    method = await customer.press(photos.last, words["skip"])
    rma = rma_of((await customer.press(method.last, words["store"])).last.text)

    assert await _stored(shop, rma) == ("doesnt_fit", "")
    told = [t.text for t in shop.server.chat_messages(-100500) if rma in t.text]
    assert told and "(exchange, doesn't fit)" in told[-1]  # the staff chat reads the shop's language
    manager = await hire(shop, 982, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    assert SHOWN[language] in shown.last.text


async def test_a_return_that_does_not_fit_refunds_the_goods_but_not_the_shipping(shop: RunningBot) -> None:
    code = await delivered(shop, 984, {"85123A": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 984, "Kim"), code, "85123A", "Doesn't fit")
    support = await hire(shop, 985, "Sam", "support")
    shown = await support.send(f"/rma {rma}")
    for step in ("Approve", "Parcel received", "Restock 85123A", "Refund"):
        shown = await support.press(shown.last, step)
    assert "Refund owed: £2.95" in shown.last.text  # the goods only: the customer's choice, as a change of mind
    assert (await payments(shop, code))[-1] == ("refund_owed", 295)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_text_at_the_photo_step_is_kept_as_the_request_s_note_and_a_file_is_asked_for_as_a_photo(
    shop: RunningBot, language: str
) -> None:
    words = WORDS[language]
    code = await delivered(shop, 986, {"85123A": 1})
    customer = SandboxUser(shop.server, 986, "Rita", language_code=language)
    lines = await customer.send(f"/return {code}")
    heart = sample_name("85123A", language)[:15]
    reasons = await customer.press((await customer.press(lines.last, heart)).last, words["continue"])
    photos = await customer.press(reasons.last, REASONS[language][0])
    noted = await customer.send("it is <b>torn</b> at the seam")
    assert noted.last.text == NOTED[language]
    filed = await customer.send_document(b"%PDF-1.4 photo", "torn.pdf")
    assert filed.last.text == AS_PHOTO[language]
    assert filed.last.button_texts() == noted.last.button_texts() != photos.last.button_texts()
    stuck = await customer.send_sticker()
    assert stuck.last.text == STICKER[language] and stuck.last.button_texts() == noted.last.button_texts()
    await customer.send("and a hole")
    method = await customer.press(filed.last, words["go_on"])
    rma = rma_of((await customer.press(method.last, words["store"])).last.text)

    assert await _stored(shop, rma) == ("damaged", "it is <b>torn</b> at the seam\nand a hole")
    await shop.runtime.notifier.drain()
    told = [t.text for t in shop.server.chat_messages(-100500) if rma in t.text]
    assert told and told[-1].endswith("“it is <b>torn</b> at the seam\nand a hole”")  # the staff chat reads it
    manager = await hire(shop, 987, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    assert "“it is <b>torn</b> at the seam\nand a hole”" in shown.last.text  # escaped: shown as typed


async def test_a_long_note_reaches_the_staff_chat_shortened(shop: RunningBot) -> None:
    code = await delivered(shop, 988, {"85123A": 1})
    customer = SandboxUser(shop.server, 988, "Uma")
    lines = await customer.send(f"/return {code}")
    reasons = await customer.press((await customer.press(lines.last, "White Hanging Heart")).last, "Continue")
    photos = await customer.press(reasons.last, "Damaged")
    said = " ".join(["cracked"] * 60)  # 479 characters: kept whole (500 at most), shown shortened
    await customer.send(said)
    method = await customer.press(photos.last, "Skip")
    rma = rma_of((await customer.press(method.last, "store")).last.text)

    await shop.runtime.notifier.drain()
    [told] = [t.text for t in shop.server.chat_messages(-100500) if rma in t.text]
    note = told[told.index("“") + 1 : told.rindex("”")]
    assert note.endswith("…") and said.startswith(note[:-1].rstrip()) and 250 < len(note) <= 300
