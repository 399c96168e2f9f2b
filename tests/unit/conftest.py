"""Fixtures shared by the domain and presentation unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import make_i18n


@pytest.fixture
def i18n() -> Iterator[I18n]:
    """The bot's catalogs, current as during an update (English until a test picks a locale)."""
    i18n = make_i18n("en")
    token = I18n.set_current(i18n)
    yield i18n
    I18n.reset_current(token)
