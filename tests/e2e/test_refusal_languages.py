"""A refusal while an order is placed from chat names the product in the reader's language, as
the cart and the review do; the order line would still keep the shop's name as sold.

Demo data: 84077 "World War 2 Gliders Asstd Designs", 3 in MAN; 22197 "Popcorn Holder" £0.85."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import add_to_cart, checkout_to_payment, count, name_in_russian, scalar
from tests.e2e.price_lists import wholesale_list
from tests.fakes import FakeClock

GLIDERS = {"en": "World War 2 Gliders Asstd Designs", "ru": "Планеры Второй мировой, ассорти"}
POPCORN = {"en": "Popcorn Holder", "ru": "Держатель для попкорна"}
GONE = {
    "en": "{name}: only 0 available now. Your cart was not changed; please adjust it.",
    "ru": "{name}: сейчас доступно только 0. Корзина не изменена; поправьте её, пожалуйста.",
}
MINIMUM = {
    "en": "{name} is sold from 10 units on your price list: order 10 or more.",
    "ru": "По вашему прайс-листу {name} продаётся от 10 шт.: закажите 10 или больше.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_stock_gone_at_confirmation_and_at_the_review_is_refused_naming_the_product_in_the_readers_language(
    running: RunningBot, clock: FakeClock, language: str
) -> None:
    await name_in_russian(running, "84077", GLIDERS["ru"])
    alice = SandboxUser(running.server, 620, "Alice", language_code=language)
    await add_to_cart(alice, "84077", 2)
    review = await alice.press((await checkout_to_payment(alice, pickup=True)).last, "💵")
    clock.advance(minutes=31)
    await add_to_cart(SandboxUser(running.server, 621, "Bob"), "84077", 3)  # Alice's expired hold went to Bob
    refused = await alice.press(review.last, "✅")  # placing the order routes it again
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == GONE[language].format(name=GLIDERS[language])
    again = await alice.press((await checkout_to_payment(alice, pickup=True)).last, "💵")  # the review re-checks
    assert again.callback_answer is not None
    assert again.callback_answer["text"] == GONE[language].format(name=GLIDERS[language])
    assert await count(running, m.OrderRow) == 0


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_minimum_set_after_the_line_was_added_is_refused_naming_the_product_in_the_readers_language(
    shop: RunningBot, language: str
) -> None:
    await wholesale_list(shop)
    await name_in_russian(shop, "22197", POPCORN["ru"])
    dana = SandboxUser(shop.server, 722, "Dana", username="dana", language_code=language)
    await add_to_cart(dana, "22197", 3)  # retail: no minimum yet
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @dana group wholesale")
    reply = await dana.press((await checkout_to_payment(dana)).last, "💵")
    refused = await dana.press(reply.last, "✅")
    assert refused.callback_answer is not None
    assert refused.callback_answer["text"] == MINIMUM[language].format(name=POPCORN[language])
    assert await scalar(shop, select(m.OrderRow.id)) is None


DISCONTINUED = {
    "en": "{name} is discontinued and can no longer be ordered.",
    "ru": "Товар «{name}» снят с продажи и больше не заказывается.",
}
ADDED = {"en": "Added {name} × 3. In your cart: 3. /cart", "ru": "Добавлено: {name} × 3. В корзине: 3. /cart"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_adding_to_the_cart_names_the_product_in_the_readers_language_when_added_and_when_refused(
    shop: RunningBot, language: str
) -> None:
    await wholesale_list(shop)
    await name_in_russian(shop, "22197", POPCORN["ru"])
    await name_in_russian(shop, "84077", GLIDERS["ru"])
    dana = SandboxUser(shop.server, 723, "Dana", username="dana", language_code=language)
    assert (await add_to_cart(dana, "22197", 3)).last.text == ADDED[language].format(name=POPCORN[language])
    await SandboxUser(shop.server, ADMIN, "Ada").send("/customer @dana group wholesale")
    below = await add_to_cart(dana, "22197", 1)  # 4: under the list's minimum
    assert below.last.text == MINIMUM[language].format(name=POPCORN[language])
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "84077").values(status="discontinued"))
    gone = await add_to_cart(dana, "84077", 1)
    assert gone.last.text == DISCONTINUED[language].format(name=GLIDERS[language])
    assert await count(shop, m.CartLineRow) == 1
