"""A customer who writes many messages at once to support, through the sandbox with Telegram's
flood limits on: every message reaches their topic, none is answered "something went wrong"."""

from __future__ import annotations

from pathlib import Path

from bot.harness import running_bot
from sandbox import SandboxUser
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import support_question
from tests.fakes import FakeClock

SUPPORT = -1009000


async def test_a_burst_of_messages_to_support_all_reach_the_topic_in_order(tmp_path: Path, clock: FakeClock) -> None:
    """Ivan sent 12 messages in a row: Telegram let the bot copy about one a second into the
    support forum, the rest were refused (429), and he was told «что-то пошло не так» for each
    of those, which never reached staff."""
    async with running_bot(
        f"sqlite+aiosqlite:///{tmp_path / 'burst.sqlite3'}",
        clock=clock,
        default_currency="GBP",
        staff_chat_id=-100500,
        admin_ids=[ADMIN],
        support_chat_id=SUPPORT,
        flood_limits=True,
    ) as shop:
        ivan = SandboxUser(shop.server, 501, "Иван", language_code="ru")
        await support_question(shop, SUPPORT, ivan, "Здравствуйте, где мой заказ?")
        sent = [f"Посылка не пришла, пишу в {n}-й раз" for n in range(12)]
        for text in sent:
            await ivan.send(text)
        copied = [msg.text for msg in shop.server.chat_messages(SUPPORT) if msg.text.startswith("Посылка")]
        assert copied == sent
        told = [msg.text for msg in shop.server.chat_messages(501)]
        assert not any("пошло не так" in text for text in told)
