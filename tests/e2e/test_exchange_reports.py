"""An exchange's replacement order is not a new sale: /report, the sales summary it reads and the
dashboard count neither it as an order nor its units as sold again; it adds only the price
difference it charged (a dearer size), nothing when it is the same again for free."""

from __future__ import annotations

from sqlalchemy import select

from bot.harness import RunningBot
from domain.money import Money
from domain.usecases.dashboard import dashboard
from domain.usecases.sales import summarise_sales
from storage import models as m
from tests.e2e.conftest import ADMIN, hire
from tests.e2e.variants import swap, tshirts
from tests.fakes import FakeClock


async def test_a_replacement_order_is_no_new_sale_its_units_and_value_only_the_difference_it_charged(
    shop: RunningBot, clock: FakeClock
) -> None:
    await tshirts(shop)
    dearer, charged = await swap(shop, 311, "TEE-M-NVY", "L / Navy")  # £12.00 → £13.00: £1.00 charged
    same, free = await swap(shop, 312, "TEE-M-NVY", "The same again")  # nothing charged
    async with shop.runtime.sessions() as session:
        rows = dict((await session.execute(select(m.OrderRow.code, m.OrderRow.total_minor))).all())
    assert (rows[charged], rows[free]) == (100, 0)
    sold = rows[dearer] + rows[same] + 100  # the two sales and the difference charged
    average = Money(sold, "GBP").split(2)

    manager = await hire(shop, 97, "Mo", "manager")
    for period in ("today", "week"):
        text = (await manager.send(f"/report {period}")).new[0].text
        assert "Orders: 2\n" in text, text  # not 4: the replacements are no orders, nor cancelled ones
        assert f"Revenue: £{sold / 100:.2f}" in text and f"Average order: £{average.amount / 100:.2f}" in text
        # M/Navy sold twice (the free M again is no sale); L/Navy no unit sold, £1.00 charged
        assert "TEE-M-NVY Organic cotton T-shirt (M / Navy) — 2 · £24.00" in text, text
        assert "TEE-L-NVY Organic cotton T-shirt (L / Navy) — 0 · £1.00" in text, text
        clock.advance(days=1, hours=1)  # the day is over: the week reads it from the sales summary
        while (await summarise_sales(shop.runtime.uow(), clock, timezone="UTC")).more:
            pass

    clock.advance(days=-2, hours=-2)  # back to the day of the sales
    today = (await dashboard(shop.runtime.uow(), clock, staff_id=ADMIN, timezone="UTC")).today
    assert today is not None and (today.orders, today.revenue) == (2, {"GBP": sold})
    async with shop.runtime.sessions() as session:
        summarised = (await session.execute(select(m.SalesDayRow.orders, m.SalesDayRow.total_minor))).all()
    assert summarised == [(2, sold)]
