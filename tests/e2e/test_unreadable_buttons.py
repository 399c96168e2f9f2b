"""A button whose data has a known prefix but no longer unpacks (sent before its factory's format changed, as the
new-bin question's ``nbin:`` buttons before ``kind``): answered as out of date, nothing sent, in English and Russian."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from aiogram.filters.callback_data import CallbackData

import bot
import handlers
from bot.harness import RunningBot
from handlers.callbacks import CartChange
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN

OUT_OF_DATE = {
    "en": "This button is out of date. Please open the menu again.",
    "ru": "Эта кнопка устарела. Откройте меню ещё раз.",
}
PADDED = {CartChange}  # reads a button from before its last fields as one with them (0), on purpose


def _subclasses(cls: type[CallbackData]) -> Iterator[type[CallbackData]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _unreadable() -> list[str]:
    """Each factory's prefix with one part more than its fields, and (but where it pads) one fewer."""
    for package in (handlers, bot):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found = sorted(
        (cls for cls in _subclasses(CallbackData) if not cls.__module__.startswith(("tests.", "aiogram."))),
        key=lambda cls: cls.__name__,
    )
    data = []
    for cls in found:
        fields = len(cls.model_fields)
        data.append(cls.__prefix__ + ":1" * (fields + 1))
        if fields > 0 and cls not in PADDED:
            data.append(cls.__prefix__ + ":1" * (fields - 1))
    return data


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_button_of_a_known_kind_that_no_longer_unpacks_is_answered_out_of_date(
    shop: RunningBot, language: str
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)  # every staff screen open to her
    asked = (await admin.send("/receive 85123A 5 LON Z-99-99-9")).last
    old_new_bin = ["nbin:create:1:0", "nbin:near:1", "nbin:cancel:1:0:receive:1"]  # before ``kind``, and after
    for data in old_new_bin + _unreadable():
        pressed = await admin.press_data(asked, data)
        assert pressed.callback_answer is not None, data
        assert pressed.callback_answer["text"] == OUT_OF_DATE[language], data
        assert pressed.new == [], data
