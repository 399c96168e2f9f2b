"""A photo, file or voice message sent outside a support conversation is answered with how to
reach the shop with it (💬 Contact us, then send it again), in English and Russian, and does not
reach the staff unasked; it said "I cannot use this here" to a customer showing a damaged item."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import staff_shop
from tests.fakes import FakeClock

SUPPORT = -1009000
TOLD = {
    "en": "To send this to the shop, press 💬 Contact us first, then send it again.",
    "ru": "Чтобы отправить это в магазин, сначала нажмите «💬 Написать нам», затем отправьте ещё раз.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_photo_or_voice_outside_a_conversation_says_how_to_send_it_to_the_shop(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        rita = SandboxUser(shop.server, 503, "Рита", language_code=language)
        assert (await rita.send_photo(b"\x89PNG broken mug", caption="broken")).last.text == TOLD[language]
        assert (await rita.send_voice(b"OggS voice")).last.text == TOLD[language]
        assert shop.server.chat_messages(SUPPORT) == []
        sticker = (await rita.send_sticker()).last.text
        assert sticker != TOLD[language]  # a sticker is not something for the shop
