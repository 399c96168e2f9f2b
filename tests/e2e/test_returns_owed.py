"""/returns keeps a return whose money is owed until it is paid back: a refund approved (or an
exchange's difference owed back) was in neither /returns nor /refunds, so the manager who pays
customers back had no list to find it on."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN, hire, shop_on
from tests.e2e.returns import ask_return, delivered
from tests.e2e.variants import swap, tshirts
from tests.fakes import FakeClock

LISTED = {
    "en": "• {rma} — {code} — refund · changed my mind — refund approved — 25 Nov 2026, 9:00\u202fam — 💸 £13.00",
    "ru": "• {rma} — {code} — возврат денег · передумал(а) — возврат денег одобрен — "
    "25 нояб. 2026\u202fг., 09:00 — 💸 13,00\xa0£",
}
NONE = {"en": "No open returns.", "ru": "Открытых возвратов нет."}
STEPS = {
    "en": ("Approve", "Parcel received", "Restock", "Refund", "Refund paid back"),
    "ru": ("Утвердить", "Посылка получена", "На склад", "Вернуть деньги", "Деньги возвращены"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_refund_owed_stays_on_returns_until_it_is_paid_back(shop: RunningBot, language: str) -> None:
    await tshirts(shop)
    code = await delivered(shop, 963, {"TEE-L-NVY": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 963, "Ann"), code, "TEE-L-NVY", "Changed my mind")
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    for step in STEPS[language][:4]:
        shown = await manager.press(shown.last, step)
    listed = (await manager.send("/returns")).last.text
    assert LISTED[language].format(rma=rma, code=code) in listed.split("\n")

    await manager.press(shown.last, STEPS[language][4])
    assert (await manager.send("/returns")).last.text == NONE[language]


async def test_an_exchange_owing_its_difference_back_stays_on_returns_until_it_is_paid_back(
    database_url: str, clock: FakeClock
) -> None:
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN]) as shop:
        await _difference_owed_listed_until_paid_back(shop)


async def _difference_owed_listed_until_paid_back(shop: RunningBot) -> None:
    await tshirts(shop)
    code, _ = await swap(shop, 964, "TEE-L-NVY", "M / Navy")  # £1.00 owed back
    manager = await hire(shop, 99, "Mo", "manager")
    listed = (await manager.send("/returns")).last.text
    assert code in listed and "💸 £1.00" in listed
    rma = listed.split("• ")[1].split(" — ")[0]
    await manager.press((await manager.send(f"/rma {rma}")).last, "Refund paid back")
    assert (await manager.send("/returns")).last.text == "No open returns."


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_rma_offers_refund_paid_back_only_to_a_role_that_may_record_it(shop: RunningBot, language: str) -> None:
    """Support may settle a return but not record a payment: the button it could not use is not drawn."""
    await tshirts(shop)
    code = await delivered(shop, 963, {"TEE-L-NVY": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 963, "Ann"), code, "TEE-L-NVY", "Changed my mind")
    support = await hire(shop, 91, "Sam", "support", language=language)
    shown = await support.send(f"/rma {rma}")
    for step in STEPS[language][:4]:
        shown = await support.press(shown.last, step)
    shown = await support.send(f"/rma {rma}")
    assert STEPS[language][4] not in str(shown.last.reply_markup)
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    shown = await manager.send(f"/rma {rma}")
    await manager.press(shown.last, STEPS[language][4])
    assert (await manager.send("/returns")).last.text == NONE[language]
