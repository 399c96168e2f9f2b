"""Support staff place an order for a customer through the same checkout."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.journeys import count, order_code, place_cod_order, scalar


async def test_support_places_an_order_for_a_customer_who_is_told(running: RunningBot) -> None:
    alice = SandboxUser(running.server, 701, "Alice", username="alice_shop")
    await alice.send("/start")
    sam = SandboxUser(running.server, 702, "Sam")
    await sam.send("/start")
    async with running.runtime.sessions() as session, session.begin():
        session.add(m.StaffRow(telegram_id=702, role="support"))

    acting = await sam.send("/assist @Alice_Shop")
    assert acting.last.text.startswith("You are now ordering for Alice (@alice_shop).")
    await sam.send("/add 85123A 2")
    alice_id = await scalar(running, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 701))
    lines = await scalar(running, select(m.CartLineRow.quantity).where(m.CartLineRow.customer_id == alice_id))
    assert lines == 2
    placed = await place_cod_order(sam, pickup=True)
    code = order_code(placed)
    assert placed.last.chat_id == 702  # the confirmation is in Sam's chat

    order = await scalar(running, select(m.OrderRow).where(m.OrderRow.code == code))
    assert order is not None and (order.customer_id, order.channel) == (alice_id, "support")
    async with running.runtime.sessions() as session:
        history = select(m.OrderHistoryRow.actor).where(m.OrderHistoryRow.order_id == order.id)
        actors = list(await session.scalars(history.order_by(m.OrderHistoryRow.id)))
    assert actors[0] == "staff:702"
    told = alice.messages()[-1]
    assert told.text.startswith(f"🧾 Our support team placed order {code} for you.")
    mine = await alice.send("/orders")
    assert code in mine.last.text

    back = await sam.send("/assist_end")
    assert back.last.text == "You are back to your own account."
    assert "no orders yet" in (await sam.send("/orders")).last.text


async def test_customers_cannot_act_for_others(running: RunningBot) -> None:
    mallory = SandboxUser(running.server, 703, "Mallory")
    victim = SandboxUser(running.server, 704, "Victim", username="victim")
    await victim.send("/start")
    refused = await mallory.send("/assist @victim")
    assert refused.last.text == "This command is for shop staff only."
    await mallory.send("/add 85123A 1")
    assert await count(running, m.CartLineRow) == 1
    mallory_id = await scalar(running, select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == 703))
    assert await scalar(running, select(m.CartLineRow.customer_id)) == mallory_id
