"""The picker's step screen writes its line numbers the reader's way, as every other count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiogram.utils.i18n import I18n

from domain.catalog import Product
from handlers.views.rendering import Renderer

GROUPED = [("en", "Line 1,200 of 1,500"), ("ru", "Строка 1\u00a0200 из 1\u00a0500")]


@pytest.mark.parametrize(("locale", "shown"), GROUPED)
def test_a_long_rounds_line_numbers_are_grouped_as_the_reader_writes_them(i18n: I18n, locale: str, shown: str) -> None:
    pick_list = SimpleNamespace(id=7, zone="", wave="", method=SimpleNamespace(value="batch"))
    current = SimpleNamespace(pick_list=pick_list, warehouse=SimpleNamespace(code="W1"))
    line = SimpleNamespace(bin_code="A-01", open=2, tote=3)
    with i18n.use_locale(locale):
        text = Renderer().render(
            "staff/pick_step.html.j2",
            round=current,
            line=line,
            product=Product("MUG", "Mug", "Kitchen"),
            order=SimpleNamespace(code="ABC123"),
            position=1200,
            total=1500,
        )
    assert shown in text.splitlines()[1]
