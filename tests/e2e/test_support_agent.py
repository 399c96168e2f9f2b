"""A support agent at work through the sandbox: changing an order for a customer, answering
with photos and long texts within Telegram's limits, cancelling an order on their behalf."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.driver import SandboxGroup
from storage import models as m
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.journeys import add_to_cart, order_code, place_cod_order
from tests.fakes import FakeClock

SUPPORT = -1009000


async def _conversations(shop: RunningBot) -> list[m.SupportConversationRow]:
    async with shop.runtime.sessions() as session:
        rows = await session.scalars(select(m.SupportConversationRow).order_by(m.SupportConversationRow.id))
        return list(rows.all())


async def test_an_address_changed_by_support_reads_one_change_a_line_for_staff_and_customer(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock) as shop:
        agent = await hire(shop, 77, "Sofia", "support")
        boris = SandboxUser(shop.server, 502, "Борис", language_code="ru")
        await add_to_cart(boris, "85123A")
        code = order_code(await place_cod_order(boris))
        changed = await agent.send(f"/edit {code} address 10 Downing St <b>")
        assert changed.last.text.splitlines()[:3] == [
            f"✏️ Order {code} was changed by Sofia (staff).",
            "Delivery: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Shipping: £3.70 → £5.20",
        ]
        told = boris.messages()[-1].text.splitlines()  # the customer reads the same, in Russian
        assert told[1:3] == [
            "Доставка: 221B Baker Street, London NW1 6XE → 10 Downing St <b>",
            "Доставка: 3,70\xa0£ → 5,20\xa0£",
        ]


async def test_a_photo_answered_with_a_caption_at_telegrams_limit_reaches_the_customer_whole_and_signed(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        agent = await hire(shop, 77, "Sofia", "support")
        gina = SandboxUser(shop.server, 507, "Gina")
        await gina.send("how do I measure the size?")
        [topic] = shop.server.forums[SUPPORT].values()
        caption = "Measure <b>here</b> 📏 " + "x" * 998  # 1,024 characters shown: the most a caption takes
        answered = await forum.send_photo(agent, b"\x89PNG chart", caption=caption, thread_id=topic.thread_id)
        assert answered.messages == []  # nothing went wrong, nothing to tell staff
        signature, photo = gina.messages()[-2:]
        assert signature.text == "💬 Sofia" and (photo.kind, photo.text) == ("photo", caption)

        edited = caption[:-1] + "y"
        await forum.edit(forum.last_sent(), edited)
        assert gina.messages()[-1].text == edited and gina.messages()[-1].edits == 1  # whole, not cut short

        await forum.send_photo(agent, b"\x89PNG box", caption="The box", thread_id=topic.thread_id)
        assert gina.messages()[-1].text == "💬 Sofia\nThe box"  # a caption with room left is signed in it
        [conversation] = await _conversations(shop)
        assert conversation.messages_out == 2


async def test_a_staff_answer_edited_to_telegrams_limit_reaches_the_customer_whole(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with staff_shop(tmp_path, clock, support_chat_id=SUPPORT) as shop:
        forum = SandboxGroup(shop.server, "Support", chat_id=SUPPORT, forum=True)
        agent = await hire(shop, 77, "Sofia", "support")
        gina = SandboxUser(shop.server, 507, "Gina")
        await gina.send("how do I measure the size?")
        [topic] = shop.server.forums[SUPPORT].values()
        await forum.send(agent, "Short answer", thread_id=topic.thread_id)
        assert gina.messages()[-1].text == "💬 Sofia\nShort answer"
        longer = "Ж" * 4096
        await forum.edit(forum.last_sent(), longer)
        assert gina.messages()[-1].text == longer  # not cut off with "…" to make room for the name
