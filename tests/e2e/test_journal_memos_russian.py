"""A Russian manager's /journal names stock changes, transfers, short-pick losses and a buy-now
charge owed back in Russian (they stayed English: only the kinds the file's patterns knew were
translated); each entry keeps its memo's key, and the English export is as it was."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.books_for_managers import three_not_found
from tests.e2e.buy_now import _to_london
from tests.e2e.conftest import ADMIN, hire, shop_on
from tests.e2e.journeys import scalar
from tests.e2e.short_picks import SKU
from tests.fakes import FakeClock


async def _memos(who: SandboxUser, column: str, delimiter: str) -> list[str]:
    sent = (await who.send("/journal")).last.file
    assert sent is not None
    rows = csv.DictReader(io.StringIO(sent.content.decode("utf-8-sig")), delimiter=delimiter)
    return [row[column] for row in rows]


async def _sold_out_after_paying(shop: RunningBot) -> str:
    """A Buy now charge that arrives after the last unit went: sold, then owed back."""
    dana = SandboxUser(shop.server, 904, "Dana")
    invoice, option = await _to_london(dana, "22197")
    await dana.pre_checkout(invoice, option)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.StockRow).values(reserved=m.StockRow.on_hand))
    await dana.pay(invoice, charge_id="tg-late", shipping_option_id=option)
    return str(await scalar(shop, select(m.OrderRow.code).where(m.OrderRow.status == "cancelled")))


async def test_stock_changes_transfers_short_picks_and_a_buy_now_owed_back_read_in_russian_in_the_journal(
    database_url: str, clock: FakeClock
) -> None:
    settings = {"payment_provider_token": "sandbox:provider", "shipping_countries": "GB,IE"}
    async with shop_on(database_url, clock, staff_chat_id=-100500, admin_ids=[ADMIN], **settings) as shop:
        manager = await hire(shop, 98, "Мила", "manager", language="ru")
        english = await hire(shop, 99, "Mo", "manager")
        await manager.send("/receive 85123A 24 LON")
        await manager.send("/adjust 85123A LON -2 разбиты")
        await manager.send("/transfer 85123A 2 LON MAN")  # no cost at MAN: its value leaves inventory
        short = await three_not_found(shop)
        sold_out = await _sold_out_after_paying(shop)

        russian = await _memos(manager, "содержание", ";")
        assert any(memo.startswith("85123A на складе LON: +24 без заказа поставщику (") for memo in russian), russian
        assert "85123A на складе LON: -2, разбиты" in russian
        assert any(memo.startswith("85123A: 2 шт. перемещено LON → MAN (") for memo in russian), russian
        assert f"{SKU}: 3 шт. не найдено при сборке заказа {short}" in russian
        # The entry names the credit note issued for what is owed back (the shop's first).
        assert f"к возврату покупателю, заказ {sold_out}: товар распродан; кредит-нота CN-000001" in russian
        assert f"продажа {sold_out} (карта)" in russian
        english_memos = await _memos(english, "memo", ",")
        assert f"{SKU}: 3 not found, short pick {short}" in english_memos
        assert f"refund owed, {sold_out} sold out; credit note CN-000001" in english_memos
        assert "85123A at LON: -2, разбиты" in english_memos
        # Every entry the shop wrote, the demo's opening stock and its sales too, keeps its key.
        unkeyed = select(func.count()).select_from(m.JournalEntryRow).where(m.JournalEntryRow.memo_key.is_(None))
        assert await scalar(shop, unkeyed) == 0
        assert await scalar(shop, select(func.count()).select_from(m.JournalEntryRow)) > 6
