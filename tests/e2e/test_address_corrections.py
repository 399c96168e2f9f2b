"""A customer changing an unpaid order's address through the sandbox (en/ru): a typo fixed at
the same place keeps the location they shared and its price; a new place is priced as the
checkout prices it (by the location shared, or at the national rate without one)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.journeys import add_to_cart, order_code, order_row, place_cod_order

WORDS = {
    "en": ("✏️ Edit", "📍 Change address", "Same place", "📍 Share location", "Skip"),
    "ru": ("✏️ Изменить", "📍 Изменить адрес", "То же место", "📍 Отправить геопозицию", "Пропустить"),
}
FIXED = "221B Baker Street, London NW1 6XE, flat 2"


async def _change_address(shop: RunningBot, user_id: int, language: str) -> tuple[SandboxUser, str]:
    """An order placed with a shared location in central London (£3.70 shipping), the address asked again."""
    edit, change, *_ = WORDS[language]
    customer = SandboxUser(shop.server, user_id, "Rosa", language_code=language)
    await add_to_cart(customer, "85123A")
    code = order_code(await place_cod_order(customer))
    assert (await order_row(shop, code)).shipping_minor == 370
    screen = await customer.press((await customer.send(f"/track {code}")).last, edit)
    await customer.press(screen.last, change)
    return customer, code


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_typo_fixed_at_the_same_place_keeps_the_shared_location_and_its_price(
    shop: RunningBot, language: str
) -> None:
    customer, code = await _change_address(shop, 5101, language)
    asked = await customer.send(FIXED)
    assert WORDS[language][2] in " ".join(asked.last.button_texts())
    told = await customer.send(WORDS[language][2])
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == (FIXED, 51.5237, -0.1585)
    assert (order.shipping_minor, order.total_minor, order.version) == (370, 295 + 370, 1)
    assert FIXED in told.last.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_place_is_priced_by_the_location_shared_for_it_or_nationally_without(
    shop: RunningBot, language: str
) -> None:
    customer, code = await _change_address(shop, 5102, language)
    await customer.send("1 Princes Street, Edinburgh EH2 2EQ")
    await customer.send_location(55.9521, -3.1965)
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == ("1 Princes Street, Edinburgh EH2 2EQ", 55.9521, -3.1965)
    assert order.shipping_minor == 520  # farther than 300 km from the warehouse: the national rate

    screen = await customer.press((await customer.send(f"/track {code}")).last, WORDS[language][0])
    await customer.press(screen.last, WORDS[language][1])
    await customer.send("9 Queen Street, Cardiff CF10 2BH")
    await customer.send(WORDS[language][4])
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == ("9 Queen Street, Cardiff CF10 2BH", None, None)
    assert order.shipping_minor == 520


TOTAL = {"en": ("Total", "£6.65"), "ru": ("Итого", "6,65")}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_an_address_only_edit_does_not_print_an_unchanged_total(shop: RunningBot, language: str) -> None:
    customer, code = await _change_address(shop, 5103, language)
    await customer.send(FIXED)
    told = (await customer.send(WORDS[language][2])).last.text
    assert (await order_row(shop, code)).total_minor == 295 + 370  # the same place: the same price
    word, amount = TOTAL[language]
    totals = [line for line in told.splitlines() if line.startswith(f"{word}:")]
    assert len(totals) == 1 and amount in totals[0] and "→" not in totals[0], told
    assert told.count(amount) == 1, told  # said once, not "£6.65 → £6.65"
