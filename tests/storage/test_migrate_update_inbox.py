"""0050 keys the update inbox by bot and update id: the rows from before are the first bot's to
open it after the upgrade, another bot's ids are its own, and it goes back down, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.inbox import UpdateInbox
from storage.models.base import UtcDateTime
from tests.storage.migrations import migrate

AT = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
SHOP_BOT, NEW_BOT = 111111, 222222


async def test_the_inbox_before_the_upgrade_is_the_first_bots_and_another_bots_ids_are_its_own(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(migrate(engine, "0049", down=True))
        row = text(
            "INSERT INTO update_inbox (update_id, payload, received_at, handled_at) VALUES (:id, :p, :at, :done)"
        ).bindparams(bindparam("at", type_=UtcDateTime()), bindparam("done", type_=UtcDateTime()))
        await connection.execute(row, {"id": 41, "p": '{"handled": 41}', "at": AT, "done": AT})
        await connection.execute(row, {"id": 42, "p": '{"left": 42}', "at": AT, "done": None})
        await connection.commit()
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()

    inbox = UpdateInbox(engine)
    assert await inbox.unhandled(SHOP_BOT) == [(42, '{"left": 42}')]  # replayed by the shop's bot
    assert await inbox.record(SHOP_BOT, [(41, "{}"), (43, "{}")], AT) == {43}  # 41: it took it already
    moved = UpdateInbox(engine)  # the shop on a new bot token, in a new process
    assert await moved.unhandled(NEW_BOT) == []
    assert await moved.record(NEW_BOT, [(41, "{}"), (42, "{}")], AT) == {41, 42}
    await moved.mark_handled(NEW_BOT, [41, 42], AT)
    assert await inbox.unhandled(SHOP_BOT) == [(42, '{"left": 42}'), (43, "{}")]  # still the old bot's

    async with engine.connect() as connection:
        later = {"at": AT + timedelta(minutes=1)}
        newest = text("UPDATE update_inbox SET received_at = :at WHERE bot_id = 222222").bindparams(
            bindparam("at", type_=UtcDateTime())
        )
        await connection.execute(newest, later)
        await connection.commit()
        await connection.run_sync(migrate(engine, "0049", down=True))
        left = (await connection.execute(text("SELECT update_id FROM update_inbox ORDER BY update_id"))).scalars()
        assert list(left) == [41, 42]  # the bot that last received: the one the shop runs on now
        await connection.run_sync(migrate(engine, "head"))
        await connection.commit()
