"""What customers hear when a bin count takes back units held for them (en, ru): an order's customer that the shelf
was found short before picking (not that a picker missed it), with the short pick's choices; a cart's customer how
many of the item the cart has now, the cart holding each unit it still lists."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.bin_counts import as_the_books_say
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, bins, jars_in, order_code, place_cod_order, status, stock
from tests.e2e.split_shipments import shelf_says

SAID = {
    "en": {
        "done": "✅ Done counting",
        "confirm": "✅ Confirm",
        "order": "⚠️ We are short of 2 × {name} for your order {code}: we found fewer on the shelf than our records"
        " said.",
        "picked": "when we picked",
        "fewer": "🛒 We found fewer of Jar on the shelf than our records said, so fewer are available: your cart now"
        " has 2 (you had 4).",
        "gone": "🛒 We found fewer of {name} on the shelf than our records said: none is left to hold for you, so it"
        " was taken out of your cart.",
        "still": "Your cart as it is now: /cart",
        "open": "🛒 Open my cart",
        "held": "Items are held for you until",
        "expired": "Some holds have expired",
    },
    "ru": {
        "done": "✅ Пересчёт закончен",
        "confirm": "✅ Подтвердить",
        "order": "⚠️ Не хватает 2 × {name} для вашего заказа {code}: на полке оказалось меньше, чем по нашему учёту.",
        "picked": "при сборке",
        "fewer": "🛒 На полке оказалось меньше «Jar», чем по нашему учёту, поэтому доступно меньше: теперь в вашей"
        " корзине 2 (было 4).",
        "gone": "🛒 На полке оказалось меньше «{name}», чем по нашему учёту: для вас не осталось ни одного, и товар"
        " убран из корзины.",
        "still": "Ваша корзина сейчас: /cart",
        "open": "🛒 Открыть корзину",
        "held": "Товары зарезервированы для вас до",
        "expired": "Резерв истёк",
    },
}
CHOICES = {  # the short pick's three answers, the same for a count's hold
    "en": ["🚚 Send what is here now, the rest later", "⏳ Wait and send it all together", "✖ Cancel the missing part"],
    "ru": [
        "🚚 Отправить то, что есть, остальное позже",
        "⏳ Подождать и отправить всё вместе",
        "✖ Отменить недостающее",
    ],
}


async def _count(shop: RunningBot, mia: SandboxUser, sku: str, units: int, language: str) -> str:
    """Mia counts ``units`` of ``sku`` in its LON bin, the rest as the books say, and confirms: the bin counted."""
    ((_, bin_code, _),) = [b for b in await bins(shop, sku) if b[0] == "LON" and b[2]]
    await mia.send(f"/count {bin_code}")
    await mia.send(f"{sku} {units}")
    summary = await mia.press((await as_the_books_say(shop, mia, bin_code, sku)).last, SAID[language]["done"])
    await mia.press(summary.last, SAID[language]["confirm"])
    await shop.runtime.notifier.drain()
    return bin_code


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_customer_whose_order_a_count_held_is_told_the_count_found_the_shelf_short_with_the_same_choices(
    shop: RunningBot, language: str
) -> None:
    said = SAID[language]
    await shelf_says(shop, 5)
    vera = SandboxUser(shop.server, 1_730, "Вера", language_code=language)
    await add_to_cart(vera, "22151", 3)
    code = order_code(await place_cod_order(vera))
    mia = await hire(shop, 1_731, "Mia", "manager", "LON", language=language)
    await _count(shop, mia, "22151", 1, language)
    assert await status(shop, code) == "on_hold"
    asked = shop.server.chat_messages(vera.id)[-1]
    first = asked.text.splitlines()[0]
    assert first.startswith(said["order"].split("{name}")[0]) and first.endswith(
        said["order"].split("{name}")[1].format(code=code)
    ), first
    assert said["picked"] not in asked.text
    assert asked.button_texts() == CHOICES[language]
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cart_whose_hold_a_count_took_holds_what_is_free_elsewhere_and_its_customer_is_told_it_has_fewer(
    shop: RunningBot, language: str
) -> None:
    """Vera's cart holds all 4 jars in LON; Mia finds 1 there. The count takes 3 back: MAN's free jar is held for her
    instead, and her cart comes down from 4 to the 2 held, which it shows held (no ⏳), and she is told."""
    said = SAID[language]
    await jars_in(shop, ("LON", "A-01-01-1", 4), ("MAN", "C-01-01-1", 1))
    vera = SandboxUser(shop.server, 1_732, "Вера", language_code=language)
    await add_to_cart(vera, "JAR-1", 4)
    assert await stock(shop, "JAR-1") == [("LON", 4, 4), ("MAN", 1, 0)]
    mia = await hire(shop, 1_733, "Mia", "manager", "LON", language=language)
    await _count(shop, mia, "JAR-1", 1, language)
    assert await stock(shop, "JAR-1") == [("LON", 1, 1), ("MAN", 1, 1)]  # every unit left held for her
    told = shop.server.chat_messages(vera.id)[-1]
    assert told.text.splitlines() == [said["fewer"], said["still"]], told.text
    assert told.button_texts() == [said["open"]]
    cart = (await vera.send("/cart")).last.text
    assert "× 2 " in cart and said["held"] in cart and said["expired"] not in cart and "⏳" not in cart, cart
    assert all(c.ok for c in shop.server.calls)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cart_line_a_count_left_nothing_to_hold_is_taken_out_and_the_rest_of_the_cart_stays_held(
    shop: RunningBot, language: str
) -> None:
    """22151 (only LON has it): Vera's cart holds all 3 and a jar; Mia finds none. The line goes, she is told, and
    her cart still holds the jar."""
    said = SAID[language]
    await jars_in(shop, ("LON", "A-01-01-1", 4), ("MAN", "C-01-01-1", 1))
    await shelf_says(shop, 3)
    vera = SandboxUser(shop.server, 1_734, "Вера", language_code=language)
    await add_to_cart(vera, "22151", 3)
    await add_to_cart(vera, "JAR-1", 1)
    mia = await hire(shop, 1_735, "Mia", "manager", "LON", language=language)
    await _count(shop, mia, "22151", 0, language)
    assert await stock(shop, "22151") == [("LON", 0, 0)]
    told = shop.server.chat_messages(vera.id)[-1].text.splitlines()
    assert told[0].startswith(said["gone"].split("{name}")[0]) and told[0].endswith(said["gone"].split("{name}")[1])
    assert told[1:] == [said["still"]]
    cart = (await vera.send("/cart")).last.text
    assert "22151" not in cart and "Jar × 1 " in cart and said["held"] in cart and "⏳" not in cart, cart
    assert all(c.ok for c in shop.server.calls)
