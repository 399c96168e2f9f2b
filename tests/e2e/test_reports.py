"""/report, /stockvalue and /slow against figures worked out from the database rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sqlalchemy import func, select

from bot.harness import RunningBot
from domain.money import Money
from domain.orders import OrderStatus
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.orders import cancel_my_order, transition_order
from domain.usecases.reports import report
from handlers.output.charts import sales_chart, sales_figure
from handlers.reports import chart_text
from handlers.views.rendering import format_money
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import order
from tests.e2e.returns import ask_return, refunded_return
from tests.fakes import FakeClock


async def _ship(shop: RunningBot, code: str) -> None:
    runtime = shop.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking=f"TR{code}")


async def _customer_id(shop: RunningBot, telegram_id: int) -> int:
    async with shop.runtime.sessions() as session:
        found = await session.scalar(select(m.CustomerRow.id).where(m.CustomerRow.telegram_id == telegram_id))
    assert found is not None
    return found


async def test_the_day_s_report_counts_orders_money_fulfilment_and_returns(shop: RunningBot, clock: FakeClock) -> None:
    runtime = shop.runtime
    first = await order(shop, 500, {"85123A": 2})  # 09:00, £5.90 + shipping
    clock.advance(hours=1)
    second = await order(shop, 501, {"22197": 3})  # 10:00
    third = await order(shop, 502, {"22197": 1})
    await cancel_my_order(
        runtime.uow(), clock, customer_id=await _customer_id(shop, 502), code=third, staff_chat_id=None
    )
    clock.advance(hours=4)
    await _ship(shop, first)  # 14:00: five hours after it was placed
    await mark_delivered(runtime.uow(), clock, staff_id=ADMIN, code=first)
    clock.advance(hours=2)
    await _ship(shop, second)  # 16:00: six hours
    await runtime.notifier.drain()
    await ask_return(shop, SandboxUser(shop.server, 500, "C500"), first, "85123A", "Changed my mind")

    async with runtime.sessions() as session:
        totals = (
            await session.execute(
                select(m.OrderRow.code, m.OrderRow.total_minor).where(m.OrderRow.code.in_([first, second]))
            )
        ).all()
    revenue = sum(total for _, total in totals)

    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/report today")
    text = shown.new[0].text
    assert "Orders: 2 · cancelled: 1" in text
    assert f"Revenue: £{revenue / 100:.2f}" in text and f"Average order: £{revenue / 200:.2f}" in text
    assert "Shipped: 2 · placed → shipped: median 5.5 h, 90 percent within 5.9 h" in text
    assert "On time: 100% (2/2)" in text
    assert "Delivered: 1 · return requests: 1 · delivered orders with a return request: 1 (100%)" in text
    assert text.index("85123A") < text.index("22197")  # £5.90 of hearts before £2.55 of popcorn holders
    assert shown.last.kind == "photo" and shown.last.file is not None
    assert shown.last.file.content.startswith(b"\x89PNG")

    assert "Orders: 2" in (await manager.send("/report week")).new[0].text
    assert (await manager.send("/report year")).last.text == "Choose a period: today, week or month."


async def test_stock_value_and_slow_movers(shop: RunningBot, clock: FakeClock) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    async with shop.runtime.sessions() as session:
        s, t, w, p = m.StockRow, m.SupplyTermsRow, m.WarehouseRow, m.ProductRow
        valued = await session.scalar(  # at the catalog's cost, else the supply terms'
            select(func.sum(s.on_hand * func.coalesce(p.cost_minor, t.unit_cost_minor)))
            .join(p, p.id == s.product_id)
            .outerjoin(t, (t.product_id == s.product_id) & (t.warehouse_id == s.warehouse_id))
            .join(w, w.id == s.warehouse_id)
            .where(w.code == "LON")
        )
    shown = await manager.send("/stockvalue")
    lon = next(line for line in shown.last.text.splitlines() if line.startswith("LON"))
    assert f"£{int(valued or 0) / 100:,.2f}" in lon

    def listed(reply_text: str, sku: str, warehouse: str) -> list[str]:
        return [line for line in reply_text.splitlines() if line.startswith(sku) and f"· {warehouse} ·" in line]

    slow = await manager.send("/slow 30")
    assert "Slow movers: no sale in 30 days" in slow.last.text
    assert listed(slow.last.text, "85123A", "LON") == []  # the imported history sold it last week
    assert all("never sold" in line for line in slow.last.text.splitlines() if "· MAN ·" in line)
    async with shop.runtime.sessions() as session:
        d = m.DemandRow
        last_sale = await session.scalar(
            select(func.max(d.day))
            .join(m.ProductRow, m.ProductRow.id == d.product_id)
            .where(m.ProductRow.sku == "85123A")
        )
    assert last_sale is not None
    clock.advance(days=40)
    idle = (clock.now().date() - last_sale).days
    [line] = listed((await manager.send("/slow 30")).last.text, "85123A", "LON")
    assert f"last sold {idle} days ago" in line
    code = await order(shop, 500, {"85123A": 1})
    await _ship(shop, code)  # a sale today: no longer slow
    assert listed((await manager.send("/slow 30")).last.text, "85123A", "LON") == []

    picker = await hire(shop, 60, "Pia", "picker", "LON")
    assert (await picker.send("/slow")).last.text == "Your role (picker) does not allow this."
    assert "digits" not in (await manager.send("/slow lots")).last.text
    assert (await manager.send("/slow 0")).last.text.startswith("Usage: /slow")


async def test_slow_movers_say_how_many_more_there_are_than_shown(shop: RunningBot) -> None:
    """/slow showed the 20 with most capital tied up and said nothing of the rest: a shop with
    40,000 variants never sold read 20 slow movers."""
    runtime = shop.runtime
    skus = [f"IDLE-{i:02d}" for i in range(30)]
    products = "".join(f"{sku},Idle thing {sku},Gadgets,1.50,GBP\n" for sku in skus)
    await import_products(runtime.uow(), runtime.clock, "sku,name,category,price,currency\n" + products)
    stock = "".join(f"{sku},LON,A-01-01-1,7\n" for sku in skus)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)
    manager = await hire(shop, 98, "Mo", "manager")
    slow = (await manager.send("/slow 30")).last.text
    shown = [line for line in slow.splitlines()[1:] if " · on hand " in line]
    async with runtime.sessions() as session:  # what is on hand anywhere: every line /slow could show
        stocked = await session.scalar(select(func.count()).select_from(m.StockRow).where(m.StockRow.on_hand > 0))
    more = re.search(r"… and (\d+) more\.$", slow)
    assert len(shown) == 20 and more is not None
    assert len(skus) - 20 <= int(more.group(1)) <= int(stocked or 0) - 20  # the idle 30, and the demo's unsold


def _drawn(figure: Figure) -> tuple[Axes, Axes, Axes, RendererAgg]:
    """The chart drawn as the PNG is: its days' axes, their revenue axis, the top products'."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    every = list(dict.fromkeys([*figure.axes, *(a for sub in figure.subfigs for a in sub.axes)]))
    best = next(a for a in every if a.get_title() == "Лучшие товары")
    over_time = next(a for a in every if a.get_title() and a is not best)
    revenue = next(a for a in every if a is not over_time and a is not best)
    return over_time, revenue, best, canvas.get_renderer()


def _labels(axis: Axis) -> list[str]:
    return [tick.get_text() for tick in axis.get_ticklabels() if tick.get_visible()]


async def test_the_report_chart_reads_the_reader_s_way_with_no_label_over_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The month's days were 15 labels run into one another ("Sep 26Sep 28Sep 30"); revenue
    ticks of 0.5 were rounded to whole pounds ("0 0 1 1 2 2 3"); an empty day showed orders from
    −0.045 to 0.045 and a row of "0" and "−0" for money."""
    clock.current = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # Saturday 23:30 in London (summer time)
    async with staff_shop(tmp_path, clock, timezone="Europe/London") as shop:
        manager = await hire(shop, 97, "Mo", "manager", language="ru")
        empty = await manager.send("/report today")
        assert [sent.kind for sent in empty.new] == ["text"]  # no chart of nothing; cancellations alone still get one
        runtime = shop.runtime

        async def drawn(name: str) -> tuple[Figure, bytes]:
            found = await report(runtime.uow(), clock, staff_id=97, name=name, timezone="Europe/London", language="ru")
            with runtime.i18n.context(), runtime.i18n.use_locale("ru"):
                text = chart_text(found)
                return sales_figure(found, text), sales_chart(found, text)

        figure, _png = await drawn("today")
        over_time, revenue, best, _ = _drawn(figure)
        assert _labels(over_time.yaxis) == ["0", "1"]  # no fraction of an order, none below 0
        assert _labels(revenue.yaxis) == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]
        assert not best.axison and [t.get_text() for t in best.texts] == ["Нет продаж за этот период"]

        await order(shop, 500, {"85123A": 1})  # 23:30 BST Saturday: £2.95 + shipping
        clock.current = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST Sunday
        await order(shop, 501, {"22197": 3})  # £2.55
        clock.current = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT: the clocks went back
        await order(shop, 502, {"85123A": 1})  # £2.95
        clock.current = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
        today = await manager.send("/report today")
        assert "Заказы: 2" in today.new[0].text
        figure, png = await drawn("today")
        assert today.last.file is not None and png == today.last.file.content
        over_time, revenue, best, renderer = _drawn(figure)
        hours = _labels(over_time.xaxis)
        assert hours == ["00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"]
        bars = [int(bar.get_height()) for bar in over_time.patches if isinstance(bar, Rectangle)]
        assert bars[1] == 2 and sum(bars) == 2  # both 01:30s, summer and winter time, in the 01:00 hour
        assert _labels(best.xaxis) == ["0,0", "0,5", "1,0", "1,5", "2,0", "2,5", "3,0"]  # £2.95 and £2.55

        month = await manager.send("/report month")
        figure, png = await drawn("month")
        assert month.last.file is not None and png == month.last.file.content
        over_time, revenue, best, renderer = _drawn(figure)
        days = [t for t in over_time.xaxis.get_ticklabels() if t.get_visible() and t.get_text()]
        assert [t.get_text() for t in days][:2] == ["26 сент.", "30 сент."] and len(days) <= 8
        boxes = [t.get_window_extent(renderer) for t in days]
        assert all(left.x1 < right.x0 for left, right in pairwise(boxes))  # none over another
        assert len(set(_labels(revenue.yaxis))) == len(_labels(revenue.yaxis))  # no two ticks alike


async def test_the_report_chart_writes_days_as_the_shops_country_writes_the_readers_language(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A London shop's English chart read "Oct 19", the US's way, where its receipts and messages read "19 Oct"."""
    clock.current = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    for timezone, first in (("Europe/London", "18 Oct"), ("America/New_York", "Oct 18")):
        folder = tmp_path / timezone.replace("/", "-")
        folder.mkdir()
        async with staff_shop(folder, clock, timezone=timezone) as shop:
            await order(shop, 500, {"85123A": 1})  # a week without orders sends no chart at all
            sent = (await SandboxUser(shop.server, ADMIN, "Ada", language_code="en").send("/report week")).last
            runtime = shop.runtime
            found = await report(runtime.uow(), clock, staff_id=ADMIN, name="week", timezone=timezone)
            with runtime.i18n.context(), runtime.i18n.use_locale("en"):
                figure = sales_figure(found, chart_text(found))
                assert sent.file is not None and sales_chart(found, chart_text(found)) == sent.file.content
        FigureCanvasAgg(figure).draw()
        over_time = next(a for a in figure.subfigs[0].axes if a.get_title())  # the days', under the title
        assert _labels(over_time.xaxis)[0] == first, timezone


async def test_the_report_says_what_was_refunded_on_the_period_s_orders_and_the_net(
    shop: RunningBot, clock: FakeClock
) -> None:
    """Two orders of the day, one returned and £2.95 of it refunded: /report said "Revenue:
    £15.85" and nothing of the refund, the figure a manager plans the next month's buying on."""
    kept = await order(shop, 520, {"22197": 3})
    returned = await order(shop, 521, {"85123A": 2})
    await _ship(shop, returned)
    await mark_delivered(shop.runtime.uow(), clock, staff_id=ADMIN, code=returned)
    await shop.runtime.notifier.drain()
    await refunded_return(shop, 521, returned, "85123A")
    async with shop.runtime.sessions() as session:
        totals = dict(
            (
                await session.execute(
                    select(m.OrderRow.code, m.OrderRow.total_minor).where(m.OrderRow.code.in_([kept, returned]))
                )
            ).all()
        )
        owed = await session.scalar(
            select(func.sum(m.PaymentRow.amount_minor)).where(m.PaymentRow.kind == "refund_owed")
        )
    revenue = totals[kept] + totals[returned]
    assert owed == 295  # one holder of two, no shipping back for a change of mind
    manager = await hire(shop, 97, "Mo", "manager", language="ru")
    text = (await manager.send("/report today")).new[0].text
    gross, net = Money(revenue, "GBP"), Money(revenue - 295, "GBP")
    assert f"Выручка: {format_money(gross, 'ru')}" in text
    refunded = format_money(Money(295, "GBP"), "ru")
    assert f"Возвраты денег по этим заказам: {refunded} · чистая выручка: {format_money(net, 'ru')}" in text
    english = await hire(shop, 98, "Max", "manager")
    assert (
        f"Refunds owed on these orders: £2.95 · net: £{(revenue - 295) / 100:.2f}"
        in (await english.send("/report today")).new[0].text
    )


async def test_the_return_rate_counts_delivered_orders_with_a_return_never_over_a_hundred_percent(
    shop: RunningBot, clock: FakeClock
) -> None:
    """Two requests on the one delivered order: two requests, but one order of one returned."""
    runtime = shop.runtime
    first = await order(shop, 500, {"85123A": 2})
    await _ship(shop, first)
    await mark_delivered(runtime.uow(), clock, staff_id=ADMIN, code=first)
    await runtime.notifier.drain()
    customer = SandboxUser(shop.server, 500, "C500")
    await ask_return(shop, customer, first, "85123A", "Changed my mind")
    await ask_return(shop, customer, first, "85123A", "Changed my mind")
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(m.ReturnRow)) == 2

    english = await hire(shop, 97, "Mo", "manager")
    text = (await english.send("/report today")).new[0].text
    assert "Delivered: 1 · return requests: 2 · delivered orders with a return request: 1 (100%)" in text
    russian = await hire(shop, 98, "Миша", "manager", language="ru")
    text = (await russian.send("/report today")).new[0].text
    assert "Доставлено: 1 · заявок на возврат: 2 · доставленных заказов с заявкой на возврат: 1 (100" in text
    assert "200" not in text


@pytest.mark.parametrize(
    ("language", "total", "one", "unknown"),
    [
        (
            "en",
            "Total: 15,099 units · £9,859.72 · 734 units without a known cost",
            "MAN: 537 units · £418.20",
            "There is no warehouse NOWHERE",
        ),
        (
            "ru",
            "Итого: 15\xa0099 шт. · 9\xa0859,72\xa0£ · 734 шт. без известной себестоимости",
            "MAN: 537 шт. · 418,20\xa0£",
            "Склада NOWHERE нет",
        ),
    ],
)
async def test_stock_value_adds_up_the_warehouses_and_shows_the_one_asked_for(
    shop: RunningBot, language: str, total: str, one: str, unknown: str
) -> None:
    """/stockvalue gave each warehouse and no total, the figure an owner asks for (/report had it), and
    "/stockvalue MAN" ignored the warehouse, listing them all."""
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    every = (await manager.send("/stockvalue")).last.text.splitlines()
    assert every[-1] == total and len(every) == 4
    assert (await manager.send("/stockvalue man")).last.text.splitlines()[1:] == [one]
    assert unknown in (await manager.send("/stockvalue NOWHERE")).last.text
