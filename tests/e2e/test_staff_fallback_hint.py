"""A voice message or a sticker staff send outside any step got the customers' «press 💬 Contact us first»: staff
are told their messages do not reach support and /help lists their commands (en and ru); a customer's is as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import SandboxUser
from tests.e2e.conftest import hire, staff_shop
from tests.fakes import FakeClock

SUPPORT = -1009000
STAFF_HINT = {
    "en": "This goes nowhere: staff messages are not passed to support. /help lists what you can do.",
    "ru": "Это никуда не уходит: сообщения сотрудников не передаются в поддержку. /help — что вы можете сделать.",
}
CONTACT_US = {
    "en": "To send this to the shop, press 💬 Contact us first, then send it again.",
    "ru": "Чтобы отправить это в магазин, сначала нажмите «💬 Написать нам», затем отправьте ещё раз.",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_staff_voice_or_sticker_outside_a_step_gets_the_staff_hint_not_contact_us(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        pax = await hire(shop, 111, "Pax", "packer", "LON", language=language)
        assert (await pax.send_voice(b"OggS a question")).last.text == STAFF_HINT[language]
        assert (await pax.send_sticker()).last.text == STAFF_HINT[language]
        assert shop.server.chat_messages(SUPPORT) == []

        alice = SandboxUser(shop.server, 1001, "Alice", language_code=language)
        await alice.send("/start")
        assert (await alice.send_voice(b"OggS my parcel")).last.text == CONTACT_US[language]
