"""Languages come from the catalogs in ``locales/``: adding one is adding a compiled catalog.
A third language built here, in a temporary folder, is offered and spoken."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from bot.harness import running_bot
from bot.i18n import locales_dir
from sandbox import SandboxUser
from tests.e2e.conftest import refused_calls
from tests.fakes import FakeClock

GERMAN = {
    "Choose your language:": "Wähle deine Sprache:",
    "Hello, <b>%(name)s</b>!": "Hallo, <b>%(name)s</b>!",
}


def locales_with_german(folder: Path) -> Path:
    """The shipped catalogs plus a German one that translates two strings (the rest falls
    back to the English text, as gettext does for a string a catalog lacks)."""
    for language in ("en", "ru"):
        shutil.copytree(locales_dir() / language, folder / language)
    catalog = Catalog(locale="de", domain="messages")
    for english, german in GERMAN.items():
        catalog.add(english, german)
    messages = folder / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    with (messages / "messages.po").open("wb") as po:
        write_po(po, catalog)
    with (messages / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    return folder


async def test_a_catalog_added_to_the_locales_folder_is_offered_and_spoken(tmp_path: Path) -> None:
    locales = locales_with_german(tmp_path / "locales")
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'de.sqlite3'}", clock=FakeClock(), demo_catalog=False, locales_dir=locales
    ) as bot:
        # Telegram's language picks the new catalog with no choice made ...
        hans = SandboxUser(bot.server, 901, "Hans", language_code="de-AT")
        assert (await hans.send("/start")).last.text.startswith("Hallo, Hans!")
        # ... /language offers it by its own name (Babel's), and choosing it is remembered.
        alice = SandboxUser(bot.server, 902, "Alice", language_code="en")
        offer = await alice.send("/language")
        assert offer.last.button_texts() == ["English", "Deutsch", "Русский"]
        chosen = await alice.press(offer.last, "Deutsch")
        assert chosen.edited[0].text == "Language: Deutsch"  # not translated in this small catalog
        assert chosen.new[0].text.startswith("Hallo, Alice!")
        assert (await alice.send("/language")).last.text == "Wähle deine Sprache:"
        # the command menu is registered in it too
        assert "default::de" in bot.server.commands
        assert refused_calls(bot) == []


async def test_the_shipped_catalogs_are_what_is_offered_without_a_locales_folder(tmp_path: Path) -> None:
    async with running_bot(f"sqlite+aiosqlite:///{tmp_path / 'en.sqlite3'}", demo_catalog=False) as bot:
        offer = await SandboxUser(bot.server, 903, "Ann").send("/language")
        assert offer.last.button_texts() == ["English", "Русский"]
