"""/campaign NUMBER with more digits than any campaign number has names no campaign: "Nothing
was found." in the reader's language (it answered "something went wrong": the number overflowed
the database's integer)."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN

NOT_FOUND = {"en": "Nothing was found.", "ru": "Ничего не найдено."}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_campaign_number_past_any_campaigns_is_not_found(shop: RunningBot, language: str) -> None:
    ada = SandboxUser(shop.server, ADMIN, "Ada", language_code=language)
    for number in ("99999999999", "#99999999999999999999999"):
        assert (await ada.send(f"/campaign {number}")).last.text == NOT_FOUND[language]
