"""Scheduled jobs through the sandbox, driven by the fake clock: the abandoned-cart reminder
with its button back to the cart, and the post-delivery follow-up with star buttons, a
review, the low-rating alert and /reviews for managers."""

from __future__ import annotations

from datetime import timedelta

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.jobs import follow_up_deliveries, sweep_holds
from domain.usecases.orders import transition_order
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.jobs import _invoice_order
from tests.e2e.journeys import add_to_cart, order
from tests.fakes import FakeClock


async def test_an_idle_cart_is_reminded_once_with_a_button_back_to_it(shop: RunningBot, clock: FakeClock) -> None:
    carla = SandboxUser(shop.server, 300, "Carla")
    await add_to_cart(carla, "85123A", 2)
    runtime = shop.runtime
    clock.advance(hours=3)
    swept = await sweep_holds(runtime.uow(), runtime.clock, remind_after=timedelta(hours=2))
    assert swept == (1, 1)
    await runtime.notifier.drain()
    reminder = shop.server.chat_messages(300)[-1]
    assert reminder.text.startswith("🛒 You left something in your cart")
    cart = await carla.press(reminder, "Open my cart")
    assert "White Hanging Heart" in cart.last.text
    assert await sweep_holds(runtime.uow(), runtime.clock, remind_after=timedelta(hours=2)) == (0, 0)


async def test_a_delivered_order_is_followed_up_rated_and_reviewed(shop: RunningBot, clock: FakeClock) -> None:
    code = await order(shop, 310, {"85123A": 1})
    runtime = shop.runtime
    for status in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED, OrderStatus.SHIPPED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=status, actor="staff:1")
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.DELIVERED, actor="staff:1")
    clock.advance(days=2)
    assert await follow_up_deliveries(runtime.uow(), runtime.clock, after=timedelta(days=3)) == 0
    clock.advance(days=1, minutes=1)
    assert await follow_up_deliveries(runtime.uow(), runtime.clock, after=timedelta(days=3)) == 1
    assert await follow_up_deliveries(runtime.uow(), runtime.clock, after=timedelta(days=3)) == 0
    await runtime.notifier.drain()
    customer = SandboxUser(shop.server, 310, "C310")
    ask = shop.server.chat_messages(310)[-1]
    assert f"How was your order {code}?" in ask.text and ask.button_texts() == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]

    rated = await customer.press(ask, "2⭐")
    assert "Would you add a few words?" in rated.last.text
    alerts = [m.text for m in shop.server.chat_messages(-100500)]
    assert any(f"Order {code} was rated 2 of 5." in t for t in alerts)
    thanks = await customer.send("<b>late</b> & the box was wet")
    assert thanks.last.text == "Thank you for your review! It helps us a lot."

    manager = await hire(shop, 76, "Meg", "manager")
    reviews = await manager.send("/reviews")
    assert f"⭐⭐ {code}" in reviews.last.text and "“<b>late</b> & the box was wet”" in reviews.last.text
    assert (await SandboxUser(shop.server, 311, "Cy").send("/reviews")).last.text == (
        "This command is for shop staff only."
    )


async def test_only_a_delivered_order_can_be_rated(shop: RunningBot) -> None:
    code = await order(shop, 320, {"85123A": 1})
    customer = SandboxUser(shop.server, 320, "C320")
    reply = await customer.press_data(shop.server.chat_messages(320)[-1], f"rt:{code}:5", label="5⭐")
    assert reply.callback_answer is not None
    assert reply.callback_answer["text"] == "Only a delivered order can be rated."


async def test_overdue_invoices_are_reminded_on_schedule_until_paid(shop: RunningBot, clock: FakeClock) -> None:
    from domain.usecases.jobs import dun_invoices

    code = await _invoice_order(shop, 330)
    other = await _invoice_order(shop, 331)
    runtime = shop.runtime

    async def dun() -> int:
        sent = await dun_invoices(runtime.uow(), runtime.clock, staff_chat_id=-100500)
        await runtime.notifier.drain()
        return sent

    assert await dun() == 0  # not due for 14 days
    clock.advance(days=14)
    assert await dun() == 2  # due today: both reminded
    assert await dun() == 0
    assert "is due today" in shop.server.chat_messages(330)[-1].text
    manager = await hire(shop, 77, "Mia", "manager")
    recorded = (await manager.send(f"/paid {other}")).last.text
    assert recorded.startswith("Payment of £") and recorded.endswith(f"for order {other}; invoice reminders stop.")
    assert (await manager.send(f"/paid {other}")).last.text == f"The invoice for order {other} is already paid."
    clock.advance(days=3)
    assert await dun() == 1  # +3 days: only the unpaid one, and the staff chat hears of it
    assert "was due on" in shop.server.chat_messages(330)[-1].text
    assert any(f"Invoice for order {code}" in t.text for t in shop.server.chat_messages(-100500))
    clock.advance(days=7)
    assert await dun() == 1  # +10 days
    clock.advance(days=30)
    assert await dun() == 0  # three reminders at most
    assert sum("invoice for order" in t.text.lower() for t in shop.server.chat_messages(331)) == 1


async def test_the_daily_report_goes_to_the_staff_chat_once_a_day(shop: RunningBot, clock: FakeClock) -> None:
    from domain.usecases.jobs import daily_digest

    await order(shop, 340, {"85123A": 2})
    shipped = await order(shop, 341, {"22197": 1})
    runtime = shop.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED, OrderStatus.SHIPPED):
        await transition_order(runtime.uow(), runtime.clock, code=shipped, target=step, actor="staff:1")

    async def report() -> object:
        digest = await daily_digest(runtime.uow(), runtime.clock, staff_chat_id=-100500, timezone="UTC", hour=8)
        await runtime.notifier.drain()
        return digest

    clock.advance(days=1)  # 09:00 the next day: the report on the day the orders came in
    first = await report()
    assert first is not None and await report() is None  # once a day
    text = shop.server.chat_messages(-100500)[-1].text
    assert (
        "Daily report for 25 Nov 2026" in text and "Orders: 2" in text and "Revenue: £14.15" in text
    )  # goods and shipping
    assert "Shipped: 1" in text and "Return requests: 0" in text
    # Royal Mail Tracked 48 had to leave on the 25th to arrive on the 27th; the shipped one is fine
    assert first.late == [c for c in first.late if c != shipped] and len(first.late) == 1  # type: ignore[attr-defined]
    clock.advance(hours=22)  # 07:00: before DAILY_REPORT_HOUR
    assert await report() is None
    clock.advance(hours=1)
    later = await report()
    assert later is not None and later.orders == 0  # type: ignore[attr-defined]
    assert len(later.late) == 1  # type: ignore[attr-defined]


async def test_the_daily_report_names_30_late_orders_and_counts_the_rest(shop: RunningBot, clock: FakeClock) -> None:
    """Every late order's code went into the report: a shop with thousands late (a warehouse
    closed for a week) had its daily report in the staff chat as several messages of codes."""
    from domain.usecases.jobs import daily_digest

    codes = [await order(shop, 360 + n, {"85123A": 1}) for n in range(35)]
    clock.advance(days=20)  # every courier order past its ship-by day
    await daily_digest(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500, timezone="UTC", hour=8)
    await shop.runtime.notifier.drain()
    text = shop.server.chat_messages(-100500)[-1].text
    named = [code for code in codes if code in text]
    assert len(named) == 30 and "… and 5 more." in text
