"""``/add SKU QUANTITY`` refused: the SKU is checked before the quantity, whatever the quantity typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m

BAD_QUANTITIES = ("0", "99999", "-1", "1e3", "два")
SAID = {
    "en": (
        "No product has the SKU NOSUCH. /search finds one by its name, /catalog lists them all.",
        "Quantity must be a whole number from 1 to 9999.",
    ),
    "ru": (
        "Нет товара с артикулом NOSUCH. /search найдёт его по названию, /catalog покажет все.",
        "Количество должно быть целым числом от 1 до 9999.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_wrong_sku_with_a_wrong_quantity_is_told_of_the_sku_first_whatever_the_quantity(
    shop: RunningBot, language: str
) -> None:
    """``/add NOSUCH 0`` said the SKU was unknown but ``/add NOSUCH -1`` that the quantity was wrong: a customer who
    mistyped both was told of one or the other by the quantity's shape. The SKU is told first: a quantity is judged
    against a product (its minimum, its packs), and with the SKU wrong there is none yet; the quantity is told once
    the SKU is right."""
    wrong_sku, wrong_quantity = SAID[language]
    ann = SandboxUser(shop.server, 531, "Ann", language_code=language)
    await ann.send("/start")
    for quantity in BAD_QUANTITIES:
        assert (await ann.send(f"/add NOSUCH {quantity}")).last.text == wrong_sku, quantity
        assert (await ann.send(f"/add 23843 {quantity}")).last.text == wrong_quantity, quantity
    async with shop.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.CartLineRow)) == 0
