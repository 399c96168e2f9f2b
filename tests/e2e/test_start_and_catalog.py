"""Whole journeys through the sandbox Bot API with the real aiogram HTTP session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from handlers.views.rendering import Renderer
from sandbox import SandboxUser
from storage import models as m


async def customer_row(running: RunningBot, telegram_id: int) -> m.CustomerRow | None:
    async with running.runtime.sessions() as session:
        return await session.scalar(select(m.CustomerRow).where(m.CustomerRow.telegram_id == telegram_id))


async def test_start_in_english_registers_greets_by_name_and_shows_the_menu(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 501, "Alice", last_name="Smith", language_code="en-GB")
    reply = await alice.send("/start")
    assert len(reply.new) == 1
    assert reply.last.text.startswith("Hello, Alice!")
    assert reply.last.html is not None and "<b>Alice</b>" in reply.last.html
    assert reply.last.button_texts() == [
        "🛍 Catalog",
        "🛒 Cart",
        "📦 My orders",
        "💬 Contact us",
        "🌐 Language",
        "❓ Help",
    ]
    row = await customer_row(running, 501)
    assert row is not None and (row.first_name, row.last_name, row.language) == ("Alice", "Smith", None)


async def test_start_in_russian_follows_telegrams_language(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 502, "Борис", language_code="ru")
    reply = await boris.send("/start")
    assert reply.last.text.startswith("Здравствуйте, Борис!")
    assert reply.last.button_texts() == [
        "🛍 Каталог",
        "🛒 Корзина",
        "📦 Мои заказы",
        "💬 Написать нам",
        "🌐 Язык",
        "❓ Помощь",
    ]
    help_reply = await boris.send("❓ Помощь")
    assert "Как пользоваться ботом" in help_reply.text


async def test_an_unsupported_language_falls_back_to_the_default(running: RunningBot) -> None:
    reply = await SandboxUser(running.server, 503, "Hans", language_code="de").send("/start")
    assert reply.last.text.startswith("Hello, Hans!")


async def test_a_chosen_language_wins_over_telegrams_and_is_stored(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 504, "Boris", language_code="ru")
    reply = await boris.send("/language")
    assert reply.last.text == "Выберите язык:"
    switched = await boris.press(reply.last, "English")
    assert switched.edited[0].text == "Language: English"
    assert switched.new[0].text.startswith("Hello, Boris!")
    assert (await boris.send("/start")).last.text.startswith("Hello, Boris!")
    row = await customer_row(running, 504)
    assert row is not None and row.language == "en"


async def test_a_name_with_html_characters_is_escaped(running: RunningBot) -> None:
    reply = await SandboxUser(running.server, 505, "<b>&", language_code="en").send("/start")
    assert reply.last.text.startswith("Hello, <b>&!")
    assert reply.last.html is not None and "&lt;b&gt;&amp;" in reply.last.html


async def test_browsing_categories_pages_and_a_product_card(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 506, "Alice")
    categories = await alice.send("🛍 Catalog")
    assert "Choose a category:" in categories.last.text
    assert "Home decor (12)" in categories.last.button_texts()
    page1 = await alice.press(categories.last, "Home decor")
    assert "Page 1 of 2" in page1.last.text
    assert page1.last.message_id == categories.last.message_id  # edited in place, no chat clutter
    assert page1.last.text.count("£") == 6
    page2 = await alice.press(page1.last, "Next")
    assert "Page 2 of 2" in page2.last.text and "Previous" in " ".join(page2.last.button_texts())
    card = await alice.press(page2.last, page2.last.button_texts()[0])
    assert "SKU:" in card.last.text and "Price: £" in card.last.text
    assert any(s in card.last.text for s in ("In stock", "Only", "Out of stock"))
    back = await alice.press(card.last, "Back to the list")
    assert "Page 2 of 2" in back.last.text


async def test_cards_show_low_and_no_stock(running: RunningBot) -> None:
    # In the demo data 84077 has only 3 units (one bin in MAN) and 85099B has no stock row at all.
    alice = SandboxUser(running.server, 507, "Alice")
    low = await alice.send("/start p_84077")
    assert "Only 3 left" in low.last.text
    out = await alice.send("/start p_85099B")
    assert "Out of stock" in out.last.text
    plenty = await alice.send("/start p_85123A")
    assert "In stock" in plenty.last.text


async def test_deep_link_opens_the_product_and_an_unknown_one_is_explained(running: RunningBot) -> None:
    boris = SandboxUser(running.server, 508, "Boris", language_code="ru")
    card = await boris.send("/start p_85123A")
    assert card.last.text.startswith("Белый подвесной подсвечник «Сердце»")
    assert "Артикул: 85123A" in card.last.text and "£" in card.last.text
    missing = await boris.send("/start p_NOPE-404")
    assert missing.last.text == "Ничего не найдено."


async def test_a_stale_button_gets_a_clear_answer_and_changes_nothing(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 509, "Alice")
    categories = await alice.send("/catalog")
    reply = await alice.press_data(categories.last, "pv:999999:1:0")
    assert reply.callback_answer is not None
    assert reply.callback_answer["text"] == "This item is no longer available. Please open the menu again."
    assert reply.new == [] and reply.edited == []


async def test_an_unexpected_error_is_reported_politely_in_the_users_language(
    running: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Renderer.render

    def broken(self: Renderer, template: str, **context: object) -> str:
        if template == "help.html.j2":
            raise RuntimeError("template store is down")
        return original(self, template, **context)

    monkeypatch.setattr(Renderer, "render", broken)
    reply = await SandboxUser(running.server, 510, "Борис", language_code="ru").send("/help")
    assert reply.last.text == "Извините, у нас что-то пошло не так. Попробуйте ещё раз через минуту."


async def test_command_menus_are_registered_per_language(running: RunningBot) -> None:
    commands = running.server.commands
    assert {c["command"] for c in commands["default::en"]} == {
        "start",
        "catalog",
        "search",
        "cart",
        "checkout",
        "orders",
        "language",
        "currency",
        "policies",
        "support",
        "help",
    }
    assert {c["description"] for c in commands["default::ru"]} >= {"Главное меню", "Сменить язык"}
    assert commands["default::"] == commands["default::en"]


async def test_an_unknown_command_points_to_help_and_commands_work_mid_checkout(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 520, "Alice")
    assert (await alice.send("/frobnicate")).last.text == "I do not know that command. /help lists what I can do."
    await alice.send("/add 85123A")
    await alice.send("/checkout")
    assert "Your cart" in (await alice.send("/cart")).last.text  # not taken for a phone number
    assert "Thank you, +447911123456." in (await alice.send("+44 7911 123456")).text


async def test_a_product_photo_is_uploaded_once_then_reused(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 521, "Alice")
    first = await alice.send("/start p_85123A")
    assert first.last.kind == "photo" and first.last.file is not None
    assert first.last.file.content.startswith(b"\x89PNG") and "SKU: 85123A" in first.last.text
    async with running.runtime.sessions() as session:
        reference = await session.scalar(select(m.ProductRow.photo_file_id).where(m.ProductRow.sku == "85123A"))
    assert reference == first.last.file.file_id  # the local file is not uploaded again
    uploads = len(running.server.files)
    second = await alice.send("/start p_85123A")
    assert second.last.kind == "photo" and len(running.server.files) == uploads
    added = await alice.press(second.last, "Add to cart")
    assert "In your cart: 1" in added.last.text and added.last.kind == "photo"  # caption edited in place


async def test_from_a_photo_card_back_to_the_list(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 522, "Alice")
    categories = await alice.send("/catalog")
    page = await alice.press(categories.last, "Lighting")
    card = await alice.press(page.last, "White Hanging Heart")
    assert card.new[0].kind == "photo"
    back = await alice.press(card.new[0], "Back to the list")
    assert "Lighting" in back.last.text and back.last.kind == "text"
    assert card.new[0].deleted


async def test_a_russian_category_page_counts_its_products_in_plain_russian(running: RunningBot) -> None:
    """«7 товаров здесь и глубже» was a word-for-word "here and below": the page says how many in all."""
    boris = SandboxUser(running.server, 512, "Борис", language_code="ru")
    categories = await boris.send("/catalog")
    bags = await boris.press(categories.last, "Сумки (7)")
    assert "Всего товаров: 7" in bags.last.text.splitlines()
    assert "глубже" not in bags.last.text
