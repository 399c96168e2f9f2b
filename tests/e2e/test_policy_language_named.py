"""A policy not written in the reader's language names the language it is shown in, in the reader's own:
«на языке: английский» for a Russian customer, "in Russian" for an English one — not «English» on a Russian
screen (en/ru)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN

CASES = {
    # reader: (the policy's only language, its text, the note the reader reads, the button)
    "ru": ("en", "We keep your address only to deliver.", "вот он на языке: английский.", "🔒 Конфиденциальность"),
    "en": ("ru", "Адрес храним только для доставки.", "here it is in Russian.", "🔒 Privacy"),
}


@pytest.mark.parametrize("reader", ["en", "ru"])
async def test_a_policy_in_another_language_names_that_language_in_the_readers_words(
    shop: RunningBot, reader: str
) -> None:
    written_in, text, note, button = CASES[reader]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    saved = await admin.send(f"/settings privacy {written_in} {text}")
    assert saved.last.text.startswith("✅ Saved."), saved.last.text
    customer = SandboxUser(shop.server, 803, "Vera", language_code=reader)
    policies = await customer.send("/policies")
    shown = (await customer.press(policies.last, button)).last.text
    assert note in shown and text in shown, shown
    assert ("English" if reader == "ru" else "Русский") not in shown, shown
