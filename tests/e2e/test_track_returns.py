"""/track tells a customer what became of a return: that it is there, where it stands, the refund
owed and then paid back, and an exchange's replacement order — in English and Russian. Before,
/track showed the delivered order as if nothing had come back."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import name_in_russian
from tests.e2e.refund_words import STEPS
from tests.e2e.returns import ask_return, delivered, rma_of
from tests.e2e.variants import WORDS, tshirts

TRACKED = {
    "en": {
        "return": "Return",
        "exchange": "Exchange",
        "returns": "Returns",
        "requested": "↩️ Return {rma} (refund) — requested",
        "owed": "↩️ Return {rma} (refund) — refund approved",
        "paid": "↩️ Return {rma} (refund) — refund paid back",
        "owed money": "💸 Refund on its way: £13.00 (we tell you when it is paid back).",
        "paid money": "💸 Refund paid back: £13.00",
        "exchanged": "🔁 Return {rma} (exchange) — exchanged",
        "replacement": "Replacement: order {code}",
        "send": "Send the replacement",
    },
    "ru": {
        "return": "Вернуть",
        "exchange": "Обменять",
        "returns": "Возврат",
        "requested": "↩️ Возврат {rma} (возврат денег) — запрошен",
        "owed": "↩️ Возврат {rma} (возврат денег) — возврат денег одобрен",
        "paid": "↩️ Возврат {rma} (возврат денег) — возврат выплачен",
        "owed money": "💸 Возврат денег в пути: 13,00\xa0£ (напишем, когда деньги будут возвращены).",
        "paid money": "💸 Деньги возвращены: 13,00\xa0£",
        "exchanged": "🔁 Возврат {rma} (обмен) — обменян",
        "replacement": "Замена: заказ {code}",
        "send": "Отправить замену",
    },
}


def tracked_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


async def _returned(shop: RunningBot, customer: SandboxUser, code: str, language: str, kind: str) -> str:
    asked = WORDS[language]
    lines = await customer.press((await customer.send(f"/track {code}")).last, TRACKED[language][kind])
    reasons = await customer.press((await customer.press(lines.last, "(L / Navy)")).last, asked["continue"])
    if kind == "exchange":
        reasons = await customer.press(reasons.last, asked["same"])
    photos = await customer.press(reasons.last, asked["reason"])
    method = await customer.press(photos.last, asked["skip"])
    return rma_of((await customer.press(method.last, asked["store"])).last.text)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_track_shows_a_return_and_its_refund_from_request_to_paid_back(shop: RunningBot, language: str) -> None:
    words = TRACKED[language]
    await tshirts(shop)
    code = await delivered(shop, 961, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 961, "Ann", language_code=language)
    rma = await _returned(shop, customer, code, language, "return")
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    assert words["returns"] in shown and words["requested"].format(rma=rma) in shown

    manager = await hire(shop, 98, "Mo", "manager", language=language)
    staff = await manager.send(f"/rma {rma}")
    for step in STEPS[language][:4]:
        staff = await manager.press(staff.last, step)
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    assert words["owed"].format(rma=rma) in shown and words["owed money"] in shown

    await manager.press(staff.last, STEPS[language][4])
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    assert words["paid"].format(rma=rma) in shown and words["paid money"] in shown
    assert words["owed money"] not in shown


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_track_shows_an_exchange_and_the_order_sent_in_its_place(shop: RunningBot, language: str) -> None:
    words = TRACKED[language]
    await tshirts(shop)
    code = await delivered(shop, 962, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 962, "Eli", language_code=language)
    rma = await _returned(shop, customer, code, language, "exchange")
    manager = await hire(shop, 99, "Meg", "manager", language=language)
    staff = await manager.send(f"/rma {rma}")
    for step in (*STEPS[language][:3], words["send"]):
        staff = await manager.press(staff.last, step)
    await shop.runtime.notifier.drain()
    told = shop.server.chat_messages(962)[-1].text
    replacement = re.search(WORDS[language]["replacement"], told).group(1)  # type: ignore[union-attr]
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    assert words["exchanged"].format(rma=rma) in shown
    assert words["replacement"].format(code=replacement) in shown


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_return_names_its_lines_in_the_reader_s_language(shop: RunningBot, language: str) -> None:
    """A Russian customer's /track read «• White Hanging Heart T-Light Holder × 1» under «Возврат»
    above an order whose lines were in Russian, and the support's /rma named it in English too."""
    await name_in_russian(shop, "85123A", "Подвесной подсвечник «Сердце», белый")
    code = await delivered(shop, 963, {"85123A": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 963, "C963"), code, "85123A", "Changed my mind")
    heart = {"en": "White Hanging Heart T-Light Holder", "ru": "Подвесной подсвечник «Сердце», белый"}[language]
    customer = SandboxUser(shop.server, 963, "C963", language_code=language)
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    assert f"• {heart} × 1" in shown
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    staff = (await manager.send(f"/rma {rma}")).last.text
    assert f"• 85123A {heart} × 1 — " in staff


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_track_names_what_a_parcel_carried_and_what_an_exchange_sends(shop: RunningBot, language: str) -> None:
    """/track listed a parcel's contents and an exchange's new size by SKU, which a customer never
    saw anywhere else: «• TEE-L-NVY × 1» under «Посылки», «… (L / Navy) → TEE-M-NVY × 1» under «Возврат»."""
    asked = WORDS[language]
    await tshirts(shop)
    code = await delivered(shop, 964, {"TEE-L-NVY": 1})
    customer = SandboxUser(shop.server, 964, "Ivy", language_code=language)
    lines = await customer.press((await customer.send(f"/track {code}")).last, TRACKED[language]["exchange"])
    which = await customer.press((await customer.press(lines.last, "(L / Navy)")).last, asked["continue"])
    photos = await customer.press((await customer.press(which.last, "M / Navy")).last, asked["reason"])
    method = await customer.press(photos.last, asked["skip"])
    await customer.press(method.last, asked["store"])
    shown = tracked_lines((await customer.send(f"/track {code}")).last.text)
    tee = "Organic cotton T-shirt (L / Navy)"
    assert f"• {tee} × 1" in shown  # the parcel's line (the order's reads "— £13.00" on)
    assert f"• {tee} → M / Navy × 1" in shown
    assert [line for line in shown if "TEE-" in line] == []
