"""What the books and the figures say to a manager: /ar in their language, the daily report as
the orders have it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.harness import RunningBot
from domain.orders import OrderStatus
from domain.usecases.jobs import daily_digest
from domain.usecases.orders import transition_order
from domain.usecases.sales import summarise_sales
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.accounting import balances
from tests.e2e.books_for_managers import three_not_found
from tests.e2e.conftest import hire, staff_shop
from tests.e2e.jobs import _invoice_order
from tests.e2e.journeys import order, pdf_text, picked_order
from tests.fakes import FakeClock


async def test_the_receivables_aging_names_its_buckets_in_the_manager_s_language(
    shop: RunningBot, clock: FakeClock
) -> None:
    late = await _invoice_order(shop, 610)  # due in 14 days
    clock.advance(days=14 + 45)
    current = await _invoice_order(shop, 611)
    manager = await hire(shop, 98, "Маша", "manager", language="ru")
    aging = (await manager.send("/ar")).last.text
    lines = {line.split(" — ")[0].removeprefix("• "): line.split(" — ")[-1] for line in aging.splitlines()[1:]}
    assert lines == {f"{late} · INV-000001": "просрочено на 31-60 дн.", f"{current} · INV-000002": "в срок"}
    english = await hire(shop, 99, "Mo", "manager")
    assert (await english.send("/ar")).last.text.splitlines()[1].endswith("— 31-60 days overdue")


async def test_a_day_whose_orders_were_all_cancelled_has_no_revenue_line_once_summarised(
    shop: RunningBot, clock: FakeClock
) -> None:
    runtime = shop.runtime
    code = await order(shop, 630, {"85123A": 2})
    await transition_order(runtime.uow(), runtime.clock, code=code, target=OrderStatus.CANCELLED, actor="staff:1")
    clock.advance(days=1)  # 09:00 the next day: yesterday is summarised, then reported
    while (await summarise_sales(runtime.uow(), runtime.clock, timezone="UTC")).more:
        pass
    digest = await daily_digest(runtime.uow(), runtime.clock, staff_chat_id=-100500, timezone="UTC", hour=8)
    await runtime.notifier.drain()
    assert digest is not None and digest.orders == 0 and digest.revenue == {}
    assert "Revenue" not in shop.server.chat_messages(-100500)[-1].text


async def test_top_products_earn_what_their_lines_were_charged_after_discounts(
    shop: RunningBot, clock: FakeClock
) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    made = await manager.send("/promotion new Half percent=50 products=85123A until=2026-12-31")
    assert "Half" in made.last.text, made.last.text
    await order(shop, 640, {"85123A": 2})  # 2 × £2.95 at half price: £2.95 charged for the goods
    async with shop.runtime.sessions() as session:
        charged = await session.scalar(select(m.OrderLineRow.discount_minor).where(m.OrderLineRow.sku == "85123A"))
    assert charged == 295

    async def top_line(period: str) -> str:
        sent = await manager.send(f"/report {period}")  # the figures, then the chart
        return next(line for x in sent.messages for line in x.text.splitlines() if line.startswith("1. "))

    assert (await top_line("today")).endswith("— 2 · £2.95")  # revenue £6.65: £2.95 and £3.70 shipping
    clock.advance(days=2)  # the day summarised, then read from the summary
    while (await summarise_sales(shop.runtime.uow(), shop.runtime.clock, timezone="UTC")).more:
        pass
    assert (await top_line("week")).endswith("— 2 · £2.95")


RECEIPT_ROWS = {
    "en": [
        "2 × £2.95",
        "£5.90",
        "Half",
        "−£2.95",
        "Shipping",
        "£3.70",
        "Total: £6.65",
        "Including tax at 20%: £1.11",  # £0.49 in the goods' £2.95, £0.62 in the shipping's £3.70
        "Total without tax: £5.54",  # what a business books as cost, the £1.11 reclaimed apart
    ],
    "ru": [
        "2 × 2,95 £",
        "5,90 £",
        "Half",
        "−2,95 £",
        "Доставка",
        "3,70 £",
        "Итого: 6,65 £",
        "В том числе налог по ставке 20 %: 1,11 £",
        "Итого без налога: 5,54 £",
    ],
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_receipt_adds_up_to_its_total_with_its_discounts_and_names_the_tax_inside_and_the_net(
    tmp_path: Path, clock: FakeClock, language: str
) -> None:
    async with staff_shop(tmp_path, clock, tax_rate=20) as shop:
        manager = await hire(shop, 98, "Mo", "manager")
        await manager.send("/promotion new Half percent=50 products=85123A until=2026-12-31")
        code = await order(shop, 650, {"85123A": 2})  # 2 × £2.95 at half price, £3.70 shipping
        reader = SandboxUser(shop.server, 650, "C650", language_code=language)
        sent = await reader.send(f"/receipt {code}")
        assert sent.last.file is not None
        text = pdf_text(sent.last.file.content).replace("\xa0", " ").replace("\u202f", " ")
    rows = text.splitlines()
    expected = RECEIPT_ROWS[language]
    at = rows.index(expected[0])
    assert rows[at : at + len(expected)] == expected, rows


async def test_a_packing_slip_with_prices_adds_up_to_its_total(shop: RunningBot) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    await manager.send("/promotion new Half percent=50 products=85123A until=2026-12-31")
    code = await picked_order(shop, 660, {"85123A": 2})  # 2 × £2.95 at half price, £3.70 shipping
    packer = await hire(shop, 70, "Pax", "packer", "LON")
    await packer.send(f"/pack {code}")
    await packer.send("85123A")
    boxes = await packer.send("85123A")
    weighed = await packer.press((await packer.press(boxes.last, "As proposed")).last, "estimate")
    slip = (await packer.press(weighed.last, "Packing slip")).last.file
    assert slip is not None
    rows = pdf_text(slip.content).splitlines()
    assert rows[rows.index("£5.90") + 1 :] == ["Half", "−£2.95", "Shipping", "£3.70", "Total: £6.65"]


async def test_a_stock_count_correction_is_booked_at_supply_cost(shop: RunningBot) -> None:
    manager = await hire(shop, 98, "Mo", "manager")
    opening = await balances(shop)  # the demo's stock import, booked against 3000
    lost = await manager.send("/adjust 85123A LON -2 broken")
    assert "85123A" in lost.last.text, lost.last.text
    await manager.send("/adjust 85123A LON +1 found behind the shelf")
    books = await balances(shop)  # 85123A costs £1.10 a unit at LON (its supply terms)
    # Units found are stock in without an order, as goods-in and an import's count are.
    assert books["5100 Inventory write-offs"] == (220, 0)
    assert books["1200 Inventory"] == (opening["1200 Inventory"][0] + 110, 220)
    equity = "3000 Opening stock and goods without an order"
    assert books[equity][1] - opening[equity][1] == 110


async def test_units_a_picker_cannot_find_are_written_off_at_supply_cost(shop: RunningBot) -> None:
    await three_not_found(shop)
    books = await balances(shop)  # 3 units at £0.50 are not there
    assert books["5100 Inventory write-offs"] == (150, 0) and books["1200 Inventory"][1] == 150


async def test_the_trial_balance_names_its_accounts_in_the_manager_s_language(shop: RunningBot) -> None:
    await _invoice_order(shop, 680)  # a receivable against sales
    manager = await hire(shop, 98, "Маша", "manager", language="ru")
    trial = (await manager.send("/trial")).last.text.splitlines()
    assert trial[0] == "Оборотно-сальдовая ведомость"
    assert [line.split(":")[0] for line in trial[1:-1]] == [
        "1100 Дебиторская задолженность",
        "1200 Товарные запасы",  # the demo's opening stock
        "3000 Начальные остатки и товары без заказа поставщику",
        "4000 Выручка",
        "4100 Доход от доставки",
    ]
