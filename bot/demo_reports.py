"""The demo's figures for managers: reports, spreadsheets imported, forecasts, the sales summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.harness import DEMO_DATA, RunningBot
from domain.reports import period
from domain.shop_days import shop_day
from domain.usecases.sales import period_sales, summarise_sales
from sandbox.driver import SandboxUser


async def manager_reports(
    ada: SandboxUser, transcript: list[str], scene: Callable[[str], None], keep: Path | None
) -> None:
    scene("Reports: the week's figures with a chart, why goods came back (returns by reason), stock value, slow movers")
    reply = await ada.send("/report week")
    chart = reply.last.file
    if chart is not None and keep is not None:  # `ordergram demo --keep DIR` keeps the chart to look at
        (keep / "report-week.png").write_bytes(chart.content)
        transcript.append(f"    (chart saved as {keep / 'report-week.png'})")
    scene("New stock arrives as spreadsheets: Excel's ; with decimal commas and a cost column, a tab-separated count")
    await ada.send_document((DEMO_DATA / "garden-products.csv").read_bytes(), "garden-products.csv", "/import products")
    await ada.send_document((DEMO_DATA / "garden-stock.csv").read_bytes(), "garden-stock.csv", "/import stock")
    scene("Its categories are paths (Garden > Pots): the catalog becomes a tree, with breadcrumbs and a way back")
    reply = await ada.send("/catalog")
    reply = await ada.press(reply.last, "Garden")
    reply = await ada.press(reply.last, "Pots")
    await ada.press(reply.last, "⬅ Back")
    await ada.send("/stockvalue")
    await ada.send("/slow 60")
    scene(
        "Forecast: a year of sales (UCI data): the method chosen and each candidate's error, demand quantiles, "
        "and a replenishment policy (reorder point, order-up-to) to apply"
    )
    reply = await ada.send("/forecast 85123A")
    apply = next(b for b in reply.last.button_texts() if b.startswith("Apply"))
    applied = await ada.press(reply.last, apply)
    transcript.append(f"🤖 bot answers the press: {(applied.callback_answer or {}).get('text')}")
    await ada.send("/lowstock")
    scene("Customer insight: who buys most")
    await ada.send("/top customers")
    await ada.send("/customer 1001")
    scene(
        "Receivables aging (/ar): each open invoice beside the notes that changed it, credit notes taken off and debit"
        " notes added (INV-… − CN-… + DN-…), so what is owed on it is traced to documents"
    )
    await ada.send("/ar")


async def paused_forecast(
    running: RunningBot, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    from domain.usecases.imports.stock import import_demand
    from domain.weeks import week_start

    scene("Out of stock at MAN for 30 weeks, as once before: a pause, forecast at the rate before it")
    clock = running.runtime.clock
    last_monday = week_start(shop_day(clock.now(), running.runtime.settings.timezone)) - timedelta(days=7)
    rows = "".join(f"84879,MAN,{last_monday - timedelta(weeks=w)},12\n" for w in (*range(30, 60), *range(90, 100)))
    await import_demand(running.runtime.uow(), clock, "sku,warehouse,date,quantity\n" + rows)
    transcript.append("$ ordergram import demand man.csv   (12 a week at MAN, 30 weeks without, 12 a week, 30 without)")
    await ada.send("/forecast 84879")
    scene("No sales of another for 30 weeks, the first time; its price cut since: a relaunch, not a product gone")
    rows = "".join(f"22492,MAN,{last_monday - timedelta(weeks=w)},9\n" for w in range(30, 60))
    await import_demand(running.runtime.uow(), clock, "sku,warehouse,date,quantity\n" + rows)
    transcript.append("$ ordergram import demand paint.csv   (9 a week at MAN, then 30 weeks without)")
    await ada.press((await ada.send("/product 22492")).last, "Price (GBP)")
    await ada.send("0.49")
    await ada.send("/forecast 22492")
    scene("Three weeks on promotion sold four times as much: left out of the forecast, not read as demand")
    start, today = last_monday - timedelta(weeks=2), shop_day(clock.now(), running.runtime.settings.timezone)
    made = await ada.send(f'/promotion new "Lights week" percent=25 products=84879 from={start} until={today}')
    number = re.search(r"#(\d+)", made.last.text)
    rows = "".join(f"84879,LON,{last_monday - timedelta(weeks=w)},{40 if w < 3 else 10}\n" for w in range(20))
    await import_demand(running.runtime.uow(), clock, "sku,warehouse,date,quantity\n" + rows)
    transcript.append("$ ordergram import demand lon.csv   (10 a week at LON, 40 in the promotion's three weeks)")
    if number is not None:
        await ada.send(f"/promotion end {number.group(1)}")
    await ada.send("/forecast 84879")


async def sales_summary(running: RunningBot, transcript: list[str]) -> None:
    """The scheduler's tick summarises each day once it has ended; the report and the digest
    then read those days from the summary and only today from the orders."""
    runtime, zone = running.runtime, running.runtime.settings.timezone
    done, more = 0, True
    while more:
        run = await summarise_sales(runtime.uow(), runtime.clock, timezone=zone)
        done, more = done + run.days, run.more
    when = period("week", runtime.clock.now(), zone)
    uow = runtime.uow()
    async with uow.read_only():
        sales = await period_sales(uow, when.start, when.end, zone, lines=False)
    transcript.append(
        f"🗓 sales summary job: {done} day(s) summarised; /report week reads {sales.summarised} "
        f"of its days from the summary and today from the orders"
    )
