"""Customer look-up for staff and the ranking of the most valuable customers."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.money import Money
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order, order_code, order_of_invoice, place_card_order, place_cod_order
from tests.e2e.returns import delivered, refunded_return
from tests.fakes import FakeClock


async def test_staff_look_a_customer_up_by_id_username_or_phone(shop: RunningBot, clock: FakeClock) -> None:
    first = await order(shop, 600, {"85123A": 2})  # £5.90 + £3.70 shipping
    await order(shop, 600, {"22197": 1})  # £0.85 + £3.70
    await SandboxUser(shop.server, 600, "Vera", username="vera_k").send("/start")  # Telegram says who they are now
    sue = await hire(shop, 98, "Sue", "support")
    for reference in ("600", "@vera_k", "+44 7911 123456"):
        text = (await sue.send(f"/customer {reference}")).last.text
        assert text.startswith("Vera (@vera_k) · 600 · repeat"), reference
        assert (
            "Orders: 2 · returns: 0" in text and "Lifetime value: £14.15" in text and "Average order: £7.08" in text
        )  # 707.5p, half-even
        assert first in text and "221B Baker Street" in text
    clock.advance(days=91)
    assert "at risk" in (await sue.send("/customer 600")).last.text
    assert (await sue.send("/customer @nobody")).last.text == "Nothing was found."


async def test_the_most_valuable_customers_come_first(shop: RunningBot) -> None:
    await order(shop, 610, {"22197": 1})
    await order(shop, 611, {"85123A": 3})
    await order(shop, 611, {"85123A": 1})
    manager = await hire(shop, 99, "Max", "manager")
    lines = (await manager.send("/top customers")).last.text.splitlines()
    assert lines[0] == "The most valuable customers"
    assert lines[1].startswith("1. C611 (611)") and "2 orders" in lines[1]
    assert lines[2].startswith("2. C610 (610)") and "1 order" in lines[2]
    support = await hire(shop, 100, "Sid", "support")
    assert (await support.send("/top")).last.text == "Your role (support) does not allow this."


async def test_customers_who_pay_in_another_currency_are_ranked_by_what_they_are_worth_in_the_base(
    shop: RunningBot,
) -> None:
    """/top ranked the sums of minor units of different currencies against one another: a
    Russian customer's ₽960 (96,000 kopecks, £9.60 at 100) came before £13.05 (1,305 pence)."""
    manager = await hire(shop, 99, "Max", "manager")
    await manager.send("/fx RUB 100")
    ivan = SandboxUser(shop.server, 620, "Ivan", language_code="ru")
    await add_to_cart(ivan, "85123A", 2)
    rouble_order = order_code(await place_cod_order(ivan))  # ₽590 of hearts + ₽370 shipping
    pound_order = await order(shop, 621, {"85123A": 3})  # £8.85 + £4.20 shipping
    async with shop.runtime.sessions() as session:
        totals = dict(
            (
                await session.execute(
                    select(m.OrderRow.code, m.OrderRow.total_minor).where(
                        m.OrderRow.code.in_([rouble_order, pound_order])
                    )
                )
            ).all()
        )
    assert totals == {rouble_order: 96000, pound_order: 1305}  # ₽960 = £9.60 < £13.05
    lines = (await manager.send("/top customers")).last.text.splitlines()
    assert lines[1] == "1. C621 (621) — £13.05 — 1 order"
    assert lines[2] == "2. Ivan (620) — RUB\xa0960.00 — 1 order"


async def test_an_order_edited_down_after_payment_is_worth_its_new_total_not_less_the_refund_again(
    paying_shop: RunningBot,
) -> None:
    """A paid order of two holders (£5.90) edited to one is worth £2.95: its total fell to £2.95
    and £2.95 is owed back. /top took the refund off the lowered total as well: £0.00."""
    shop = paying_shop
    boris = SandboxUser(shop.server, 630, "Boris")
    invoice = await place_card_order(boris, "85123A", 2)
    await boris.pay(invoice, charge_id="tg-first")
    code = order_of_invoice(invoice)
    editing = await boris.press((await boris.send(f"/track {code}")).last, "✏️")
    await boris.press(editing.last, "➖ White Hanging Heart…")
    async with shop.runtime.sessions() as session:
        total = await session.scalar(select(m.OrderRow.total_minor).where(m.OrderRow.code == code))
        owed = await session.scalar(select(m.PaymentRow.amount_minor).where(m.PaymentRow.kind == "refund_owed"))
    assert (total, owed) == (295, 295)
    manager = await hire(shop, 99, "Max", "manager")
    lines = (await manager.send("/top customers")).last.text.splitlines()
    assert lines[1] == "1. Boris (630) — £2.95 — 1 order"


async def test_a_customer_s_lifetime_value_is_their_orders_less_what_was_refunded_as_top_says(
    shop: RunningBot,
) -> None:
    """One order kept, one returned with £2.95 refunded: /top said £12.90 and /customer's
    "Lifetime value" £15.85 for the same customer (the refund was left in)."""
    kept = await order(shop, 640, {"22197": 3})
    returned = await delivered(shop, 640, {"85123A": 2})
    await refunded_return(shop, 640, returned, "85123A")
    sue = await hire(shop, 92, "Sue", "support")
    async with shop.runtime.sessions() as session:
        totals = await session.scalar(
            select(func.sum(m.OrderRow.total_minor)).where(m.OrderRow.code.in_([kept, returned]))
        )
    assert totals is not None
    value = totals - 295
    profile = (await sue.send("/customer 640")).last.text
    assert f"Lifetime value: £{value / 100:.2f}" in profile
    assert f"Average order: £{Money(value, 'GBP').split(2).amount / 100:.2f}" in profile
    manager = await hire(shop, 99, "Max", "manager")
    top = (await manager.send("/top customers")).last.text.splitlines()
    assert top[1] == f"1. C640 (640) — £{value / 100:.2f} — 2 orders"
