"""A draft purchase order on /po: its total, then a blank line, then how to change it (en/ru); the
total's line ended where a closing tag ate its line break, so the hint ran straight under it."""

from __future__ import annotations

import re

import pytest

from bot.harness import RunningBot
from domain.usecases.reorder_scan import reorder_scan
from tests.e2e.conftest import hire

WORDS = {
    "en": ("Total: £22.50", "Change a quantity: /po qty {n} SKU QTY"),
    "ru": ("Итого: 22,50\xa0£", "Изменить количество: /po qty {n} АРТИКУЛ КОЛ-ВО"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_draft_purchase_order_s_total_stands_apart_from_how_to_change_it(
    shop: RunningBot, language: str
) -> None:
    drafted = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    (number,) = (po.id for po in drafted)
    manager = await hire(shop, 80, "Mo", "manager", "MAN", language=language)
    shown = (await manager.send(f"/po {number}")).last.text
    total, change = WORDS[language]
    assert f"{total}\n\n{change.format(n=number)}" in shown, shown
    assert not re.search(r"\n{3}", shown)


SUPPLIER = {"en": "Supplier: ", "ru": "Поставщик: "}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_purchase_order_s_supplier_line_stands_apart_from_its_first_item(
    shop: RunningBot, language: str
) -> None:
    """The supplier's closing tag ate its line break: the first item ran straight under it."""
    drafted = await reorder_scan(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500)
    (number,) = (po.id for po in drafted)
    manager = await hire(shop, 81, "Mo", "manager", "MAN", language=language)
    shown = (await manager.send(f"/po {number}")).last.text
    supplier = next(line for line in shown.splitlines() if line.startswith(SUPPLIER[language]))
    assert f"\n{supplier}\n\n• " in shown, shown
    assert not re.search(r"\n{3}", shown)
