"""Staff's /edit (en/ru): a corrected address keeps the location the customer shared and its price
(``elsewhere TEXT`` for a different place, at the national rate); a press on a screen the order has
moved on from is answered with why, changes nothing and shows the order as it is now."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, line_quantities, order_code, order_row, place_cod_order

STALE = {
    "en": "has changed since this screen was shown",
    "ru": "изменился с тех пор, как был показан этот экран",
}
BINS = {"en": ("🗑 White Hanging…", "🗑 Popcorn Holder"), "ru": ("🗑 Белый подвесной…", "🗑 Стаканчик для…")}
KEPT = {"en": "location the customer shared is kept", "ru": "Геопозиция, которой поделился покупатель, сохранена"}
FIXED = "221B Baker Street, London NW1 6XE, flat 2"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staff_correcting_the_address_keep_the_shared_location_and_its_price_unless_it_is_elsewhere(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 5503, "Rosa")
    await add_to_cart(customer, "85123A")
    code = order_code(await place_cod_order(customer))  # a location shared in central London: £3.70
    manager = await hire(shop, 5504, "Max", "manager", language=language)

    reply = await manager.send(f"/edit {code} address {FIXED}")
    assert KEPT[language] in reply.last.text and f"/edit {code} elsewhere" in reply.last.text
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == (FIXED, 51.5237, -0.1585)
    assert (order.shipping_minor, order.total_minor, order.version) == (370, 295 + 370, 1)

    reply = await manager.send(f"/edit {code} elsewhere 9 Queen Street, Cardiff CF10 2BH")
    assert KEPT[language] not in reply.last.text
    order = await order_row(shop, code)
    assert (order.address, order.latitude, order.longitude) == ("9 Queen Street, Cardiff CF10 2BH", None, None)
    assert (order.shipping_minor, order.version) == (520, 2)  # somewhere else, not located: the national rate


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_stale_press_on_the_staff_edit_screen_changes_nothing_and_shows_the_order_as_it_is(
    shop: RunningBot, language: str
) -> None:
    customer = SandboxUser(shop.server, 5501, "Bea")
    await add_to_cart(customer, "85123A")
    await add_to_cart(customer, "22197")
    code = order_code(await place_cod_order(customer))
    manager = await hire(shop, 5502, "Max", "manager", language=language)
    first = (await manager.send(f"/edit {code}")).last
    second = (await manager.send(f"/edit {code}")).last
    heart, popcorn = BINS[language]
    await manager.press(second, heart)
    assert await line_quantities(shop, code) == {"22197": 1}

    answered = await manager.press(first, popcorn)  # the older screen: the order has moved on
    assert answered.callback_answer is not None and STALE[language] in answered.callback_answer["text"]
    assert await line_quantities(shop, code) == {"22197": 1}  # nothing changed
    redrawn = next(m for m in manager.messages() if m.message_id == first.message_id)
    assert [b["text"] for b in redrawn.buttons() if b["text"].startswith("🗑")] == [popcorn]


USAGE = {
    "en": ("address TEXT (the same place)", "elsewhere TEXT (a different place: the national rate)"),
    "ru": ("address ТЕКСТ (то же место)", "elsewhere ТЕКСТ (другое место: по тарифу по стране)"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_edit_usage_names_elsewhere_for_a_different_place(shop: RunningBot, language: str) -> None:
    customer = SandboxUser(shop.server, 5505, "Rosa")
    await add_to_cart(customer, "85123A")
    code = order_code(await place_cod_order(customer))
    manager = await hire(shop, 5506, "Max", "manager", language=language)
    for asked in ("/edit", f"/edit {code} somewhere"):
        told = (await manager.send(asked)).last.text
        assert all(form in told for form in USAGE[language]), told
    assert (await order_row(shop, code)).version == 0  # a usage changes nothing
