"""What the books say to a manager reading the bot in Russian: every word of /ar in Russian."""

from __future__ import annotations

from bot.harness import RunningBot
from tests.e2e.conftest import hire
from tests.e2e.test_jobs import _invoice_order
from tests.fakes import FakeClock


async def test_the_receivables_aging_names_its_buckets_in_the_manager_s_language(
    shop: RunningBot, clock: FakeClock
) -> None:
    late = await _invoice_order(shop, 610)  # due in 14 days
    clock.advance(days=14 + 45)
    current = await _invoice_order(shop, 611)
    manager = await hire(shop, 98, "Маша", "manager", language="ru")
    aging = (await manager.send("/ar")).last.text
    lines = {line.split(" — ")[0].removeprefix("• "): line.split(" — ")[-1] for line in aging.splitlines()[1:]}
    assert lines == {late: "просрочено на 31-60 дн.", current: "в срок"}
    english = await hire(shop, 99, "Mo", "manager")
    assert (await english.send("/ar")).last.text.splitlines()[1].endswith("— 31-60 days overdue")
