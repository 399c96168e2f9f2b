"""🔕 Unsubscribe from news naming a campaign the shop has no record of (a forged or mangled
button) still unsubscribes the customer and says so; it answered "something went wrong" (the
opt-out row pointed at no campaign) and left them subscribed."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from handlers.callbacks import UnsubscribeCb
from sandbox import SandboxUser
from storage import models as m


async def test_an_unsubscribe_button_of_an_unknown_campaign_still_unsubscribes(shop: RunningBot) -> None:
    ann = SandboxUser(shop.server, 531, "Ann")
    start = (await ann.send("/start")).last
    out = await ann.press_data(start, UnsubscribeCb(campaign_id=987654).pack())
    assert out.last.text.startswith("You will get no more news from us")
    async with shop.runtime.sessions() as session:
        rows = (
            await session.execute(
                select(m.MarketingOptOutRow.campaign_id)
                .join(m.CustomerRow, m.CustomerRow.id == m.MarketingOptOutRow.customer_id)
                .where(m.CustomerRow.telegram_id == 531)
            )
        ).all()
    assert [tuple(r) for r in rows] == [(None,)]  # counted against no campaign
