"""One rule for a paged screen's page number: "Page X of Y" when there are several, none on one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.utils.i18n import I18n

from domain.catalog import Product
from domain.usecases.catalog import CatalogPage
from domain.usecases.catalog_admin import HistoryPage
from handlers.views.rendering import Renderer


def _category(page: int, pages: int) -> tuple[str, dict[str, Any]]:
    shelf = SimpleNamespace(id=3, name="Shelf", product_count=0)
    shown = CatalogPage(category=shelf, cards=[], page=page, pages=pages, total=0)  # type: ignore[arg-type]
    return "category_page.html.j2", {"page": shown, "trail": ["Shelf"]}


def _top(page: int, pages: int) -> tuple[str, dict[str, Any]]:
    return "categories.html.j2", {"page": CatalogPage(category=None, cards=[], page=page, pages=pages, total=5)}


def _history(page: int, pages: int) -> tuple[str, dict[str, Any]]:
    history = HistoryPage(
        product=Product(sku="MUG-1", name="Mug", category="Kitchen"), changes=[], page=page, pages=pages
    )
    return "staff/product_history.html.j2", {"history": history, "fields": [], "values": []}


SCREENS = [_category, _top, _history]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.__name__.strip("_"))
def test_a_list_on_one_page_shows_no_page_number(i18n: I18n, screen: Any) -> None:
    template, context = screen(0, 1)
    text = Renderer().render(template, **context)
    assert "Page" not in text and "1/1" not in text
    assert text.splitlines()[0].endswith("</b>")  # the heading a line of its own, as before


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.__name__.strip("_"))
def test_a_list_over_several_pages_says_which_page_of_how_many(i18n: I18n, screen: Any) -> None:
    template, context = screen(1, 5)
    lines = Renderer().render(template, **context).splitlines()
    assert any(line.endswith("Page 2 of 5") for line in lines)  # what follows starts a line
    with i18n.use_locale("ru"):
        assert "Страница 2 из 5" in Renderer().render(template, **context)
