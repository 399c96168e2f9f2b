"""/forecast through the bot: the demo's year of UCI sales replayed, a known-answer
history imported, the suggested policy (reorder point and order-up-to) applied from the
button, service levels per ABC class, and the screen in Russian."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.harness import RunningBot
from domain.catalog import Product
from domain.money import Money
from domain.purchasing import PoLine, PoStatus, PurchaseOrder
from domain.usecases.imports.stock import import_demand, import_stock
from domain.weeks import week_start
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop, stock_row
from tests.fakes import FakeClock


async def _levels(shop: RunningBot, sku: str, warehouse: str) -> tuple[int, int | None]:
    point, top = await stock_row(shop, sku, warehouse, m.StockRow.reorder_point, m.StockRow.max_level)
    return int(point or 0), top


async def _steady(shop: RunningBot, clock: FakeClock) -> None:
    """22197 at LON: 10 units every week for 20 weeks (replaces the demo history)."""
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    rows = "".join(f"22197,LON,{last_monday - timedelta(weeks=w)},10\n" for w in range(20))
    await import_demand(
        shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows
    )  # replaces the demo history


async def _forecast(shop: RunningBot, sku: str = "22197", *, language: str = "en") -> str:
    """``/forecast SKU`` as a manager (Mo) reads it, their app in ``language``."""
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    return (await manager.send(f"/forecast {sku}")).last.text


async def test_a_steady_history_gives_lead_time_demand_and_a_week_more_as_the_policy(
    shop: RunningBot, clock: FakeClock
) -> None:
    await _steady(shop, clock)
    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/forecast 22197")
    text = shown.last.text
    assert "Next weeks: 10.0 · 10.0" in text and "20 weeks of history" in text
    why = next(line for line in text.splitlines() if line.startswith("Why: validation error of each candidate"))
    assert "simple exponential smoothing 0.00" in why  # a flat history: every candidate is exact
    assert "Demand in a week: 50% ≤ 10.0 · 80% ≤ 10.0 · 95% ≤ 10.0" in text
    # 10 a week over HOMEWARE's 5-day lead time: ⌈7.14⌉ = 8; and a week more: ⌈17.14⌉ = 18.
    assert "Demand over the lead time (5 days): 50% ≤ 7.1 · 80% ≤ 7.1 · 95% ≤ 7.1" in text
    assert "Suggested: reorder point 8, order up to 18" in text
    assert "(fill rate 95.0%; expected 100.0%; order-up-to: lead time and a week more)" in text
    assert "Current: reorder point 30, maximum 300" in text
    applied = await manager.press(shown.last, "Apply 8 / 18 at LON")
    assert applied.callback_answer is not None
    assert applied.callback_answer["text"] == "22197 at LON: reorder point 8, order up to 18."
    assert await _levels(shop, "22197", "LON") == (8, 18)
    again = await manager.send("/forecast 22197")
    assert "Current: reorder point 8, maximum 18" in again.last.text
    assert not [b for b in again.last.button_texts() if b.startswith("Apply")]  # nothing left to change


async def test_a_seller_paused_for_thirty_weeks_as_once_before_is_forecast_at_its_rate_before_the_pause(
    shop: RunningBot, clock: FakeClock
) -> None:
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    rows = "".join(f"22197,LON,{last_monday - timedelta(weeks=w)},10\n" for w in (*range(30, 50), *range(80, 100)))
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    text = await _forecast(shop)
    assert "No sales in the last 30 weeks: read as a pause (out of stock or off the shelf)" in text
    assert "Next weeks: 10.0 · 10.0" in text and "Suggested: reorder point 8, order up to 18" in text


async def _first_pause(shop: RunningBot, clock: FakeClock) -> SandboxUser:
    """22197 at LON: 10 a week for 20 weeks, then 30 without a sale (its first such pause); a manager."""
    last_monday = week_start(clock.now().date()) - timedelta(weeks=1)
    rows = "".join(f"22197,LON,{last_monday - timedelta(weeks=w)},10\n" for w in range(30, 50))
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    return await hire(shop, 97, "Mo", "manager")


async def test_a_price_cut_after_a_first_long_pause_is_read_as_a_relaunch_at_the_rate_before_it(
    shop: RunningBot, clock: FakeClock
) -> None:
    manager = await _first_pause(shop, clock)
    before = (await manager.send("/forecast 22197")).last.text
    assert "read as a" not in before  # a first pause, no cut: read as gone, its forecast decays
    gone = float(before.split("Next weeks: ")[1].split(" · ")[0])
    assert gone < 1
    asked = await manager.press((await manager.send("/product 22197")).last, "Price (GBP)")
    assert "Now: £0.85" in asked.last.text
    raised = await manager.send("0.95")  # a rise in the pause is no relaunch
    assert "Saved." in raised.last.text and "read as a" not in (await manager.send("/forecast 22197")).last.text
    asked = await manager.press((await manager.send("/product 22197")).last, "Price (GBP)")
    assert "Saved." in (await manager.send("0.79")).last.text  # below 0.85, its price when the pause began
    text = (await manager.send("/forecast 22197")).last.text
    assert "No sales in the last 30 weeks, and the price was cut since they began: read as a relaunch" in text
    assert "Next weeks: 10.0 · 10.0" in text and "Suggested: reorder point 8, order up to 18" in text
    ru = SandboxUser(shop.server, 97, "Mo", language_code="ru")
    assert "цена снижена" in (await ru.send("/forecast 22197")).last.text


async def test_a_price_cut_by_a_products_file_in_chat_is_audited_and_read_as_a_relaunch(
    shop: RunningBot, clock: FakeClock
) -> None:
    manager = await _first_pause(shop, clock)
    catalog = (Path(__file__).parents[2] / "bot" / "demo_data" / "products.csv").read_text().splitlines()
    row = next(line for line in catalog if line.startswith("22197,"))
    cut = row.replace(",0.85,GBP,", ",0.79,GBP,").removesuffix(",photos/22197.png")  # a path on the server
    header = catalog[0].removesuffix(",photo")
    assert cut != row and header != catalog[0]
    sent = await manager.send_document(f"{header}\n{cut}\n".encode(), "products.csv", caption="/import")
    assert "1 updated" in sent.last.text
    history = await manager.press((await manager.send("/product 22197")).last, "History")
    assert "Mo" in history.last.text and "£0.85 → £0.79" in history.last.text
    text = (await manager.send("/forecast 22197")).last.text
    assert "No sales in the last 30 weeks, and the price was cut since they began: read as a relaunch" in text
    assert "Next weeks: 10.0 · 10.0" in text


async def test_a_warehouse_that_first_sold_this_week_is_listed_with_no_history_yet(
    shop: RunningBot, clock: FakeClock
) -> None:
    today = clock.now().date()
    rows = f"22197,LON,{today},5\n22197,MAN,{today},5\n"  # LON stocks it, MAN does not
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    text = await _forecast(shop)
    assert "\nLON\n" in text and "\nMAN\n" in text
    assert text.count("Not enough sales history to forecast: 0 weeks, at least 8 needed.") == 2


async def test_the_forecast_screen_reads_in_russian(shop: RunningBot, clock: FakeClock) -> None:
    await _steady(shop, clock)
    await hire(shop, 97, "Mo", "manager")
    misha = SandboxUser(shop.server, 97, "Mo", language_code="ru")
    text = (await misha.send("/forecast 22197")).last.text
    assert "Прогноз спроса" in text and "Почему" in text
    assert "Предлагается: точка заказа 8, заказывать до 18" in text
    assert "Спрос за срок поставки (5 дней)" in text


async def test_the_demo_history_is_forecast_with_a_backtest_and_roles_are_checked(shop: RunningBot) -> None:
    manager = await hire(shop, 97, "Mo", "manager")
    shown = await manager.send("/forecast 85123A")
    text = shown.last.text
    assert "Demand forecast: 85123A" in text and "Method:" in text and "Why:" in text
    assert "Backtest on the latest weeks: MASE" in text and "lead time (7 days)" in text  # CANDLES: a week
    [apply] = [b for b in shown.last.button_texts() if b.startswith("Apply") and b.endswith("at LON")]
    point, top = int(apply.split()[1].replace(",", "")), int(apply.split()[3].replace(",", ""))  # grouped: 1,943
    assert f"Suggested: reorder point {point:,}, order up to {top:,}" in text and top > point

    await manager.press(shown.last, apply)
    assert await _levels(shop, "85123A", "LON") == (point, top)

    assert (await manager.send("/forecast")).last.text == "Usage: /forecast SKU"
    assert (await manager.send("/forecast NOPE-1")).last.text == "Nothing was found."
    support = await hire(shop, 98, "Sue", "support")
    assert (await support.send("/forecast 85123A")).last.text == "Your role (support) does not allow this."


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Your role ({role}) does not allow this."),
        ("ru", "Ваша роль ({role}) не позволяет это сделать."),
    ],
)
async def test_a_forecast_is_for_purchasing_so_a_picker_or_packer_is_refused_it(
    shop: RunningBot, language: str, refusal: str
) -> None:
    """A picker read /forecast (it asked to see stock): forecasts are for buying, a manager's, as /po is."""
    roles = {"en": {"picker": "picker", "packer": "packer"}, "ru": {"picker": "сборщик", "packer": "упаковщик"}}
    for user_id, role in ((60, "picker"), (61, "packer")):
        member = await hire(shop, user_id, role.title(), role, "LON", language=language)
        seen = await member.send("/forecast 85123A")
        assert [m.text for m in seen.new] == [refusal.format(role=roles[language][role])]
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    offered = (await manager.send("/forecast 85123A")).last
    assert {"en": "Demand forecast: 85123A", "ru": "Прогноз спроса: 85123A"}[language] in offered.text
    assert [b for b in offered.button_texts() if b.startswith({"en": "Apply", "ru": "Применить"}[language])]
    assert (await _levels(shop, "85123A", "LON"))[0] == 40


@pytest.fixture
async def by_class(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    """The demo shop with service levels per ABC class (A 98 %, B 95 %, C 90 %)."""
    async with staff_shop(tmp_path, clock, service_level_by_class=True) as bot:
        yield bot


async def test_with_classes_the_best_seller_gets_the_a_level_and_a_higher_point(by_class: RunningBot) -> None:
    manager = await hire(by_class, 97, "Mo", "manager")
    text = (await manager.send("/forecast 85123A")).last.text  # the demo's best seller
    assert "(fill rate 98.0% for class A products; expected" in text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_method_without_parameters_shows_none_and_the_applied_levels_are_grouped_as_on_the_button(
    shop: RunningBot, language: str
) -> None:
    """84077's demo history is forecast by IMAPA, which has no parameters: the screen read
    "IMAPA, … averaged ()"; and the alert after Apply 2,516 / 4,307 said "reorder point 2516"."""
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    shown = (await manager.send("/forecast 84077")).last
    assert "IMAPA" in shown.text and "()" not in shown.text
    [apply] = shown.button_texts()
    left, right = apply.split(" / ")  # "Apply 2,516 / 4,307 at LON": as the reader writes numbers
    point, top = left.split(" ", 1)[1], right.rsplit(" ", 2)[0]
    assert len(point) > 3 and not point.isdecimal()
    answer = (await manager.press(shown, apply)).callback_answer
    assert answer is not None
    said = {"en": f"reorder point {point}, order up to {top}.", "ru": f"точка заказа {point}, заказывать до {top}."}
    assert said[language] in answer["text"]


async def _sold_out(shop: RunningBot, clock: FakeClock) -> None:
    """22197 at LON: 10 a week for 30 weeks, then its last unit gone and six weeks with none
    on hand (a stock count of 0 in its bin), so six weeks without a sale."""
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    rows = "".join(f"22197,LON,{last_monday - timedelta(weeks=w)},10\n" for w in range(30))
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    await import_stock(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,bin,quantity\n22197,LON,A-03-03-3,0\n")
    clock.advance(weeks=6)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_weeks_a_product_was_out_of_stock_are_no_demand_and_are_left_out_of_its_forecast(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    await _sold_out(shop, clock)
    text = await _forecast(shop, language=language)
    said = {
        "en": "6 weeks out of stock left out of the history (none on hand: their zero sales are no demand).",
        "ru": "6 недель без товара на складе исключены из истории "
        "(его не было в наличии: нулевые продажи — не отсутствие спроса).",
    }
    assert said[language] in text
    weeks = {"en": "Next weeks: 10.0 · 10.0", "ru": "Следующие недели: 10,0 · 10,0"}
    assert weeks[language] in text  # the rate it sold at while it was there, not a decay towards 0
    point = {"en": "Suggested: reorder point 8, order up to 18", "ru": "точка заказа 8, заказывать до 18"}
    assert point[language] in text


@pytest.fixture
async def moscow_shop(tmp_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    async with staff_shop(tmp_path, clock, timezone="Europe/Moscow") as bot:
        yield bot


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_weeks_a_product_was_on_promotion_are_left_out_so_its_forecast_stays_at_its_regular_rate(
    moscow_shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """22197 sells 10 a week, 40 in the three weeks of a promotion from Monday 30 November to
    Sunday 20 December in Moscow, the shop's days (read in UTC it would begin on the Sunday
    before, and take in a fourth week); /forecast five weeks on."""
    shop = moscow_shop
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    made = await manager.send(
        '/promotion new "Summer <sale>" percent=20 products=22197 from=2026-11-30 until=2026-12-20'
    )
    assert "Summer" in made.last.text
    clock.advance(weeks=5)
    last_monday = week_start(clock.now().date()) - timedelta(days=7)  # 21 December
    sale = {last_monday - timedelta(weeks=w) for w in (1, 2, 3)}  # 30 November, 7 and 14 December
    rows = "".join(
        f"22197,LON,{day},{40 if day in sale else 10}\n"
        for day in (last_monday - timedelta(weeks=w) for w in range(20))
    )
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    text = (await manager.send("/forecast 22197")).last.text
    said = {
        "en": "3 weeks on promotion left out of the history (what a discount sold is no ordinary demand): "
        "30 Nov 2026 – 20 Dec 2026 (Summer <sale>)",
        "ru": "3 недели акций исключены из истории (продажи по скидке — не обычный спрос): "
        "30 нояб. 2026\u202fг. – 20 дек. 2026\u202fг. (Summer <sale>)",
    }
    assert said[language] in text
    history = {"en": "17 weeks of history", "ru": "история за 17 недель"}
    assert history[language] in text
    weeks = {"en": "Next weeks: 10.0 · 10.0", "ru": "Следующие недели: 10,0 · 10,0"}
    assert weeks[language] in text  # its regular rate, not lifted by the promotion's 90 more units
    point = {"en": "Suggested: reorder point 8, order up to 18", "ru": "точка заказа 8, заказывать до 18"}
    assert point[language] in text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_safety_stock_is_shown_as_the_reorder_point_less_the_demand_expected_over_the_lead_time(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    await _steady(shop, clock)
    text = await _forecast(shop, language=language)
    # 10 a week over HOMEWARE's 5-day lead time: 7.1 expected; the reorder point 8 keeps 0.9 more.
    said = {
        "en": "Safety stock 0.9: the reorder point less the 7.1 expected over the lead time",
        "ru": "Страховой запас 0,9: точка заказа минус ожидаемые за срок поставки 7,1",
    }
    assert said[language] in text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_discontinued_product_is_forecast_but_no_reorder_point_is_suggested_nor_offered(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    await _steady(shop, clock)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    sheet = await admin.press((await admin.send("/product 22197")).last, "Status")
    await admin.press(sheet.last, "discontinued")
    manager = await hire(shop, 97, "Mo", "manager", language=language)
    shown = await manager.send("/forecast 22197")
    text = shown.last.text
    said = {
        "en": "Discontinued: nothing more is bought, so no reorder point is suggested "
        "(the reorder scan orders only what customers still wait for).",
        "ru": "Снят с продажи: больше не закупается, поэтому точка заказа не предлагается "
        "(проверка точек заказа закупает только то, что ещё ждут покупатели).",
    }
    assert said[language] in text
    assert ("Next weeks: 10.0" if language == "en" else "Следующие недели: 10,0") in text  # still forecast
    assert "Suggested" not in text and "Предлагается" not in text
    assert not [b for b in shown.last.button_texts() if b.startswith(("Apply", "Применить"))]
    assert await _levels(shop, "22197", "LON") == (30, 300)


async def _late_deliveries(shop: RunningBot, clock: FakeClock, late: tuple[int, ...]) -> None:
    """HOMEWARE's orders of 22197 for LON, each received ``late`` days after it was expected."""
    uow = shop.runtime.uow()
    async with uow:
        supplier = next(s for s in await uow.purchasing.suppliers() if s.code == "HOMEWARE")
        warehouse = await uow.warehouses.get_by_code("LON")
        product = await uow.products.get_by_sku("22197")
        assert supplier.id and warehouse and warehouse.id and product and product.id
        for k, days in enumerate(late):
            expected = clock.now().date() - timedelta(weeks=10 - 2 * k)
            received = datetime.combine(expected + timedelta(days=days), time(11), UTC)
            line = PoLine(product.id, "22197", 24, Money(30, "GBP"), received=24, received_at=received)
            po = PurchaseOrder(supplier.id, warehouse.id, "GBP", PoStatus.RECEIVED, [line], received, expected)
            await uow.purchasing.add(po, "test")
        await uow.commit()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_supplier_that_delivers_late_is_planned_on_its_record_not_its_stated_lead_time(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    await _steady(shop, clock)
    await _late_deliveries(shop, clock, (4, 3, 6))
    text = await _forecast(shop, language=language)
    said = {
        "en": "HOMEWARE: lead time 5 days, but its last 3 deliveries here came a median 4 days after expected: "
        "planned on 9 days.",
        "ru": "HOMEWARE: срок поставки 5 дн., но последние 3 поставки сюда пришли с медианным опозданием 4 дн.: "
        "расчёт на 9 дн.",
    }
    assert said[language] in text
    # 10 a week over 9 days: ⌈12.86⌉ = 13; and a week more: ⌈22.86⌉ = 23.
    lead = {"en": "Demand over the lead time (9 days)", "ru": "Спрос за срок поставки (9 дней)"}
    assert lead[language] in text
    point = {"en": "Suggested: reorder point 13, order up to 23", "ru": "точка заказа 13, заказывать до 23"}
    assert point[language] in text


async def test_two_late_deliveries_are_not_yet_a_record_and_on_time_ones_change_nothing(
    shop: RunningBot, clock: FakeClock
) -> None:
    await _steady(shop, clock)
    await _late_deliveries(shop, clock, (4, 6))
    manager = await hire(shop, 97, "Mo", "manager")
    text = (await manager.send("/forecast 22197")).last.text
    assert "Demand over the lead time (5 days)" in text and "median" not in text
    clock.advance(days=1)  # the next three are newer
    await _late_deliveries(shop, clock, (0, -1, 0))  # the last three: on time or early
    text = (await manager.send("/forecast 22197")).last.text
    assert "Demand over the lead time (5 days)" in text and "median" not in text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_new_product_too_young_to_forecast_shows_its_weeks_so_far_and_its_current_levels(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """Two weeks of sales: no forecast yet, but a planner still sees what it sold and what the
    reorder scan orders it by, and how to set that by hand."""
    last_monday = week_start(clock.now().date()) - timedelta(days=7)
    rows = f"22197,LON,{last_monday - timedelta(weeks=1)},5\n22197,LON,{last_monday},7\n"
    await import_demand(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,date,quantity\n" + rows)
    text = await _forecast(shop, language=language)
    said = {
        "en": (
            "Not enough sales history to forecast: 2 weeks, at least 8 needed.",
            "Sold so far, a week: 5 · 7",
            "Current: reorder point 30, maximum 300 (set by hand: /reorder 22197 LON POINT MAX)",
        ),
        "ru": (
            "Продажи пока, по неделям: 5 · 7",
            "Сейчас: точка заказа 30, максимум 300 (вручную: /reorder 22197 LON ТОЧКА МАКС)",
        ),
    }
    for line in said[language]:
        assert line in text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "No warehouse has stocked or sold it yet: there is nothing to forecast. "
            "Set its reorder point by hand: /reorder NEW-1 WAREHOUSE POINT MAX",
        ),
        (
            "ru",
            "Его ещё не было ни на одном складе и его не продавали: прогнозировать нечего. "
            "Точку заказа можно задать вручную: /reorder NEW-1 СКЛАД ТОЧКА МАКС",
        ),
    ],
)
async def test_a_product_no_warehouse_has_stocked_yet_is_named_with_nothing_to_forecast(
    shop: RunningBot, language: str, said: str
) -> None:
    """A new product, not yet received anywhere: /forecast said "Nothing was found." of a SKU the
    manager had just added, as if it were mistyped."""
    async with shop.runtime.uow() as uow:
        await uow.products.upsert(Product("NEW-1", "Brand <new> lamp", "Lighting", {"GBP": Money(150, "GBP")}))
        await uow.commit()
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    shown = await manager.send("/forecast NEW-1")
    assert shown.last.text.splitlines()[0].endswith("NEW-1 Brand <new> lamp")
    assert said in shown.last.text and shown.last.button_texts() == []
    assert (await manager.send("/forecast NOPE-1")).last.text in ("Nothing was found.", "Ничего не найдено.")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ("No sales here yet: nothing to forecast.", "In stock here since ", " (10 days).")),
        ("ru", ("Здесь его ещё не продавали: прогнозировать нечего.", "На складе здесь с ", " (10 дней).")),
    ],
)
async def test_a_stocked_product_never_sold_says_it_has_no_sales_yet_and_how_long_it_has_been_stocked(
    shop: RunningBot, clock: FakeClock, language: str, said: tuple[str, str, str]
) -> None:
    """Received at LON, never sold: /forecast said "Not enough sales history to forecast: 1 week", a week of
    history it never had."""
    async with shop.runtime.uow() as uow:
        await uow.products.upsert(Product("NEW-2", "Brand new lamp", "Lighting", {"GBP": Money(150, "GBP")}))
        await uow.commit()
    manager = await hire(shop, 99, "Mo", "manager", language=language)
    await manager.send("/receive NEW-2 10 LON")
    clock.advance(days=10)
    text = (await manager.send("/forecast NEW-2")).last.text
    none_yet, since, days = said
    assert none_yet in text and since in text and days in text, text
    assert "1 week" not in text and "1 неделя" not in text and "history" not in text, text
