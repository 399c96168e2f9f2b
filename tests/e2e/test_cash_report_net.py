"""A cash-on-delivery order whose customer gave up a part earns what was collected for it: /report takes the part
never collected off its net as the books and a customer's lifetime value do, and the dashboard's today tile shows
the same refunds and net, on both engines, en/ru."""

from __future__ import annotations

import pytest

from domain.usecases.dashboard import dashboard
from domain.usecases.reports import report
from tests.e2e.books_month_end import books_shop
from tests.e2e.browser import browser_page, need_browser
from tests.e2e.conftest import ADMIN
from tests.e2e.miniapp import init_data, miniapp, tma
from tests.e2e.parcels import hire_in
from tests.e2e.short_picks import delivered_with_three_given_up
from tests.fakes import FakeClock

# 5 × 22151 at £0.42 and £4.70 shipping (£6.80); 3 dropped (£1.26): the courier collects £5.54
WORDS = {
    "en": ("Revenue: £6.80", "Cash not collected on these orders: £1.26 · net: £5.54"),
    "ru": ("Выручка: 6,80\xa0£", "Не получено наличными по этим заказам: 1,26\xa0£ · чистая выручка: 5,54\xa0£"),
}
# and a £2.00 goodwill refund on it: owed to the customer, on its own line, both off the net (£3.54)
BOTH = {
    "en": "Refunds owed on these orders: £2.00\nCash not collected on these orders: £1.26 · net: £3.54",
    "ru": "Возвраты денег по этим заказам: 2,00\xa0£\n"
    "Не получено наличными по этим заказам: 1,26\xa0£ · чистая выручка: 3,54\xa0£",
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_cash_orders_part_never_collected_is_taken_off_the_reports_net(
    database_url: str, clock: FakeClock, language: str
) -> None:
    revenue, net = WORDS[language]
    async with books_shop(database_url, clock) as shop:
        await delivered_with_three_given_up(shop, 296, "TRK-R1")

        manager = await hire_in(shop, 299, "Mo", "manager", language)
        said = (await manager.send("/report today")).new[0].text
        assert revenue in said, said
        assert net in said, said
        assert "Refunds owed" not in said and "Возвраты денег" not in said, said  # nobody is owed it


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_refunds_owed_and_cash_never_collected_are_on_their_own_lines_both_off_the_net(
    database_url: str, clock: FakeClock, language: str
) -> None:
    async with books_shop(database_url, clock) as shop:
        code = await delivered_with_three_given_up(shop, 296, "TRK-R1")
        await (await hire_in(shop, 298, "Sofia", "support", "en")).send(f"/refund {code} 2 late delivery")

        manager = await hire_in(shop, 299, "Mo", "manager", language)
        said = (await manager.send("/report today")).new[0].text
        assert BOTH[language] in said, said


async def test_the_dashboards_sales_today_agree_with_the_reports_for_a_cash_order_with_a_part_given_up(
    database_url: str, clock: FakeClock
) -> None:
    """Same data, same figures (minor units): the dashboard's revenue today and its chart's are /report's revenue,
    the order's total (680); what was never collected (126) is taken off /report's net (554), as a card order's
    refund of a part not sent is, not off the revenue either shows."""
    async with books_shop(database_url, clock) as shop:
        await delivered_with_three_given_up(shop, 296, "TRK-R1")
        runtime, zone = shop.runtime, shop.runtime.settings.timezone
        board = await dashboard(runtime.uow(), runtime.clock, staff_id=ADMIN, timezone=zone)
        sales = await report(runtime.uow(), runtime.clock, staff_id=ADMIN, name="today", timezone=zone)
    assert board.today is not None and board.hourly is not None and board.hourly.revenue is not None
    assert board.today.revenue == sales.revenue == {"GBP": 680}
    assert {c: sum(hours) for c, hours in board.hourly.revenue.items()} == sales.revenue
    assert (sales.refunds.amount, sales.uncollected_cash.amount, sales.net.amount) == (0, 126, 554)
    assert (board.today.refunds, board.today.uncollected_cash, board.today.net) == (
        sales.refunds,
        sales.uncollected_cash,
        sales.net,
    )


# the dashboard's today tile, as /report says it: labels (/app/api/me) and amounts (/app/api/dashboard)
DASHBOARD = {
    "en": (("Refunds owed on these orders", "Cash not collected on these orders", "net"), ("£2.00", "£1.26", "£3.54")),
    "ru": (
        ("Возвраты денег по этим заказам", "Не получено наличными по этим заказам", "чистая выручка"),
        ("2,00\xa0£", "1,26\xa0£", "3,54\xa0£"),
    ),
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_dashboard_shows_todays_refunds_cash_never_collected_and_net_as_the_report_does(
    database_url: str, clock: FakeClock, language: str
) -> None:
    labels, amounts = DASHBOARD[language]
    async with books_shop(database_url, clock) as shop:
        code = await delivered_with_three_given_up(shop, 296, "TRK-R1")
        await (await hire_in(shop, 298, "Sofia", "support", "en")).send(f"/refund {code} 2 late delivery")
        await hire_in(shop, 299, "Mo", "manager", language)
        async with miniapp(shop) as client:
            headers = tma(shop, 299, first_name="Mo", language=language)
            strings = (await (await client.get("/app/api/me", headers=headers)).json())["strings"]
            today = (await (await client.get("/app/api/dashboard", headers=headers)).json())["today"]
        runtime, zone = shop.runtime, shop.runtime.settings.timezone
        sales = await report(runtime.uow(), runtime.clock, staff_id=ADMIN, name="today", timezone=zone)
    assert (strings["refunds_owed"], strings["uncollected"], strings["net"]) == labels
    assert (today["refunds"]["text"], today["uncollected"]["text"], today["net"]["text"]) == amounts
    minor = (today["refunds"]["minor"], today["uncollected"]["minor"], today["net"]["minor"])
    assert minor == (sales.refunds.amount, sales.uncollected_cash.amount, sales.net.amount) == (200, 126, 354)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_dashboards_today_tile_shows_the_reports_refunds_and_net_and_a_refund_pushed_on_its_stream(
    database_url: str, clock: FakeClock, language: str
) -> None:
    need_browser()
    from playwright.async_api import expect

    uncollected, both = WORDS[language][1], BOTH[language].replace("\n", " · ")
    async with books_shop(database_url, clock) as shop:
        code = await delivered_with_three_given_up(shop, 296, "TRK-R1")
        support = await hire_in(shop, 298, "Sofia", "support", "en")
        await hire_in(shop, 299, "Mo", "manager", language)
        page_data = init_data(shop, 299, "Mo", language=language)
        async with miniapp(shop) as client, browser_page(f"dashboard-net-{language}", page_data) as page:
            streams: list[str] = []
            page.on("request", lambda r: streams.append(r.url) if "/app/api/dashboard/events" in r.url else None)
            await page.goto(str(client.make_url("/app/dashboard")))
            net = page.locator('[data-figure="today_net"]')
            await expect(net).to_have_text(uncollected)  # nobody is owed a refund: none said
            await expect(page.locator("#live")).to_be_visible()
            await support.send(f"/refund {code} 2 late delivery")
            await expect(net).to_have_text(both)
            assert len(streams) == 1  # pushed on the stream the page opened, not read again on a reconnect
