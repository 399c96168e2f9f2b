"""A Russian date ("15 янв. 2027 г.") ends a sentence with its own point: the card, /backorder and the
order's messages read "г.", not "г.."."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import hire


async def test_a_sentence_ending_in_a_russian_date_has_one_point(shop: RunningBot) -> None:
    manager = await hire(shop, 95, "Маша", "manager", language="ru")
    terms = await manager.send("/backorder 85099B preorder 2027-01-15 10")
    assert "выходит 15 янв. 2027\u202fг." in terms.last.text and "г.." not in terms.last.text, terms.last.text
    card = await SandboxUser(shop.server, 530, "Вера", language_code="ru").send("/start p_85099B")
    assert "выходит 15 янв. 2027\u202fг." in card.last.text and "г.." not in card.last.text, card.last.text
    english = await SandboxUser(shop.server, 531, "Vera").send("/start p_85099B")
    assert "released on 15 Jan 2027." in english.last.text, english.last.text


async def test_a_preorder_released_already_is_refused_saying_so(shop: RunningBot) -> None:
    """ "/backorder SKU preorder 2020-01-01" (a typo for 2027) was saved: the reply read "released on
    Jan 1, 2020" and the product took no orders, with no word of why."""
    for language, expected in (
        ("en", "A preorder's release date must be after today."),
        ("ru", "Дата выхода предзаказа должна быть позже сегодняшнего дня."),
    ):
        manager = await hire(shop, 96 if language == "en" else 97, "Mo", "manager", language=language)
        assert (await manager.send("/backorder 85099B preorder 2020-01-01")).last.text == expected
        assert (await manager.send("/backorder 85099B preorder 2026-11-25")).last.text == expected
    shown = await manager.send("/backorder 85099B")
    assert "Предзаказ" not in shown.last.text, shown.last.text
