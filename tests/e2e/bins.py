"""Readers of a warehouse's bins and a question's buttons that the new-bin tests (receiving, moving) share."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from sandbox.server import BotMessage
from storage import models as m


async def bins_of(shop: RunningBot, warehouse: str) -> dict[str, int]:
    """Each bin of the warehouse with the units it holds of anything (0: an empty bin, still a bin)."""
    async with shop.runtime.sessions() as session:
        b, bs, w = m.BinRow, m.BinStockRow, m.WarehouseRow
        rows = await session.execute(
            select(b.code, bs.quantity)
            .join(w, w.id == b.warehouse_id)
            .outerjoin(bs, bs.bin_id == b.id)
            .where(w.code == warehouse)
        )
        found: dict[str, int] = {}
        for code, quantity in rows:
            found[code] = found.get(code, 0) + (quantity or 0)
        return found


def button_data(message: BotMessage, text: str) -> str:
    """The callback data of the message's button whose text has ``text``: pressed again after it is gone."""
    return str(next(b["callback_data"] for b in message.buttons() if text in b["text"]))
